// The batch page end to end on the simulator: a dataset run, and the no pool vs pool table.
#include "batchpage.h"
#include "poolhost.h"
#include "requestlogmodel.h"
#include "simulatorthread.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {
Dataset prompts(int n) {
    QByteArray text;
    for (int i = 0; i < n; ++i)
        text += "prompt number " + QByteArray::number(i) + '\n';
    return parseDataset(text, u"txt"_s);
}
} // namespace

class tst_BatchPage : public QObject {
    Q_OBJECT

    std::unique_ptr<sim::SimulatorThread> m_sim;
    std::unique_ptr<PoolHost> m_host;
    PoolConfig m_config;
    PriceTable m_prices;

private slots:
    void init() {
        sim::SimConfig config;
        config.ttftMs = 5;
        config.ttftSigma = 0;
        config.tokensPerSecond = 0;
        config.outputTokens = 6;
        config.connectCostMs = 30;
        m_sim = std::make_unique<sim::SimulatorThread>();
        QVERIFY(m_sim->start(config));
        Endpoint endpoint;
        endpoint.baseUrl = m_sim->baseUrl();
        endpoint.model = u"sim-small"_s;
        m_config = PoolConfig{};
        m_config.maxConnections = 4;
        m_host = std::make_unique<PoolHost>(endpoint, m_config);
        m_prices = PriceTable{};
        m_prices.setPrice(u"sim-small"_s, {400000, 1600000, -1, {}, {}});
    }
    void cleanup() {
        m_host.reset();
        m_sim.reset();
    }

    void runsADatasetAndSummarises() {
        BatchPage page(m_host.get(), m_prices, [this] { return m_config; });
        page.setDefaultModel(u"sim-small"_s);
        page.setDataset(prompts(40), u"prompts.txt"_s);
        QVERIFY(page.estimateText().contains(u"$"_s));
        auto* results = page.findChild<QTableView*>(u"resultsView"_s)->model();
        QAbstractItemModelTester tester(results);
        QSignalSpy finished(&page, &BatchPage::runFinished);
        QVERIFY(page.findChild<QPushButton*>(u"startButton"_s)->isEnabled());
        page.start();
        QVERIFY(page.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QVERIFY2(page.summaryText().contains(u"40 of 40 succeeded"_s),
                 qPrintable(page.summaryText()));
        QTRY_COMPARE(results->rowCount(), 40);
        QVERIFY(!page.isRunning());
    }

    void badLinesBlockTheRun() {
        BatchPage page(m_host.get(), m_prices, [this] { return m_config; });
        page.setDataset(parseDataset("{\"prompt\": \"ok\"}\nnot json\n"_ba, u"jsonl"_s),
                        u"bad.jsonl"_s);
        QVERIFY(!page.findChild<QPushButton*>(u"startButton"_s)->isEnabled());
        QVERIFY(!page.findChild<QPushButton*>(u"compareButton"_s)->isEnabled());
    }

    void comparesNoPoolWithPool() {
        BatchPage page(m_host.get(), m_prices, [this] { return m_config; });
        page.setDataset(prompts(24), u"prompts.txt"_s);
        QSignalSpy done(&page, &BatchPage::comparisonFinished);
        page.compareNoPoolWithPool();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 30000);
        const QList<ComparisonRow> rows = page.comparison();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].connectionsOpened, qint64(24)); // one per request
        QVERIFY(rows[1].connectionsOpened <= 4);
        QCOMPARE(rows[0].successRate, 1.0);
        QCOMPARE(rows[1].successRate, 1.0);
        // Every no-pool request paid the 30 ms connection cost; pooled ones mostly did not.
        QVERIFY2(rows[0].p50Ms > rows[1].p50Ms + 20,
                 qPrintable(QString::number(rows[0].p50Ms) + u" vs "_s +
                            QString::number(rows[1].p50Ms)));
    }
};

QTEST_MAIN(tst_BatchPage)
#include "tst_batchpage.moc"
