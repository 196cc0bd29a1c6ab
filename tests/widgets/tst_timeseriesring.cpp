#include "timeseriesring.h"

#include <QTest>

#include <algorithm>

using namespace poolscope;
using Aggregation = TimeSeriesRing::Aggregation;

class TestTimeSeriesRing : public QObject {
    Q_OBJECT
private slots:
    void aggregatesWithinBucket_data();
    void aggregatesWithinBucket();
    void finerTierForShortSpans();
    void olderPartComesFromCoarserTier();
    void boundedOverTenHours();
    void maxSurvivesCompaction();
    void rebinsWhenTooDense();
    void olderSampleFoldsIntoNewestBucket();
    void clearEmpties();
};

void TestTimeSeriesRing::aggregatesWithinBucket_data() {
    QTest::addColumn<int>("aggregation");
    QTest::addColumn<double>("expected");
    QTest::addRow("mean") << int(Aggregation::Mean) << 5.0;
    QTest::addRow("max") << int(Aggregation::Max) << 7.0;
    QTest::addRow("last") << int(Aggregation::Last) << 5.0;
}

void TestTimeSeriesRing::aggregatesWithinBucket() {
    QFETCH(int, aggregation);
    QFETCH(double, expected);
    TimeSeriesRing ring(Aggregation(aggregation), {{1.0, 10}});
    ring.add(2.0, 3);
    ring.add(2.4, 7);
    ring.add(2.9, 5);
    ring.add(3.0, 100); // the next bucket
    const QList<QPointF> points = ring.points(0, 10);
    QCOMPARE(points.size(), 2);
    QCOMPARE(points[0], QPointF(2.0, expected));
    QCOMPARE(points[1], QPointF(3.0, 100));
}

void TestTimeSeriesRing::finerTierForShortSpans() {
    TimeSeriesRing ring(Aggregation::Mean, TimeSeriesRing::fineTiers());
    for (int i = 0; i < 1200; ++i) // 2 minutes at 10 Hz
        ring.add(i / 10.0, i % 10);
    // The last 30 s fit at 0.1 s resolution.
    QList<QPointF> recent = ring.points(90, 120, 1000);
    QVERIFY(recent.size() > 250);
    QVERIFY(qFuzzyCompare(recent[1].x() - recent[0].x(), 0.1));
    // Two minutes at 0.1 s would be 1200 points: the 1 s tier answers, each the mean 4.5.
    QList<QPointF> all = ring.points(0, 120, 1000);
    QCOMPARE(all.size(), 120);
    QCOMPARE(all.first(), QPointF(0, 4.5));
    QCOMPARE(all.last(), QPointF(119, 4.5));
}

void TestTimeSeriesRing::olderPartComesFromCoarserTier() {
    TimeSeriesRing ring(Aggregation::Mean, {{1.0, 3600}, {10.0, 2160}});
    for (int s = 0; s < 7200; ++s)
        ring.add(s, s);
    QCOMPARE(ring.tierSize(0), 3600);
    const QList<QPointF> points = ring.points(0, 7200, 100000);
    // 360 ten-second buckets before the 1 s tier starts at 3600, then 3600 one-second points.
    QCOMPARE(points.size(), 360 + 3600);
    QCOMPARE(points.first(), QPointF(0, 4.5));
    QCOMPARE(points[359], QPointF(3590, 3594.5));
    QCOMPARE(points[360], QPointF(3600, 3600));
    QCOMPARE(points.last(), QPointF(7199, 7199));
    QVERIFY(std::is_sorted(points.begin(), points.end(),
                           [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
    for (qsizetype i = 1; i < points.size(); ++i)
        QVERIFY2(points[i].x() > points[i - 1].x(), "x must strictly increase");
}

void TestTimeSeriesRing::boundedOverTenHours() {
    TimeSeriesRing ring(Aggregation::Mean, TimeSeriesRing::fineTiers());
    qsizetype capacity = 0;
    for (int t = 0; t < ring.tierCount(); ++t)
        capacity += ring.tierCapacity(t);
    qsizetype afterOneHour = 0;
    for (int s = 0; s < 10 * 3600; ++s) {
        for (int tenth = 0; tenth < 10; ++tenth)
            ring.add(s + tenth / 10.0, 1.0);
        if (s == 3600)
            afterOneHour = ring.bucketCount();
        QVERIFY(ring.bucketCount() <= capacity);
    }
    QVERIFY(ring.bucketCount() <= capacity);
    QVERIFY(ring.bucketCount() < afterOneHour + 2160);
    // The coarsest tier kept the whole run by doubling its resolution.
    QCOMPARE(ring.tierResolution(2), 20.0);
    const QList<QPointF> all = ring.allPoints(1.0);
    QCOMPARE(all.first().x(), 0.0);
    QCOMPARE(all.last().x(), 10 * 3600 - 1.0);
    const QList<QPointF> view = ring.points(0, 10 * 3600, 800);
    QVERIFY(view.size() <= 800);
    QVERIFY(view.size() > 400);
    for (const QPointF& point : view)
        QCOMPARE(point.y(), 1.0);
}

void TestTimeSeriesRing::maxSurvivesCompaction() {
    TimeSeriesRing ring(Aggregation::Max, {{1.0, 60}, {10.0, 20}});
    for (int s = 0; s < 1000; ++s)
        ring.add(s, s == 123 ? 50.0 : 1.0);
    QVERIFY(ring.tierResolution(1) > 10.0); // compacted at least once
    const QList<QPointF> points = ring.allPoints(1.0);
    const auto peak = std::max_element(points.begin(), points.end(),
                                       [](auto a, auto b) { return a.y() < b.y(); });
    QCOMPARE(peak->y(), 50.0);
    QVERIFY(peak->x() <= 123 && peak->x() + ring.tierResolution(1) > 123);
}

void TestTimeSeriesRing::rebinsWhenTooDense() {
    TimeSeriesRing ring(Aggregation::Mean, {{1.0, 5000}});
    for (int s = 0; s < 5000; ++s)
        ring.add(s, s % 2 ? 2.0 : 0.0);
    const QList<QPointF> points = ring.points(0, 5000, 100);
    QVERIFY(points.size() <= 101);
    QVERIFY(points.size() >= 90);
    // Each bin averages about 50 alternating 0s and 2s: close to 1, never a raw 0 or 2.
    for (const QPointF& point : points)
        QVERIFY2(point.y() > 0.9 && point.y() < 1.1, qPrintable(QString::number(point.y())));
}

void TestTimeSeriesRing::olderSampleFoldsIntoNewestBucket() {
    TimeSeriesRing ring(Aggregation::Max, {{1.0, 10}});
    ring.add(5.0, 1);
    ring.add(3.0, 9); // late: counts in the newest bucket rather than rewriting history
    QCOMPARE(ring.bucketCount(), 1);
    QCOMPARE(ring.last(), QPointF(5.0, 9));
}

void TestTimeSeriesRing::clearEmpties() {
    TimeSeriesRing ring;
    ring.add(1, 1);
    QVERIFY(!ring.isEmpty());
    ring.clear();
    QVERIFY(ring.isEmpty());
    QCOMPARE(ring.bucketCount(), 0);
    QVERIFY(ring.points(0, 100).isEmpty());
}

QTEST_GUILESS_MAIN(TestTimeSeriesRing)
#include "tst_timeseriesring.moc"
