#include "latencyhistogram.h"

#include <QTest>

#include <algorithm>
#include <random>

using namespace poolscope;

class tst_LatencyHistogram : public QObject {
    Q_OBJECT
private slots:
    void smallValuesAreExact() {
        LatencyHistogram h;
        for (int v = 0; v < 100; ++v)
            h.record(v);
        QCOMPARE(h.count(), quint64(100));
        QCOMPARE(h.percentile(50), qint64(49));
        QCOMPARE(h.percentile(100), qint64(99));
        QCOMPARE(h.min(), qint64(0));
        QCOMPARE(h.max(), qint64(99));
        QCOMPARE(h.mean(), 49.5);
    }

    void percentilesWithinOnePercent_data() {
        QTest::addColumn<double>("p");
        for (double p : {1.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9})
            QTest::addRow("p%g", p) << p;
    }
    void percentilesWithinOnePercent() {
        QFETCH(double, p);
        std::mt19937_64 random(7);
        std::lognormal_distribution<double> latency(std::log(20000.0), 1.0);
        std::vector<qint64> values;
        LatencyHistogram h;
        for (int i = 0; i < 100000; ++i) {
            const qint64 v = qint64(latency(random));
            values.push_back(v);
            h.record(v);
        }
        std::sort(values.begin(), values.end());
        const size_t rank = size_t(std::ceil(p / 100.0 * double(values.size())));
        const double exact = double(values[std::max<size_t>(rank, 1) - 1]);
        const double estimate = double(h.percentile(p));
        QVERIFY2(std::abs(estimate - exact) / exact <= 0.01,
                 qPrintable(QStringLiteral("exact %1 estimate %2").arg(exact).arg(estimate)));
    }

    void bucketsRoundTrip_data() {
        QTest::addColumn<qint64>("value");
        for (qint64 v : {qint64(0), qint64(127), qint64(128), qint64(255), qint64(256),
                         qint64(1000), qint64(123456), qint64(1) << 40})
            QTest::addRow("%lld", v) << v;
    }
    void bucketsRoundTrip() {
        QFETCH(qint64, value);
        const qint64 mid = LatencyHistogram::bucketMidpoint(LatencyHistogram::bucketIndex(value));
        QVERIFY(std::abs(double(mid - value)) <= std::max(0.5, double(value) / 256.0));
    }

    void mergeEqualsRecordingEverything() {
        LatencyHistogram a, b, all;
        for (int i = 1; i <= 1000; ++i) {
            (i % 2 ? a : b).record(i * 37);
            all.record(i * 37);
        }
        a.merge(b);
        QCOMPARE(a.count(), all.count());
        for (double p : {50.0, 90.0, 99.0})
            QCOMPARE(a.percentile(p), all.percentile(p));
        QCOMPARE(a.max(), all.max());
        QCOMPARE(a.mean(), all.mean());
    }

    void emptySummaryIsNull() {
        LatencyHistogram h;
        QVERIFY(h.summaryMs().value(QStringLiteral("p50")).isNull());
        h.record(1500);
        QCOMPARE(h.summaryMs().value(QStringLiteral("p50")).toDouble(), 1.5);
    }
};

QTEST_GUILESS_MAIN(tst_LatencyHistogram)
#include "tst_latencyhistogram.moc"
