#pragma once

#include <QChartView>
#include <QHash>
#include <QList>
#include <QPointF>

#include <functional>
#include <utility>

class QAbstractSeries;
class QAreaSeries;
class QLineSeries;
class QValueAxis;

namespace poolscope {

// One live chart of the monitor: a scrolling time axis (seconds since the run started, shown
// in s, min or h as the span grows), a left and an optional right value axis that rescale to
// the visible data, series keyed by name, rubber-band zoom (right click or resetZoom() goes
// back to following the live edge), hover tooltips and legend markers that toggle series.
// It only displays: the page computes the points and says when.
class LiveChart : public QChartView {
    Q_OBJECT
public:
    enum class Axis { Left, Right };
    using ValueFormatter = std::function<QString(double)>;

    explicit LiveChart(const QString& leftTitle, QWidget* parent = nullptr);

    QLineSeries* addLine(const QString& key, const QString& name, const QColor& color,
                         Qt::PenStyle style = Qt::SolidLine, qreal width = 2.0,
                         Axis axis = Axis::Left);
    // An area from 0 (or from the line lowerKey, for stacking) up to its own line `key`.
    QAreaSeries* addArea(const QString& key, const QString& name, const QColor& color,
                         const QString& lowerKey = {});
    void setRightAxisTitle(const QString& title);
    // How values read in tooltips, and a prefix for axis labels ("$").
    void setValueFormatter(Axis axis, ValueFormatter formatter, const QString& labelPrefix = {});
    void setYFloor(Axis axis, double minimumTop); // the axis never shows less than this

    bool hasSeries(const QString& key) const { return m_entries.contains(key); }
    QLineSeries* line(const QString& key) const;            // the data line (an area's upper)
    QAbstractSeries* series(const QString& key) const;      // what is drawn
    QList<QPointF> secondsPoints(const QString& key) const; // as given to setPoints

    // Call setTimeRange first, then setPoints for each series, then rescale().
    void setTimeRange(double fromS, double toS);
    void setPoints(const QString& key, const QList<QPointF>& points);
    void rescale();

    // The span worth computing points for: the zoomed one, or the live one (seconds).
    std::pair<double, double> dataRangeS() const;
    void removeAllSeries();

    bool isZoomed() const { return m_zoomed; }
    void resetZoom();
    double timeUnitS() const { return m_unitS; }
    QValueAxis* timeAxis() const { return m_timeAxis; }
    QValueAxis* leftAxis() const { return m_leftAxis; }
    QValueAxis* rightAxis() const { return m_rightAxis; }

signals:
    void zoomedChanged(bool zoomed);

protected:
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    struct Entry {
        QString name;
        QLineSeries* line = nullptr;
        QAbstractSeries* shown = nullptr;
        QList<QLineSeries*> mirrors; // copies of this line that other areas stack on
        Axis axis = Axis::Left;
        QList<QPointF> points; // seconds
        QString lowerKey;      // an area stacked on another: its own value is the difference
    };

    void attach(QAbstractSeries* series, Axis axis);
    void hookLegendMarker(QAbstractSeries* series);
    void showHover(const QString& key, const QPointF& point, bool state);
    void applyPoints(Entry& entry);
    void applyTimeAxis();
    void updateTimeTicks();
    void rescaleAxis(QValueAxis* axis, Axis side, double from, double to);
    QString timeText(double seconds) const;

    QChart* m_chart;
    QValueAxis* m_timeAxis;
    QValueAxis* m_leftAxis;
    QValueAxis* m_rightAxis = nullptr;
    QHash<QString, Entry> m_entries;
    QList<QString> m_order;
    ValueFormatter m_leftFormat;
    ValueFormatter m_rightFormat;
    QString m_leftPrefix;
    QString m_rightPrefix;
    double m_leftFloor = 1.0;
    double m_rightFloor = 1.0;
    double m_fromS = 0;
    double m_toS = 60;
    double m_unitS = 1.0;
    bool m_zoomed = false;
    bool m_applying = false; // our own axis changes are not zooms
};

} // namespace poolscope
