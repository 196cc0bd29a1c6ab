#include "livechart.h"

#include <QAreaSeries>
#include <QLegendMarker>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <QValueAxis>

using namespace poolscope;
using namespace Qt::StringLiterals;

class TestLiveChart : public QObject {
    Q_OBJECT
private slots:
    void pointsAndTimeUnits_data();
    void pointsAndTimeUnits();
    void valueAxisRescalesToNiceNumbers();
    void anUnchangedScaleLeavesTheAxesAlone();
    void zoomStopsFollowingUntilReset();
    void stackedAreaFollowsItsBase();
    void legendMarkerTogglesSeries();
    void hoverShowsValueAndTime();
    void removeAllSeries();
};

void TestLiveChart::pointsAndTimeUnits_data() {
    QTest::addColumn<double>("span");
    QTest::addColumn<double>("unit");
    QTest::addColumn<QString>("title");
    QTest::addColumn<double>("tick");
    QTest::addRow("1 min") << 60.0 << 1.0 << u"(s)"_s << 10.0;
    QTest::addRow("5 min") << 300.0 << 1.0 << u"(s)"_s << 60.0;
    QTest::addRow("1 h") << 3600.0 << 60.0 << u"(min)"_s << 10.0;
    QTest::addRow("20 h") << 72000.0 << 3600.0 << u"(h)"_s << 6.0;
}

void TestLiveChart::pointsAndTimeUnits() {
    QFETCH(double, span);
    QFETCH(double, unit);
    QFETCH(QString, title);
    QFETCH(double, tick);
    LiveChart chart(u"connections"_s);
    chart.addLine(u"a"_s, u"A"_s, Qt::blue);
    const QList<QPointF> points{{0, 1}, {span / 2, 2}, {span, 3}};
    chart.setTimeRange(0, span);
    chart.setPoints(u"a"_s, points);
    QCOMPARE(chart.timeUnitS(), unit);
    QVERIFY(chart.timeAxis()->titleText().endsWith(title));
    QCOMPARE(chart.timeAxis()->max(), span / unit);
    QCOMPARE(chart.timeAxis()->tickInterval(), tick);
    QCOMPARE(chart.secondsPoints(u"a"_s), points);
    const QList<QPointF> shown = chart.line(u"a"_s)->points();
    QCOMPARE(shown.size(), 3);
    QCOMPARE(shown.last(), QPointF(span / unit, 3));
}

void TestLiveChart::valueAxisRescalesToNiceNumbers() {
    LiveChart chart(u"ms"_s);
    chart.addLine(u"a"_s, u"A"_s, Qt::blue);
    chart.addLine(u"r"_s, u"R"_s, Qt::red, Qt::SolidLine, 1.0, LiveChart::Axis::Right);
    chart.setTimeRange(0, 60);
    chart.setPoints(u"a"_s, {{0, 1}, {30, 7.3}, {59, 2}, {200, 1000}}); // the last is off view
    chart.setPoints(u"r"_s, {{0, 0.0004}, {30, 0.0012}});
    chart.rescale();
    QCOMPARE(chart.leftAxis()->min(), 0.0);
    QCOMPARE(chart.leftAxis()->max(), 8.0); // 7.3 + 5% → 4 steps of 2
    QCOMPARE(chart.leftAxis()->tickCount(), 5);
    QVERIFY(chart.rightAxis());
    QCOMPARE(chart.rightAxis()->max(), 1.0); // the floor: nothing on screen reaches it
    chart.setYFloor(LiveChart::Axis::Right, 0.001);
    chart.rescale();
    QVERIFY(qAbs(chart.rightAxis()->max() - 0.0015) < 1e-12);
    QCOMPARE(chart.rightAxis()->labelFormat(), u"%.4f"_s);
}

void TestLiveChart::anUnchangedScaleLeavesTheAxesAlone() {
    // Qt 6.4 re-lays out the whole chart (every label and title) on each labelFormatChanged, even
    // for the same format: a redraw whose scale did not change must not emit it.
    LiveChart chart(u"ms"_s);
    chart.addLine(u"a"_s, u"A"_s, Qt::blue);
    chart.addLine(u"r"_s, u"R"_s, Qt::red, Qt::SolidLine, 1.0, LiveChart::Axis::Right);
    chart.setTimeRange(0, 60);
    chart.setPoints(u"a"_s, {{0, 1}, {30, 7.3}});
    chart.setPoints(u"r"_s, {{0, 0.5}});
    chart.rescale();
    QSignalSpy left(chart.leftAxis(), &QValueAxis::labelFormatChanged);
    QSignalSpy right(chart.rightAxis(), &QValueAxis::labelFormatChanged);
    QSignalSpy time(chart.timeAxis(), &QValueAxis::labelFormatChanged);
    chart.setTimeRange(1, 61);
    chart.setPoints(u"a"_s, {{2, 1}, {30, 7.1}}); // a new top, the same scale
    chart.setPoints(u"r"_s, {{2, 0.4}});
    chart.rescale();
    QCOMPARE(left.count(), 0);
    QCOMPARE(right.count(), 0);
    QCOMPARE(time.count(), 0);
    chart.setPoints(u"a"_s, {{2, 0.02}}); // a finer scale needs decimals: that is a change
    chart.rescale();
    QCOMPARE(left.count(), 1);
    QCOMPARE(chart.leftAxis()->labelFormat(), u"%.2f"_s);
}

void TestLiveChart::zoomStopsFollowingUntilReset() {
    LiveChart chart(u"x"_s);
    chart.addLine(u"a"_s, u"A"_s, Qt::blue);
    chart.setTimeRange(0, 100);
    QVERIFY(!chart.isZoomed());
    QSignalSpy spy(&chart, &LiveChart::zoomedChanged);
    chart.timeAxis()->setRange(10, 20); // what the rubber band does
    QVERIFY(chart.isZoomed());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(chart.dataRangeS(), std::make_pair(10.0, 20.0));
    chart.setTimeRange(50, 150); // live data moves on; the zoomed view stays
    QCOMPARE(chart.timeAxis()->min(), 10.0);
    QCOMPARE(chart.timeAxis()->max(), 20.0);
    QCOMPARE(chart.timeAxis()->tickInterval(), 2.0); // ticks follow the zoom
    chart.resetZoom();
    QVERIFY(!chart.isZoomed());
    QCOMPARE(spy.count(), 2);
    QCOMPARE(chart.timeAxis()->min(), 50.0);
    QCOMPARE(chart.timeAxis()->max(), 150.0);
}

void TestLiveChart::stackedAreaFollowsItsBase() {
    LiveChart chart(u"connections"_s);
    chart.addArea(u"active"_s, u"active"_s, Qt::blue);
    QAreaSeries* idle = chart.addArea(u"idle"_s, u"idle"_s, Qt::cyan, u"active"_s);
    QVERIFY(idle->lowerSeries());
    chart.setTimeRange(0, 10);
    chart.setPoints(u"active"_s, {{0, 2}, {1, 3}});
    chart.setPoints(u"idle"_s, {{0, 5}, {1, 5}});
    QCOMPARE(idle->lowerSeries()->points(), QList<QPointF>({{0, 2}, {1, 3}}));
    QCOMPARE(idle->upperSeries()->points(), QList<QPointF>({{0, 5}, {1, 5}}));
    QCOMPARE(chart.series(u"idle"_s), idle);
}

void TestLiveChart::legendMarkerTogglesSeries() {
    LiveChart chart(u"x"_s);
    QLineSeries* big = chart.addLine(u"big"_s, u"big"_s, Qt::blue);
    chart.addLine(u"small"_s, u"small"_s, Qt::red);
    chart.resize(400, 300);
    chart.show(); // legend items are only visible in a shown view
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setTimeRange(0, 10);
    chart.setPoints(u"big"_s, {{1, 95}});
    chart.setPoints(u"small"_s, {{1, 3}});
    chart.rescale();
    QCOMPARE(chart.leftAxis()->max(), 100.0);
    const QList<QLegendMarker*> markers = chart.chart()->legend()->markers(big);
    QCOMPARE(markers.size(), 1);
    emit markers.first()->clicked();
    QVERIFY(!big->isVisible());
    QVERIFY(markers.first()->isVisible());  // still there to click again
    QCOMPARE(chart.leftAxis()->max(), 4.0); // rescaled to what is shown
    emit markers.first()->clicked();
    QVERIFY(big->isVisible());
}

void TestLiveChart::hoverShowsValueAndTime() {
    LiveChart chart(u"ms"_s);
    chart.setValueFormatter(LiveChart::Axis::Left, [](double v) -> QString {
        return QString::number(v, 'f', 0) + u" ms"_s;
    });
    QLineSeries* line = chart.addLine(u"p99"_s, u"E2E p99"_s, Qt::blue);
    chart.resize(400, 300);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setTimeRange(0, 60);
    chart.setPoints(u"p99"_s, {{10, 100}, {12, 250}, {14, 300}});
    // The mouse is near the line, not on a data point: the nearest point is reported.
    emit line->hovered(QPointF(12.4, 240), true);
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), u"E2E p99: 250 ms\nt = 12.0 s"_s);
    emit line->hovered(QPointF(12.4, 240), false);
    QTRY_VERIFY(!QToolTip::isVisible());

    // Inside a stacked area, its own share is reported, not the top of the stack.
    chart.addArea(u"active"_s, u"active"_s, Qt::blue);
    QAreaSeries* idle = chart.addArea(u"idle"_s, u"idle"_s, Qt::cyan, u"active"_s);
    chart.setPoints(u"active"_s, {{1, 2}});
    chart.setPoints(u"idle"_s, {{1, 5}});
    emit idle->hovered(QPointF(1.2, 4.2), true);
    QTRY_COMPARE(QToolTip::text(), u"idle: 3 ms\nt = 1.0 s"_s);
}

void TestLiveChart::removeAllSeries() {
    LiveChart chart(u"x"_s);
    chart.addArea(u"a"_s, u"a"_s, Qt::blue);
    chart.addArea(u"b"_s, u"b"_s, Qt::cyan, u"a"_s);
    chart.addLine(u"c"_s, u"c"_s, Qt::red);
    chart.removeAllSeries();
    QVERIFY(!chart.hasSeries(u"a"_s));
    QVERIFY(chart.chart()->series().isEmpty());
    chart.addLine(u"c"_s, u"c"_s, Qt::red); // usable again
    QVERIFY(chart.hasSeries(u"c"_s));
}

QTEST_MAIN(TestLiveChart)
#include "tst_livechart.moc"
