#include "monitordata.h"

#include <QTemporaryDir>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;
using Window = MonitorData::Window;
using Metric = MonitorData::Metric;
using Gauge = MonitorData::Gauge;
using Rate = MonitorData::Rate;

namespace {

constexpr qint64 kT0 = 5'000'000'000; // an arbitrary monotonic origin, µs
constexpr qint64 kS = 1'000'000;

PoolSnapshot snapshotAt(qint64 atUs, int active = 0, int max = 10) {
    PoolSnapshot snapshot;
    snapshot.takenAtUs = atUs;
    snapshot.active = active;
    snapshot.idle = 2;
    snapshot.pending = 1;
    snapshot.total = active + 2;
    snapshot.max = max;
    return snapshot;
}

// A successful request finishing at `finishedUs` after `e2eMs`, TTFT a tenth of it.
RequestRecord recordAt(qint64 finishedUs, double e2eMs, qint64 queueUs = 0) {
    RequestRecord record;
    record.ok = true;
    record.attempts = 1;
    record.timeline.finishedAt = finishedUs;
    record.timeline.queuedAt = finishedUs - qint64(e2eMs * 1000);
    record.timeline.acquiredAt = record.timeline.queuedAt + queueUs;
    record.timeline.firstTokenAt = record.timeline.queuedAt + qint64(e2eMs * 100);
    record.queueUs = queueUs;
    record.tokens.completion = 10;
    record.costPicoUsd = 2'000'000'000; // $0.002
    return record;
}

double lastY(const TimeSeriesRing& ring) {
    return ring.last().y();
}

} // namespace

class TestMonitorData : public QObject {
    Q_OBJECT
private slots:
    void gaugesFollowSnapshots();
    void ratesPerClosedSecond();
    void lateRecordCountsInOpenSecond();
    void windowChangesPercentiles_data();
    void windowChangesPercentiles();
    void rollingPointsMatchWindowHistogram();
    void utilizationWarning_data();
    void utilizationWarning();
    void observedRateAndHoldTime();
    void spendAndUnknownPrices();
    void errorsAndRetriesByClass();
    void csvContent();
    void boundedOverTenHours();
};

void TestMonitorData::gaugesFollowSnapshots() {
    MonitorData data;
    for (int i = 0; i <= 30; ++i) // 3 s at 10 Hz
        data.addSnapshot(snapshotAt(kT0 + i * 100'000, i < 20 ? 4 : 8));
    QCOMPARE(data.nowS(), 3.0);
    const QList<QPointF> active = data.gauge(Gauge::Active).points(0, 3, 1000);
    QCOMPARE(active.size(), 31);
    QCOMPARE(active.first(), QPointF(0, 4));
    QCOMPARE(active.last(), QPointF(3.0, 8));
    QCOMPARE(lastY(data.gauge(Gauge::ActivePlusIdle)), 10.0);
    QCOMPARE(lastY(data.gauge(Gauge::Max)), 10.0);
    QCOMPARE(lastY(data.gauge(Gauge::UtilizationPct)), 80.0);
    // Over a long span the 1 s tier answers with each second's mean.
    const QList<QPointF> coarse = data.gauge(Gauge::Active).points(0, 3, 2);
    QVERIFY(coarse.size() <= 3);
}

void TestMonitorData::ratesPerClosedSecond() {
    MonitorData data(1.0);
    data.addSnapshot(snapshotAt(kT0));
    data.addRecord(recordAt(kT0 + 200'000, 100));
    data.addRecord(recordAt(kT0 + 500'000, 100));
    data.addRecord(recordAt(kT0 + 900'000, 100));
    data.addRecord(recordAt(kT0 + 1'500'000, 100));
    // Second 0 closes at 1 s + 1 s grace: nothing yet at 1.9 s.
    data.addSnapshot(snapshotAt(kT0 + 1'900'000));
    QVERIFY(data.rate(Rate::RequestsPerS).isEmpty());
    data.addSnapshot(snapshotAt(kT0 + 4 * kS));
    const QList<QPointF> points = data.rate(Rate::RequestsPerS).points(0, 10);
    QCOMPARE(points, QList<QPointF>({{1, 3}, {2, 1}, {3, 0}}));
    QCOMPARE(data.rate(Rate::OutputTokensPerS).points(0, 10).first(), QPointF(1, 30));
}

void TestMonitorData::lateRecordCountsInOpenSecond() {
    MonitorData data(1.0);
    data.addSnapshot(snapshotAt(kT0));
    data.addSnapshot(snapshotAt(kT0 + 5 * kS));   // seconds 0..3 closed
    data.addRecord(recordAt(kT0 + 500'000, 100)); // finished in second 0, arrived late
    data.addSnapshot(snapshotAt(kT0 + 7 * kS));
    const QList<QPointF> points = data.rate(Rate::RequestsPerS).points(0, 10);
    double total = 0;
    for (const QPointF& point : points)
        total += point.y();
    QCOMPARE(total, 1.0);               // counted once, not lost
    QCOMPARE(points[4], QPointF(5, 1)); // in second 4, the oldest open one
}

void TestMonitorData::windowChangesPercentiles_data() {
    QTest::addColumn<int>("window");
    QTest::addColumn<double>("p50");
    QTest::addColumn<double>("p99");
    QTest::addColumn<quint64>("count");
    // 100 requests of 100 ms at second 5, 100 of 1000 ms at second 100; now = 102 s.
    QTest::addRow("10 s") << int(Window::TenSeconds) << 1000.0 << 1000.0 << quint64(100);
    QTest::addRow("60 s") << int(Window::OneMinute) << 1000.0 << 1000.0 << quint64(100);
    QTest::addRow("5 min") << int(Window::FiveMinutes) << 100.0 << 1000.0 << quint64(200);
    QTest::addRow("whole run") << int(Window::WholeRun) << 100.0 << 1000.0 << quint64(200);
}

void TestMonitorData::windowChangesPercentiles() {
    QFETCH(int, window);
    QFETCH(double, p50);
    QFETCH(double, p99);
    QFETCH(quint64, count);
    MonitorData data;
    data.addSnapshot(snapshotAt(kT0));
    for (int i = 0; i < 100; ++i)
        data.addRecord(recordAt(kT0 + 5 * kS + i * 1000, 100));
    for (int s = 6; s < 100; ++s)
        data.addSnapshot(snapshotAt(kT0 + s * kS));
    for (int i = 0; i < 100; ++i)
        data.addRecord(recordAt(kT0 + 100 * kS + i * 1000, 1000));
    data.addSnapshot(snapshotAt(kT0 + 102 * kS));

    const LatencyHistogram e2e = data.windowHistogram(Metric::E2e, Window(window));
    QCOMPARE(e2e.count(), count);
    // Within the histogram's 1% error.
    QVERIFY2(qAbs(double(e2e.percentile(50)) / 1000.0 - p50) <= p50 * 0.01,
             qPrintable(QString::number(e2e.percentile(50))));
    QVERIFY2(qAbs(double(e2e.percentile(99)) / 1000.0 - p99) <= p99 * 0.01,
             qPrintable(QString::number(e2e.percentile(99))));
    // The closed second 100's rolling point agrees with the window's numbers.
    const QPointF last = data.latency(Metric::E2e, 0, Window(window)).last();
    QCOMPARE(last.x(), 101.0);
    QVERIFY(qAbs(last.y() - p50) <= p50 * 0.01);
    const LatencyHistogram ttft = data.windowHistogram(Metric::Ttft, Window(window));
    QVERIFY(qAbs(double(ttft.percentile(50)) / 1000.0 - p50 / 10) <= p50 / 10 * 0.01);
}

void TestMonitorData::rollingPointsMatchWindowHistogram() {
    // Records in every second with latency = 10 ms × second; the 10 s window's p99 at each
    // closed second is the largest of the last ten seconds.
    MonitorData data(0.5);
    for (int s = 0; s < 40; ++s) {
        data.addSnapshot(snapshotAt(kT0 + s * kS));
        for (int i = 0; i < 5; ++i)
            data.addRecord(recordAt(kT0 + s * kS + 100'000 + i, 10.0 * (s + 1)));
    }
    data.addSnapshot(snapshotAt(kT0 + 41 * kS));
    const QList<QPointF> p99 = data.latency(Metric::E2e, 2, Window::TenSeconds).points(0, 50);
    const QList<QPointF> p50 = data.latency(Metric::E2e, 0, Window::TenSeconds).points(0, 50);
    QCOMPARE(p99.size(), 40);
    for (const QPointF& point : p99) // second s closes at x = s + 1 with max latency 10 (s+1)
        QVERIFY2(qAbs(point.y() - 10.0 * point.x()) <= 0.1 * point.x(),
                 qPrintable(QString::number(point.x()) + u' ' + QString::number(point.y())));
    // The median of the last ten seconds lags the newest by about five seconds.
    QVERIFY(qAbs(p50.last().y() - 10.0 * (40 - 5)) <= 4.0);
    // Whole run: the median of 1..40 × 10 ms.
    const QPointF run = data.latency(Metric::E2e, 0, Window::WholeRun).last();
    QVERIFY(qAbs(run.y() - 200.0) <= 2.0);
}

void TestMonitorData::utilizationWarning_data() {
    QTest::addColumn<double>("utilization");
    QTest::addColumn<int>("tenths");
    QTest::addColumn<bool>("warning");
    QTest::newRow("95% for 2.9 s") << 0.95 << 29 << false;
    QTest::newRow("95% for 3.0 s") << 0.95 << 30 << true;
    QTest::newRow("100% for 10 s") << 1.0 << 100 << true;
    QTest::newRow("exactly 90% for 10 s") << 0.9 << 100 << false;
    QTest::newRow("80% for 10 s") << 0.8 << 100 << false;
}

void TestMonitorData::utilizationWarning() {
    QFETCH(double, utilization);
    QFETCH(int, tenths);
    QFETCH(bool, warning);
    MonitorData data;
    const int max = 100;
    for (int i = 0; i <= tenths; ++i)
        data.addSnapshot(snapshotAt(kT0 + i * 100'000, int(utilization * max), max));
    QCOMPARE(data.utilizationWatch().isWarning(), warning);
    // One snapshot below the line clears it.
    data.addSnapshot(snapshotAt(kT0 + (tenths + 1) * 100'000, 50, max));
    QVERIFY(!data.utilizationWatch().isWarning());
}

void TestMonitorData::observedRateAndHoldTime() {
    MonitorData data;
    QCOMPARE(data.meanHoldS(), -1.0);
    for (int s = 0; s <= 120; ++s) {
        PoolSnapshot snapshot = snapshotAt(kT0 + s * kS);
        // 10 requests a second, each holding a connection for 0.5 s ...
        snapshot.requestsFinished = quint64(10 * s);
        snapshot.usageUsSum = qint64(s) * 10 * 500'000;
        // ... except in the first minute, when they held it for 2 s.
        if (s > 60)
            snapshot.usageUsSum += 60 * 10 * 1'500'000;
        else
            snapshot.usageUsSum = qint64(s) * 10 * 2'000'000;
        data.addSnapshot(snapshot);
    }
    QVERIFY(qAbs(data.observedRatePerS() - 10.0) < 1e-9);
    QVERIFY2(qAbs(data.meanHoldS() - 0.5) < 1e-9, qPrintable(QString::number(data.meanHoldS())));
}

void TestMonitorData::spendAndUnknownPrices() {
    MonitorData data;
    data.addSnapshot(snapshotAt(kT0));
    for (int s = 0; s < 120; ++s) {
        data.addRecord(recordAt(kT0 + s * kS + 10, 50)); // $0.002 each second
        data.addSnapshot(snapshotAt(kT0 + (s + 1) * kS));
    }
    RequestRecord unpriced = recordAt(kT0 + 120 * kS + 10, 50);
    unpriced.costPicoUsd.reset();
    data.addRecord(unpriced);
    data.addSnapshot(snapshotAt(kT0 + 125 * kS));
    QCOMPARE(data.totalCostPico(), qint64(120) * 2'000'000'000);
    QCOMPARE(data.unknownCostRequests(), quint64(1));
    QVERIFY(qAbs(lastY(data.rate(Rate::CostUsd)) - 0.24) < 1e-12);
    // $0.002 a second is $0.12 a minute.
    const QList<QPointF> perMinute = data.rate(Rate::CostUsdPerMin).points(0, 200);
    QVERIFY(qAbs(perMinute[30].y() - 0.12) < 1e-12);
    QVERIFY(qAbs(perMinute[100].y() - 0.12) < 1e-12);
}

void TestMonitorData::errorsAndRetriesByClass() {
    MonitorData data;
    data.addSnapshot(snapshotAt(kT0));
    RequestRecord failed = recordAt(kT0 + 100'000, 30);
    failed.ok = false;
    failed.errorClass = ErrorClass::Server5xx;
    failed.attempts = 3;
    failed.attemptLog = {{1, ErrorClass::RateLimited, 429, u"429"_s, 500},
                         {2, ErrorClass::RateLimited, 429, u"429"_s, 1000},
                         {3, ErrorClass::Server5xx, 503, u"503"_s, 0}};
    data.addRecord(failed);
    data.addSnapshot(snapshotAt(kT0 + 3 * kS));
    const QString server = errorClassName(ErrorClass::Server5xx);
    QCOMPARE(data.errorClasses(), QStringList({server, u"rate_limited"_s}));
    QCOMPARE(data.errorTotal(server), quint64(1));
    QCOMPARE(data.retryTotal(u"rate_limited"_s), quint64(2));
    QCOMPARE(data.retryTotal(server), quint64(0));
    QCOMPARE(data.errorSeries(server)->points(0, 10).first(), QPointF(1, 1));
    QCOMPARE(data.retrySeries(u"rate_limited"_s)->points(0, 10).first(), QPointF(1, 2));
    QCOMPARE(data.rate(Rate::RetriesPerS).points(0, 10).first(), QPointF(1, 2));
    // A failure's duration is not a latency sample.
    QCOMPARE(data.windowHistogram(Metric::E2e, Window::WholeRun).count(), quint64(0));
}

void TestMonitorData::csvContent() {
    MonitorData data(0.5);
    RequestRecord failed = recordAt(kT0 + 300'000, 100);
    failed.ok = false;
    failed.errorClass = ErrorClass::RateLimited;
    for (int i = 0; i <= 30; ++i) {
        data.addSnapshot(snapshotAt(kT0 + i * 100'000, 5));
        if (i == 4) { // the records of second 0 arrive in time
            data.addRecord(recordAt(kT0 + 200'000, 100));
            data.addRecord(failed);
        }
    }
    data.addSnapshot(snapshotAt(kT0 + 4 * kS, 5));

    QTemporaryDir dir;
    const QString path = dir.filePath(u"series.csv"_s);
    QString error;
    QVERIFY2(data.exportCsv(path, Window::OneMinute, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    const QStringList header = lines.first().split(u',');
    QCOMPARE(header.first(), u"t_s"_s);
    for (const QString& column :
         {u"active"_s, u"utilization_pct"_s, u"requests_per_s"_s, u"e2e_p50_ms_60s"_s,
          u"queue_p99_ms_60s"_s, u"cost_usd"_s, u"errors_rate_limited_per_s"_s})
        QVERIFY2(header.contains(column), qPrintable(column));
    // Row t = 1.0: the gauges of second 1 and the rates of second 0 (which ended at 1 s).
    const auto row = std::find_if(lines.begin(), lines.end(),
                                  [](const QString& line) { return line.startsWith(u"1.0,"_s); });
    QVERIFY(row != lines.end());
    const QStringList cells = row->split(u',');
    QCOMPARE(cells.size(), header.size());
    auto cell = [&](const QString& column) {
        return cells[header.indexOf(column)];
    };
    QCOMPARE(cell(u"active"_s), u"5"_s);
    QCOMPARE(cell(u"utilization_pct"_s), u"50"_s);
    QCOMPARE(cell(u"requests_per_s"_s), u"1"_s);
    QCOMPARE(cell(u"errors_rate_limited_per_s"_s), u"1"_s);
    QCOMPARE(cell(u"e2e_p50_ms_60s"_s), u"100"_s);
    QCOMPARE(cell(u"cost_usd"_s), u"0.004"_s);

    QVERIFY(!data.exportCsv(dir.filePath(u"missing/dir/x.csv"_s), Window::OneMinute, &error));
    QVERIFY(!error.isEmpty());
}

void TestMonitorData::boundedOverTenHours() {
    MonitorData data;
    qsizetype atTwoHours = 0;
    qsizetype atSixHours = 0;
    for (qint64 s = 0; s <= 10 * 3600; ++s) {
        data.addSnapshot(snapshotAt(kT0 + s * kS, int(s % 10)));
        if (s % 30 == 0) // a request every 30 s keeps every latency window alive
            data.addRecord(recordAt(kT0 + s * kS + 1000, 100.0 + double(s % 7)));
        if (s == 2 * 3600)
            atTwoHours = data.bucketCount();
        if (s == 6 * 3600)
            atSixHours = data.bucketCount();
    }
    const qsizetype atTenHours = data.bucketCount();
    // Every ring is bounded by its tiers: 0.1 s × 600 (gauges), 1 s × 3600, 10 s × 2160.
    const qsizetype bound = 7 * (600 + 3600 + 2160) + (6 + 36) * (3600 + 2160);
    QVERIFY2(atTenHours <= bound, qPrintable(QString::number(atTenHours)));
    // Past the hour of 1 s points only the coarse tier grows, and it stops at its capacity.
    QVERIFY(atTenHours - atSixHours < atSixHours - atTwoHours);
    QCOMPARE(data.recordCount(), quint64(10 * 120 + 1));
    // The last record sits in a second not closed yet: the window still counts it.
    QCOMPARE(data.windowHistogram(Metric::E2e, Window::WholeRun).count(), quint64(10 * 120 + 1));
}

QTEST_GUILESS_MAIN(TestMonitorData)
#include "tst_monitordata.moc"
