// The descriptor budget: how many connections fit in the file-descriptor limit.
#include "descriptorbudget.h"

#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

using namespace poolscope;

class TestDescriptorBudget : public QObject {
    Q_OBJECT

private slots:
    void unknownLimitAllowsEverything() {
        const DescriptorBudget budget;
        QCOMPARE(budget.connectionsAllowed(10000, false), 10000);
        QCOMPARE(budget.connectionsAllowed(10000, true), 10000);
    }

    void whatFitsIsAllowed() {
        DescriptorBudget budget;
        budget.limit = 20000;
        QCOMPARE(budget.needed(9968, false), 64 + 2 * 9968);
        QCOMPARE(budget.connectionsAllowed(9968, false), 9968); // exactly 20,000
        QCOMPARE(budget.connectionsAllowed(9969, false), 9968);
        QCOMPARE(budget.connectionsAllowed(10000, false), 9968);
        QCOMPARE(budget.connectionsAllowed(100, false), 100);
    }

    void aSimulatorInTheProcessCostsItsEndToo() {
        DescriptorBudget budget;
        budget.limit = 1024;
        QCOMPARE(budget.connectionsAllowed(1000, false), (1024 - 64) / 2);
        QCOMPARE(budget.connectionsAllowed(1000, true), (1024 - 64) / 3);
        QCOMPARE(budget.connectionsAllowed(320, true), 320);
    }

    void aConfigIsCappedWithItsMinIdle() {
        DescriptorBudget budget;
        budget.limit = 200;
        PoolConfig config;
        config.maxConnections = 100;
        config.minIdle = 80;
        QVERIFY(budget.capToFit(config, true));
        QCOMPARE(config.maxConnections, 45);
        QCOMPARE(config.minIdle, 45);
        config.maxConnections = 40;
        config.minIdle = 10;
        QVERIFY(!budget.capToFit(config, true)); // fits: left alone
        QCOMPARE(config.maxConnections, 40);
        QCOMPARE(config.minIdle, 10);
    }

    void sharedThreadsCostOneDescriptorPerThread() {
        DescriptorBudget budget;
        budget.limit = 20000;
        // 10,000 connections: 10,000 sockets and at most 3,334 threads (counted half full)
        QCOMPARE(budget.needed(10000, false, 6), 64 + 10000 + 3334);
        QCOMPARE(budget.connectionsAllowed(10000, false, 6), 10000);
        QCOMPARE(budget.connectionsAllowed(20000, false, 6), 14952);
        QVERIFY(budget.needed(14952, false, 6) <= 20000);
        QVERIFY(budget.needed(14953, false, 6) > 20000);
        budget.limit = 200; // with the simulator's ends: 58 * 2 + 20 threads = 136 of 136
        QCOMPARE(budget.connectionsAllowed(100, true, 6), 58);
        QCOMPARE(budget.connectionsAllowed(100, true, 1), 45);
    }

    void aTinyLimitStillAllowsOne() {
        DescriptorBudget budget;
        budget.limit = 10;
        QCOMPARE(budget.connectionsAllowed(50, false), 1);
    }

    void raisingReachesTheHardLimit() {
#ifdef Q_OS_UNIX
        rlimit before{};
        QVERIFY(getrlimit(RLIMIT_NOFILE, &before) == 0);
        // Lower the soft limit (always allowed) so that raising has something to do.
        if (before.rlim_cur > 256) {
            rlimit lowered = before;
            lowered.rlim_cur = 256;
            QVERIFY(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
        }
        const DescriptorBudget budget = raiseDescriptorLimit();
        rlimit after{};
        QVERIFY(getrlimit(RLIMIT_NOFILE, &after) == 0);
        QCOMPARE(after.rlim_cur, after.rlim_max);
        if (after.rlim_max != RLIM_INFINITY) {
            QCOMPARE(budget.limit, qint64(after.rlim_cur));
            QCOMPARE(budget.hardLimit, qint64(after.rlim_max));
        } else {
            QCOMPARE(budget.limit, qint64(-1));
        }
#else
        QSKIP("descriptor limits are POSIX");
#endif
    }
};

QTEST_GUILESS_MAIN(TestDescriptorBudget)
#include "tst_descriptorbudget.moc"
