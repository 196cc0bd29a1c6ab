#include "figuretable.h"
#include "headlinepanel.h"
#include "livechart.h"
#include "poolmonitorpage.h"
#include "requestdetailview.h"
#include "requestlogfilter.h"
#include "requestlogmodel.h"
#include "sizingadvisorpanel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

#include <cmath>

using namespace poolscope;
using namespace Qt::StringLiterals;
using Window = MonitorData::Window;

namespace {

constexpr qint64 kT0 = 7'000'000'000; // monotonic origin of the scripted run, µs
constexpr qint64 kS = 1'000'000;

struct Gauges {
    int active = 3;
    int idle = 2;
    int pending = 1;
    int max = 10;
};

PoolSnapshot snapshotAt(qint64 atUs, const Gauges& g) {
    PoolSnapshot snapshot;
    snapshot.takenAtUs = atUs;
    snapshot.active = g.active;
    snapshot.idle = g.idle;
    snapshot.pending = g.pending;
    snapshot.total = g.active + g.idle;
    snapshot.max = g.max;
    return snapshot;
}

// Snapshots at 10 Hz over [fromS, toS).
void feedSnapshots(PoolMonitorPage& page, double fromS, double toS, const Gauges& g = {}) {
    for (qint64 tenth = qRound64(fromS * 10); tenth < qRound64(toS * 10); ++tenth)
        page.addSnapshot(snapshotAt(kT0 + tenth * 100'000, g));
}

RequestRecord recordAt(quint64 id, qint64 finishedUs, double e2eMs, bool ok = true) {
    RequestRecord record;
    record.id = id;
    record.requestId = u"req-"_s + QString::number(id);
    record.ok = ok;
    record.httpStatus = ok ? 200 : 503;
    record.errorClass = ok ? ErrorClass::None : ErrorClass::Server5xx;
    record.attempts = 1;
    record.attemptLog = {{1, record.errorClass, record.httpStatus, QString(), 0}};
    record.model = id % 2 ? u"gpt-4.1"_s : u"claude-sonnet-4.5"_s;
    record.connectionId = qint64(id % 5) + 1;
    record.reused = id > 5;
    record.timeline.finishedAt = finishedUs;
    record.timeline.queuedAt = finishedUs - qint64(e2eMs * 1000);
    record.timeline.acquiredAt = record.timeline.queuedAt + 1000;
    record.timeline.sentAt = record.timeline.acquiredAt + 500;
    record.timeline.firstByteAt = record.timeline.queuedAt + qint64(e2eMs * 200);
    record.timeline.firstTokenAt = record.timeline.queuedAt + qint64(e2eMs * 300);
    record.queueUs = 1000;
    record.tokens.prompt = 20;
    record.tokens.completion = 10;
    record.costPicoUsd = 1'000'000'000; // $0.001
    record.requestHeaders = {{"Authorization", "Bearer sk-very-secret"},
                             {"X-Client-Request-Id", record.requestId.toLatin1()}};
    record.requestBody = "{\"model\":\"gpt-4.1\"}";
    record.output = u"answer "_s + QString::number(id);
    return record;
}

// A three-minute run: load ramps up, after 150 s the pool runs full and requests queue; some
// requests fail, some are retried, a few have no price.
void feedScriptedRun(PoolMonitorPage& page) {
    QRandomGenerator random(42);
    quint64 id = 0;
    quint64 finished = 0;
    quint64 reused = 0;
    qint64 usage = 0;
    const int seconds = 200;
    for (int tenth = 0; tenth < seconds * 10; ++tenth) {
        const double t = tenth / 10.0;
        // Load ramps up; after 150 s the pool runs full and requests queue.
        const double load = std::min(1.0, 0.25 + t / 170.0);
        Gauges g;
        g.max = 12;
        g.active = std::min(12, int(std::lround(load * 12 + random.bounded(3) - 1)));
        g.idle = std::max(0, std::min(12 - g.active, 4 - int(t / 50)));
        g.pending = t > 150 ? int(random.bounded(6)) : (random.bounded(10) == 0 ? 1 : 0);
        QList<RequestRecord> batch;
        const int arrivals = int(random.bounded(int(2 + load * 3)));
        for (int i = 0; i < arrivals; ++i) {
            const qint64 end = kT0 + qint64(t * 1e6) + qint64(random.bounded(100'000));
            const double e2e = 400 + 600 * load + std::exp(random.generateDouble() * 7.0);
            const bool ok = random.bounded(100) >= (t > 120 ? 6 : 2);
            RequestRecord record = recordAt(++id, end, e2e, ok);
            record.requestId = u"psr-"_s + QString::number(random.generate64(), 16).left(16) +
                               u'-' + QString::number(id);
            if (!ok && random.bounded(2) == 0) {
                record.errorClass = ErrorClass::RateLimited;
                record.httpStatus = 429;
            }
            if (random.bounded(8) == 0) { // retried once after a 429
                record.attempts = 2;
                record.attemptLog.prepend({1, ErrorClass::RateLimited, 429, u"429"_s, 800});
            }
            if (t > 150)
                record.queueUs = qint64(random.bounded(400'000));
            record.tokens.completion = 50 + random.bounded(400);
            record.costPicoUsd = record.tokens.completion * 8'000'000LL + 20 * 2'000'000LL;
            if (id % 97 == 0)
                record.costPicoUsd.reset();
            record.responseHeaders = {{"content-type", "text/event-stream"},
                                      {"x-ratelimit-remaining-requests", "4312"}};
            usage += qint64(e2e * 1000);
            ++finished;
            reused += record.reused ? 1 : 0;
            batch.append(record);
        }
        PoolSnapshot snapshot = snapshotAt(kT0 + tenth * 100'000, g);
        snapshot.requestsFinished = finished;
        snapshot.requestsOnReusedConnections = reused;
        snapshot.connectionsOpened = 14;
        snapshot.usageUsSum = usage;
        snapshot.rateLimitHeadroom = 0.62;
        snapshot.acquireTimeouts = t > 170 ? 2 : 0;
        page.addSnapshot(snapshot);
        page.addRecords(batch);
    }
}

// The page at 1600 x 1250 after the scripted run; false if the window never showed.
bool showScriptedRun(PoolMonitorPage& page) {
    page.resize(1600, 1250);
    page.setPoolLimits(12, 0);
    page.show();
    if (!QTest::qWaitForWindowExposed(&page))
        return false;
    feedScriptedRun(page);
    page.refresh();
    return true;
}

QList<QPointF> linePoints(LiveChart* chart, const QString& key) {
    QLineSeries* line = chart->line(key);
    return line ? line->points() : QList<QPointF>();
}

} // namespace

class TestPoolMonitorPage : public QObject {
    Q_OBJECT
private slots:
    void chartsReceiveExpectedPoints();
    void redrawIsCoalesced();
    void bannerAppearsAndClears_data();
    void bannerAppearsAndClears();
    void windowSelectionChangesPercentiles();
    void pauseFreezesTheView();
    void logSelectionShowsDetail();
    void logIsBoundedAndFiltered();
    void exportsFiles();
    void zoomAndReset();
    void advisorUsesLiveNumbers();
    void clearStartsOver();
    void legendTablesFitBesideTheirCharts();
    void screenshot();
};

void TestPoolMonitorPage::chartsReceiveExpectedPoints() {
    PoolMonitorPage page;
    quint64 id = 0;
    for (int s = 0; s < 5; ++s) {
        feedSnapshots(page, s, s + 0.5);
        QList<RequestRecord> records; // the batch arrives while its second is open
        for (int i = 0; i < 2; ++i)
            records.append(recordAt(++id, kT0 + s * kS + 300'000 + i, 200.0));
        page.addRecords(records);
        feedSnapshots(page, s + 0.5, s + 1);
    }
    feedSnapshots(page, 5, 5.05);
    page.refresh();

    LiveChart* utilization = page.utilizationChart();
    const QList<QPointF> active = linePoints(utilization, u"active"_s);
    QCOMPARE(active.size(), 51); // 0.0 … 5.0 s at 10 Hz
    for (const QPointF& point : active)
        QCOMPARE(point.y(), 3.0);
    QCOMPARE(linePoints(utilization, u"idle"_s).last().y(), 5.0); // stacked on active
    QCOMPARE(linePoints(utilization, u"pending"_s).last().y(), 1.0);
    QCOMPARE(linePoints(utilization, u"max"_s).last().y(), 10.0);
    QCOMPARE(linePoints(utilization, u"limit90"_s).last().y(), 9.0);
    // A young run fills the first minute from the left.
    QCOMPARE(utilization->timeAxis()->min(), 0.0);
    QCOMPARE(utilization->timeAxis()->max(), 60.0);
    QVERIFY(utilization->leftAxis()->max() >= 11.0);

    // Seconds 0..3 are closed (1 s grace): two requests and 20 tokens each.
    const QList<QPointF> requests = linePoints(page.throughputChart(), u"requests"_s);
    QCOMPARE(requests, QList<QPointF>({{1, 2}, {2, 2}, {3, 2}, {4, 2}}));
    QCOMPARE(linePoints(page.throughputChart(), u"tokens"_s).last(), QPointF(4, 20));
    const QList<QPointF> e2e = linePoints(page.latencyChart(), u"e2e_p50"_s);
    QCOMPARE(e2e.size(), 4);
    QVERIFY(qAbs(e2e.last().y() - 200.0) <= 2.0);
    QVERIFY(qAbs(linePoints(page.latencyChart(), u"ttft_p99"_s).last().y() - 60.0) <= 0.6);
    QVERIFY(qAbs(linePoints(page.spendChart(), u"cost"_s).last().y() - 0.008) < 1e-12);

    QCOMPARE(page.headline()->valueText(u"active"_s), u"3"_s);
    QCOMPARE(page.headline()->valueText(u"utilization"_s), u"30 %"_s);
    QCOMPARE(page.headline()->valueText(u"acquire_p95"_s), u"1.0 ms"_s);
    QCOMPARE(page.logModel()->rowCount(), 10);
}

void TestPoolMonitorPage::redrawIsCoalesced() {
    PoolMonitorPage page;
    const int before = page.redrawCount();
    feedSnapshots(page, 0, 10);
    for (quint64 id = 1; id <= 1000; ++id)
        page.addRecord(recordAt(id, kT0 + 5 * kS + qint64(id), 50.0));
    QCOMPARE(page.redrawCount(), before); // nothing drawn per record or snapshot
    QTRY_COMPARE(page.redrawCount(), before + 1);
    QCOMPARE(page.logModel()->rowCount(), 1000);
    QTest::qWait(3 * PoolMonitorPage::kRedrawIntervalMs);
    QCOMPARE(page.redrawCount(), before + 1); // and nothing without new data
}

void TestPoolMonitorPage::bannerAppearsAndClears_data() {
    QTest::addColumn<int>("active");
    QTest::addColumn<double>("seconds");
    QTest::addColumn<bool>("shown");
    QTest::newRow("95% for 2.5 s") << 19 << 2.5 << false;
    QTest::newRow("95% for 3.5 s") << 19 << 3.5 << true;
    QTest::newRow("100% for 60 s") << 20 << 60.0 << true;
    QTest::newRow("90% for 60 s") << 18 << 60.0 << false;
}

void TestPoolMonitorPage::bannerAppearsAndClears() {
    QFETCH(int, active);
    QFETCH(double, seconds);
    QFETCH(bool, shown);
    PoolMonitorPage page;
    auto* banner = page.findChild<QLabel*>(u"utilizationWarning"_s);
    QVERIFY(banner);
    feedSnapshots(page, 0, 10, {5, 5, 0, 20});
    QVERIFY(!page.isUtilizationWarningShown());
    feedSnapshots(page, 10, 10 + seconds + 0.05, {active, 0, 3, 20});
    QCOMPARE(page.isUtilizationWarningShown(), shown);
    QCOMPARE(!banner->isHidden(), shown);
    if (shown)
        QVERIFY2(banner->text().contains(u"above 90%"_s), qPrintable(banner->text()));
    // Paused or not, the warning follows the pool.
    page.setPaused(true);
    feedSnapshots(page, 10 + seconds + 0.1, 10 + seconds + 0.5, {10, 5, 0, 20});
    QVERIFY(!page.isUtilizationWarningShown());
}

void TestPoolMonitorPage::windowSelectionChangesPercentiles() {
    PoolMonitorPage page;
    feedSnapshots(page, 0, 5);
    QList<RequestRecord> early;
    for (quint64 id = 1; id <= 100; ++id)
        early.append(recordAt(id, kT0 + 5 * kS + qint64(id), 100.0));
    page.addRecords(early);
    feedSnapshots(page, 5, 100);
    QList<RequestRecord> late;
    for (quint64 id = 101; id <= 200; ++id)
        late.append(recordAt(id, kT0 + 100 * kS + qint64(id), 1000.0));
    page.addRecords(late);
    feedSnapshots(page, 100, 102.05);

    auto* combo = page.findChild<QComboBox*>(u"latencyWindow"_s);
    QVERIFY(combo);
    auto* summary = page.findChild<FigureTable*>(u"latencySummary"_s);
    QVERIFY(summary);

    struct Case {
        Window window;
        double p50;
    };
    for (const Case& c : {Case{Window::TenSeconds, 1000.0}, Case{Window::WholeRun, 100.0},
                          Case{Window::OneMinute, 1000.0}, Case{Window::FiveMinutes, 100.0}}) {
        combo->setCurrentIndex(combo->findData(int(c.window)));
        QCOMPARE(page.latencyWindow(), c.window);
        const QList<QPointF> p50 = linePoints(page.latencyChart(), u"e2e_p50"_s);
        QVERIFY(!p50.isEmpty());
        QVERIFY2(qAbs(p50.last().y() - c.p50) <= c.p50 * 0.01,
                 qPrintable(QString::number(p50.last().y())));
        QVERIFY2(summary->plainText().contains(c.p50 >= 1000 ? u"E2E\t1.00 s"_s : u"E2E\t100 ms"_s),
                 qPrintable(summary->plainText()));
        // The p99 sees the slow requests in every window that holds them.
        QVERIFY(qAbs(linePoints(page.latencyChart(), u"e2e_p99"_s).last().y() - 1000.0) <= 10);
    }
    // The 10 s window had no samples between the two bursts: its line does not invent any.
    page.setLatencyWindow(Window::TenSeconds);
    const QList<QPointF> tenSeconds = linePoints(page.latencyChart(), u"e2e_p50"_s);
    page.setLatencyWindow(Window::WholeRun);
    QVERIFY(tenSeconds.size() < linePoints(page.latencyChart(), u"e2e_p50"_s).size());
}

void TestPoolMonitorPage::pauseFreezesTheView() {
    PoolMonitorPage page;
    feedSnapshots(page, 0, 5);
    page.addRecords({recordAt(1, kT0 + 1 * kS, 100)});
    page.refresh();
    const qsizetype points = linePoints(page.utilizationChart(), u"active"_s).size();
    QCOMPARE(page.logModel()->rowCount(), 1);

    auto* pause = page.findChild<QPushButton*>(u"pause"_s);
    QVERIFY(pause);
    pause->click();
    QVERIFY(page.isPaused());
    feedSnapshots(page, 5, 10, {7, 1, 0, 10});
    page.addRecords({recordAt(2, kT0 + 6 * kS, 100), recordAt(3, kT0 + 7 * kS, 100)});
    page.refresh();
    QCOMPARE(linePoints(page.utilizationChart(), u"active"_s).size(), points);
    QCOMPARE(page.logModel()->rowCount(), 1);
    QCOMPARE(page.headline()->valueText(u"active"_s), u"7"_s); // the numbers stay live

    pause->click();
    QVERIFY(!page.isPaused());
    QVERIFY(linePoints(page.utilizationChart(), u"active"_s).size() > points);
    QCOMPARE(linePoints(page.utilizationChart(), u"active"_s).last().y(), 7.0);
    QCOMPARE(page.logModel()->rowCount(), 3);
}

void TestPoolMonitorPage::logSelectionShowsDetail() {
    PoolMonitorPage page;
    QAbstractItemModelTester tester(page.logFilter(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    feedSnapshots(page, 0, 3);
    page.addRecords({recordAt(1, kT0 + 1 * kS, 100), recordAt(2, kT0 + 2 * kS, 100)});
    page.refresh();
    QTableView* view = page.logView();
    view->setCurrentIndex(page.logFilter()->index(0, 0));
    const QString summary = page.detailView()->summaryText();
    QVERIFY2(summary.contains(u"req-2"_s), qPrintable(summary)); // newest first
    QVERIFY(!page.detailView()->requestHeadersText().contains(u"sk-very-secret"_s));
    QVERIFY(page.detailView()->requestHeadersText().contains(u"Authorization: [redacted]"_s));
    QCOMPARE(page.detailView()->outputText(), u"answer 2"_s);
    // A new record arrives on top; the detail keeps showing the selected request.
    page.addRecords({recordAt(3, kT0 + 2 * kS + 5, 100)});
    page.refresh();
    QVERIFY(page.detailView()->summaryText().contains(u"req-2"_s));
    QCOMPARE(page.logFilter()->mapToSource(view->currentIndex()).row(), 1);
}

void TestPoolMonitorPage::logIsBoundedAndFiltered() {
    PoolMonitorPage page;
    QAbstractItemModelTester tester(page.logModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    feedSnapshots(page, 0, 1);
    QList<RequestRecord> records;
    for (quint64 id = 1; id <= 6000; ++id)
        records.append(recordAt(id, kT0 + 500'000 + qint64(id), 10.0, id % 10 != 0));
    page.addRecords(records);
    page.refresh();
    QCOMPARE(page.logModel()->rowCount(), RequestLogModel::kDefaultCapacity);
    QCOMPARE(page.logModel()->recordAt(0).id, quint64(6000));
    QCOMPARE(page.data().recordCount(), quint64(6000)); // the charts saw every one

    auto* status = page.findChild<QComboBox*>(u"statusFilter"_s);
    QVERIFY(status);
    status->setCurrentIndex(status->findData(int(RequestLogFilter::Status::Error)));
    QCOMPARE(page.logFilter()->rowCount(), RequestLogModel::kDefaultCapacity / 10);
    auto* model = page.findChild<QComboBox*>(u"modelFilter"_s);
    QVERIFY(model);
    QCOMPARE(model->count(), 3); // all + two models
    model->setCurrentIndex(model->findData(u"claude-sonnet-4.5"_s));
    QCOMPARE(page.logFilter()->rowCount(), RequestLogModel::kDefaultCapacity / 10); // even ids
    status->setCurrentIndex(status->findData(int(RequestLogFilter::Status::Ok)));
    QCOMPARE(page.logFilter()->rowCount(), RequestLogModel::kDefaultCapacity * 4 / 10);
}

void TestPoolMonitorPage::exportsFiles() {
    PoolMonitorPage page;
    page.resize(1400, 1000);
    feedSnapshots(page, 0, 5);
    page.addRecords({recordAt(1, kT0 + 1 * kS, 100)});
    page.refresh();
    QTemporaryDir dir;
    QString error;
    const QString csvPath = dir.filePath(u"series.csv"_s);
    QVERIFY2(page.exportCsv(csvPath, &error), qPrintable(error));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QByteArray header = csv.readLine();
    QVERIFY(header.startsWith("t_s,active,idle,pending,total,max,utilization_pct,"));
    QVERIFY(header.contains("e2e_p50_ms_60s")); // the page's window
    QVERIFY(csv.readAll().count('\n') >= 4);

    const QString pngPath = dir.filePath(u"charts.png"_s);
    QVERIFY2(page.exportPng(pngPath, &error), qPrintable(error));
    const QImage image(pngPath);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 600);
    QVERIFY(image.height() > 400);

    QVERIFY(!page.exportPng(dir.filePath(u"no/such/dir.png"_s), &error));
}

void TestPoolMonitorPage::zoomAndReset() {
    PoolMonitorPage page;
    page.resize(1400, 1000);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    feedSnapshots(page, 0, 30);
    page.refresh();
    LiveChart* chart = page.utilizationChart();
    auto* reset = page.findChild<QPushButton*>(u"resetZoom"_s);
    QVERIFY(reset);
    QVERIFY(!reset->isEnabled());
    const QRectF plot = chart->chart()->plotArea();
    chart->chart()->zoomIn(
        QRectF(plot.left() + plot.width() / 4, plot.top(), plot.width() / 4, plot.height()));
    QVERIFY(chart->isZoomed());
    QVERIFY(reset->isEnabled());
    const double zoomedMax = chart->timeAxis()->max();
    QVERIFY(zoomedMax < 60.0);
    // Zoomed, new data does not move the view.
    feedSnapshots(page, 30, 40);
    page.refresh();
    QCOMPARE(chart->timeAxis()->max(), zoomedMax);
    reset->click();
    QVERIFY(!chart->isZoomed());
    QVERIFY(!reset->isEnabled());
    QCOMPARE(chart->timeAxis()->max(), 60.0);
}

void TestPoolMonitorPage::advisorUsesLiveNumbers() {
    PoolMonitorPage page;
    page.setPoolLimits(8, 0);
    for (int s = 0; s <= 60; ++s) {
        PoolSnapshot snapshot = snapshotAt(kT0 + s * kS, {8, 0, 4, 8});
        snapshot.requestsFinished = quint64(20 * s); // 20 req/s holding 0.5 s each
        snapshot.usageUsSum = qint64(s) * 20 * 500'000;
        page.addSnapshot(snapshot);
    }
    page.refresh();
    SizingAdvice advice = page.advisor()->advice();
    QCOMPARE(advice.verdict, SizingVerdict::TooSmall);
    QVERIFY(qAbs(advice.connectionsNeeded - 10.0) < 1e-6);
    QVERIFY(qAbs(page.advisor()->targetRate() - 20.0) < 0.05); // follows the observed rate
    auto* verdict = page.findChild<QLabel*>(u"sizingVerdict"_s);
    QVERIFY(verdict);
    QVERIFY(verdict->text().contains(u"too small"_s));
    page.advisor()->setTargetRate(5.0); // 2.5 connections: 8 is about right
    QCOMPARE(page.advisor()->advice().verdict, SizingVerdict::AboutRight);
    page.refresh();
    QCOMPARE(page.advisor()->targetRate(), 5.0); // a chosen target stays
}

void TestPoolMonitorPage::clearStartsOver() {
    PoolMonitorPage page;
    feedSnapshots(page, 0, 5);
    RequestRecord failed = recordAt(1, kT0 + 1 * kS, 100, false);
    page.addRecords({failed});
    page.refresh();
    QVERIFY(page.errorChart()->hasSeries(u"error_server_error"_s));
    page.clear();
    QCOMPARE(page.logModel()->rowCount(), 0);
    QVERIFY(!page.errorChart()->hasSeries(u"error_server_error"_s));
    QVERIFY(linePoints(page.utilizationChart(), u"active"_s).isEmpty());
    QCOMPARE(page.data().recordCount(), quint64(0));
}

void TestPoolMonitorPage::legendTablesFitBesideTheirCharts() {
    // At 1600 pixels each panel is a third of the width: a chart and the table beside it must
    // both get their minimum, or the layout squeezes one under the other.
    PoolMonitorPage page;
    QVERIFY(showScriptedRun(page));
    QCoreApplication::processEvents();
    for (const QString& name : {u"latencySummary"_s, u"errorTable"_s, u"spendTable"_s}) {
        auto* table = page.findChild<FigureTable*>(name);
        QVERIFY(table);
        QVERIFY2(!table->rows().isEmpty(), qPrintable(name));
        auto* chart = table->parentWidget()->findChild<LiveChart*>();
        QVERIFY(chart);
        const int body = table->parentWidget()->width();
        const QString sizes = name + u": chart "_s + QString::number(chart->width()) + u" of "_s +
                              QString::number(chart->minimumWidth()) + u", table "_s +
                              QString::number(table->width()) + u" of "_s +
                              QString::number(table->minimumSizeHint().width()) + u", room "_s +
                              QString::number(body);
        QVERIFY2(chart->geometry().right() < table->geometry().left(), qPrintable(sizes));
        QVERIFY2(table->geometry().right() < body, qPrintable(sizes));
        QVERIFY2(chart->width() >= chart->minimumWidth(), qPrintable(sizes));
        QVERIFY2(table->width() >= table->minimumSizeHint().width(), qPrintable(sizes));
    }
}

// Renders the page with a scripted three-minute run for a person to look at; skipped unless
// POOLSCOPE_SCREENSHOT names the PNG to write.
void TestPoolMonitorPage::screenshot() {
    const QString path = qEnvironmentVariable("POOLSCOPE_SCREENSHOT");
    if (path.isEmpty())
        QSKIP("set POOLSCOPE_SCREENSHOT=/path/to/file.png to render the page");
    PoolMonitorPage page;
    QVERIFY(showScriptedRun(page));
    page.logView()->setCurrentIndex(page.logFilter()->index(2, 0));
    QTest::qWait(50);
    QVERIFY(page.grab().save(path));
    const QString charts = path.chopped(4) + u"-charts.png"_s;
    QString error;
    QVERIFY2(page.exportPng(charts, &error), qPrintable(error));
}

QTEST_MAIN(TestPoolMonitorPage)
#include "tst_poolmonitorpage.moc"
