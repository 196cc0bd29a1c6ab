// The runner against the simulator: closed and open loop, budget, summary keys.
#include "batchrunner.h"
#include "connectionpool.h"
#include "simulatorthread.h"

#include <QSignalSpy>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

QList<ChatRequest> prompts(int n, const QString& model = u"sim-small"_s) {
    QList<ChatRequest> work;
    for (int i = 0; i < n; ++i) {
        ChatRequest r;
        r.model = model;
        r.messages.append({u"user"_s, u"hello"_s});
        r.index = QString::number(i);
        work.append(r);
    }
    return work;
}

sim::SimConfig fastSim(double ttftMs) {
    sim::SimConfig c;
    c.ttftMs = ttftMs;
    c.ttftSigma = 0;
    c.tokensPerSecond = 0;
    c.outputTokens = 10;
    c.outputTokensJitter = false;
    return c;
}

PriceTable prices() {
    PriceTable table;
    table.setPrice(u"sim-small"_s, {1000000, 2000000, -1, {}, {}}); // $1 / $2 per MTok
    return table;
}

} // namespace

class tst_BatchRunner : public QObject {
    Q_OBJECT
private slots:
    void closedLoopRunsEverythingAndSummarises() {
        sim::SimulatorThread simulator;
        QVERIFY(simulator.start(fastSim(5)));
        Endpoint endpoint{simulator.baseUrl(), ApiStyle::OpenAI, u"sim-small"_s, {}, {}, {}, {}};
        ConnectionPool pool(endpoint, PoolConfig{});
        RunOptions options;
        options.concurrency = 4;
        BatchRunner runner(&pool, prompts(100), options, prices());
        QSignalSpy records(&runner, &BatchRunner::recordReady);
        QSignalSpy finished(&runner, &BatchRunner::finished);
        runner.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QCOMPARE(records.size(), 100);
        const QJsonObject summary = finished.first().at(0).toJsonObject();
        for (const QString& key :
             {u"requests"_s, u"succeeded"_s, u"failed"_s, u"duration_s"_s, u"throughput_rps"_s,
              u"output_tokens_per_s"_s, u"latency_ms"_s, u"ttft_ms"_s, u"itl_ms"_s, u"tpot_ms"_s,
              u"queue_ms"_s, u"tokens"_s, u"cost_usd"_s, u"cost_unknown_requests"_s, u"pool"_s,
              u"retries"_s, u"errors"_s})
            QVERIFY2(summary.contains(key), qPrintable(key));
        QCOMPARE(summary.value(u"succeeded"_s).toInt(), 100);
        QCOMPARE(summary.value(u"pool"_s).toObject().value(u"max_active"_s).toInt(), 4);
        QCOMPARE(summary.value(u"pool"_s).toObject().value(u"connections_opened"_s).toInt(), 4);
        const QJsonObject tokens = summary.value(u"tokens"_s).toObject();
        QCOMPARE(tokens.value(u"completion"_s).toInt(), 1000);
        // cost: prompt tokens × $1/MTok + 1000 × $2/MTok, exactly
        const double expected = double(tokens.value(u"prompt"_s).toInt()) * 1e-6 + 1000 * 2e-6;
        QVERIFY(qAbs(summary.value(u"cost_usd"_s).toDouble() - expected) < 1e-12);
        QCOMPARE(summary.value(u"cost_unknown_requests"_s).toInt(), 0);
    }

    void unknownPricesAreCountedNotZero() {
        sim::SimulatorThread simulator;
        QVERIFY(simulator.start(fastSim(1)));
        Endpoint endpoint{simulator.baseUrl(), ApiStyle::OpenAI, u"x"_s, {}, {}, {}, {}};
        ConnectionPool pool(endpoint, PoolConfig{});
        BatchRunner runner(&pool, prompts(5, u"unpriced-model"_s), RunOptions{}, prices());
        QSignalSpy finished(&runner, &BatchRunner::finished);
        runner.start();
        QTRY_COMPARE(finished.size(), 1);
        const QJsonObject summary = finished.first().at(0).toJsonObject();
        QCOMPARE(summary.value(u"cost_unknown_requests"_s).toInt(), 5);
    }

    void openLoopKeepsItsScheduleWhenTheServerIsSlow() {
        // 20 req/s against a 300 ms server with a single connection: a closed loop would send
        // about 3 requests a second; the open loop keeps sending, and the queue shows up in
        // the latencies (no coordinated omission).
        sim::SimulatorThread simulator;
        QVERIFY(simulator.start(fastSim(300)));
        Endpoint endpoint{simulator.baseUrl(), ApiStyle::OpenAI, u"sim-small"_s, {}, {}, {}, {}};
        PoolConfig config;
        config.maxConnections = 1;
        ConnectionPool pool(endpoint, config);
        RunOptions options;
        options.ratePerSecond = 20;
        options.seed = 42;
        BatchRunner runner(&pool, prompts(10), options, prices());
        QSignalSpy finished(&runner, &BatchRunner::finished);
        QList<RequestRecord> records;
        connect(&runner, &BatchRunner::recordReady, this,
                [&records](const RequestRecord& r) { records.append(r); });
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(runner.progress().submitted == 10, 3000);
        QVERIFY(runner.progress().completed < 10); // all sent long before they finished
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
        const RequestRecord& last = records.last();
        QVERIFY2(last.e2eMs() > 2000, qPrintable(QString::number(last.e2eMs())));
        QVERIFY(last.queueMs() > 1500);
    }

    void budgetStopsNewRequests() {
        sim::SimulatorThread simulator;
        QVERIFY(simulator.start(fastSim(5)));
        Endpoint endpoint{simulator.baseUrl(), ApiStyle::OpenAI, u"sim-small"_s, {}, {}, {}, {}};
        ConnectionPool pool(endpoint, PoolConfig{});
        QList<ChatRequest> work = prompts(50);
        for (ChatRequest& r : work)
            r.maxTokens = 10;
        RunOptions options;
        options.concurrency = 2;
        // Worst case per request ≈ (3 + 16) × $1/MTok + 10 × $2/MTok ≈ $0.000039
        options.budgetUsd = 0.0002;
        BatchRunner runner(&pool, work, options, prices());
        QSignalSpy finished(&runner, &BatchRunner::finished);
        runner.start();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(1).toInt(), int(RunEnd::BudgetReached));
        const QJsonObject summary = finished.first().at(0).toJsonObject();
        QVERIFY(summary.value(u"requests"_s).toInt() < 50);
        QVERIFY(summary.value(u"cost_usd"_s).toDouble() <= 0.0002);
        QCOMPARE(summary.value(u"stopped"_s).toString(), u"budget"_s);
    }
};

QTEST_GUILESS_MAIN(tst_BatchRunner)
#include "tst_batchrunner.moc"
