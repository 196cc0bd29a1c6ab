#include "livechart.h"

#include <QAreaSeries>
#include <QGraphicsLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

const QPointF* nearestPoint(const QList<QPointF>& points, double x) {
    if (points.isEmpty())
        return nullptr;
    auto it = std::lower_bound(points.begin(), points.end(), x,
                               [](const QPointF& p, double t) { return p.x() < t; });
    if (it == points.end())
        return &points.last();
    if (it != points.begin() && x - (it - 1)->x() < it->x() - x)
        --it;
    return &*it;
}

QString defaultValueText(double value) {
    return QString::number(value, 'g', 4);
}

// A step of 1, 2, 2.5 or 5 × 10^n giving 3 to 5 intervals up to at least `top`.
double niceStep(double top) {
    const double raw = top / 4.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= factor * magnitude * (1 + 1e-9))
            return factor * magnitude;
    return 10.0 * magnitude;
}

int decimalsFor(double step) {
    for (int decimals = 0; decimals < 10; ++decimals) {
        const double scaled = step * std::pow(10.0, decimals);
        if (std::abs(scaled - std::round(scaled)) < 1e-6)
            return decimals;
    }
    return 10;
}

// A tick step for about 6 labels over `span` (in display units), in steps a clock reads well.
double timeStep(double span, double unitS) {
    static const double seconds[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900};
    static const double minutes[] = {1, 2, 5, 10, 15, 30, 60, 120, 240, 480};
    static const double hours[] = {1, 2, 3, 6, 12, 24, 48, 96, 168};
    const double raw = span / 6.0;
    auto pick = [raw](const auto& steps) {
        for (double step : steps)
            if (raw <= step)
                return step;
        const double last = std::end(steps)[-1];
        return std::ceil(raw / last) * last;
    };
    if (unitS == 1.0)
        return pick(seconds);
    if (unitS == 60.0)
        return pick(minutes);
    return pick(hours);
}

void styleAxis(QValueAxis* axis) {
    QFont labels = axis->labelsFont();
    labels.setPointSizeF(8);
    axis->setLabelsFont(labels);
    QFont title = axis->titleFont();
    title.setPointSizeF(8);
    title.setBold(false);
    axis->setTitleFont(title);
    axis->setTitleBrush(QColor(0x55, 0x55, 0x55));
    axis->setLabelsColor(QColor(0x44, 0x44, 0x44));
    axis->setGridLineColor(QColor(0xe6, 0xe6, 0xe6));
    axis->setMinorGridLineVisible(false);
    axis->setLinePenColor(QColor(0xb0, 0xb0, 0xb0));
}

} // namespace

LiveChart::LiveChart(const QString& leftTitle, QWidget* parent)
    // Given to the constructor: setChart() would release (not delete) the view's default chart.
    : QChartView(new QChart(), parent)
    , m_chart(chart())
    , m_timeAxis(new QValueAxis())
    , m_leftAxis(new QValueAxis())
    , m_leftFormat(defaultValueText)
    , m_rightFormat(defaultValueText) {
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::HorizontalRubberBand);
    setMinimumSize(320, 210);

    m_chart->setAnimationOptions(QChart::NoAnimation); // redrawn up to 10 times a second
    m_chart->setBackgroundRoundness(0);
    m_chart->setMargins(QMargins(2, 4, 6, 0));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    QLegend* legend = m_chart->legend();
    legend->setAlignment(Qt::AlignBottom);
    QFont legendFont = legend->font();
    legendFont.setPointSizeF(8);
    legend->setFont(legendFont);
    legend->setMarkerShape(QLegend::MarkerShapeFromSeries);

    m_timeAxis->setTitleText(tr("time since start (s)"));
    m_timeAxis->setLabelFormat(u"%.0f"_s);
    m_timeAxis->setTickType(QValueAxis::TicksDynamic); // ticks on round times, not fractions
    m_timeAxis->setTickAnchor(0);
    m_timeAxis->setRange(0, 60);
    updateTimeTicks();
    styleAxis(m_timeAxis);
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);

    m_leftAxis->setTitleText(leftTitle);
    m_leftAxis->setLabelFormat(u"%.0f"_s);
    m_leftAxis->setRange(0, 1);
    styleAxis(m_leftAxis);
    m_chart->addAxis(m_leftAxis, Qt::AlignLeft);

    // A range change we did not make is the rubber band (or the wheel): stop following.
    connect(m_timeAxis, &QValueAxis::rangeChanged, this, [this] {
        updateTimeTicks();
        if (m_applying || m_zoomed)
            return;
        m_zoomed = true;
        emit zoomedChanged(true);
    });
}

void LiveChart::setRightAxisTitle(const QString& title) {
    if (!m_rightAxis) {
        m_rightAxis = new QValueAxis();
        m_rightAxis->setLabelFormat(u"%.0f"_s);
        m_rightAxis->setRange(0, 1);
        styleAxis(m_rightAxis);
        m_rightAxis->setGridLineVisible(false);
        m_chart->addAxis(m_rightAxis, Qt::AlignRight);
    }
    m_rightAxis->setTitleText(title);
}

void LiveChart::setValueFormatter(Axis axis, ValueFormatter formatter, const QString& labelPrefix) {
    if (axis == Axis::Left) {
        m_leftFormat = std::move(formatter);
        m_leftPrefix = labelPrefix;
    } else {
        m_rightFormat = std::move(formatter);
        m_rightPrefix = labelPrefix;
    }
}

void LiveChart::setYFloor(Axis axis, double minimumTop) {
    (axis == Axis::Left ? m_leftFloor : m_rightFloor) = minimumTop;
}

void LiveChart::attach(QAbstractSeries* series, Axis axis) {
    m_chart->addSeries(series); // the chart owns it
    series->attachAxis(m_timeAxis);
    if (axis == Axis::Right && !m_rightAxis)
        setRightAxisTitle(QString());
    series->attachAxis(axis == Axis::Left ? m_leftAxis : m_rightAxis);
    hookLegendMarker(series);
}

void LiveChart::hookLegendMarker(QAbstractSeries* series) {
    const QList<QLegendMarker*> markers = m_chart->legend()->markers(series);
    for (QLegendMarker* marker : markers) {
        connect(marker, &QLegendMarker::clicked, this, [marker, this] {
            QAbstractSeries* target = marker->series();
            target->setVisible(!target->isVisible());
            marker->setVisible(true); // hiding a series hides its marker; keep it clickable
            QColor color = marker->labelBrush().color();
            color.setAlphaF(target->isVisible() ? 1.0 : 0.4);
            marker->setLabelBrush(color);
            rescale();
        });
    }
}

QLineSeries* LiveChart::addLine(const QString& key, const QString& name, const QColor& color,
                                Qt::PenStyle style, qreal width, Axis axis) {
    auto* series = new QLineSeries();
    series->setName(name);
    QPen pen(color, width, style);
    pen.setCosmetic(true);
    series->setPen(pen);
    attach(series, axis);
    connect(series, &QLineSeries::hovered, this,
            [this, key](const QPointF& point, bool state) { showHover(key, point, state); });
    m_entries.insert(key, Entry{name, series, series, {}, axis, {}, {}});
    m_order.append(key);
    return series;
}

QAreaSeries* LiveChart::addArea(const QString& key, const QString& name, const QColor& color,
                                const QString& lowerKey) {
    // The area's lines are not drawn by themselves: the view owns them, the area shows them.
    auto* upper = new QLineSeries(this);
    QLineSeries* lower = nullptr;
    if (auto it = m_entries.find(lowerKey); it != m_entries.end()) {
        lower = new QLineSeries(this);
        lower->replace(it->line->points());
        it->mirrors.append(lower);
    }
    auto* area = new QAreaSeries(upper, lower);
    area->setName(name);
    QColor fill = color;
    fill.setAlpha(200);
    area->setBrush(fill);
    area->setPen(QPen(color.darker(120), 1));
    attach(area, Axis::Left);
    for (QLegendMarker* marker : m_chart->legend()->markers(area))
        marker->setShape(QLegend::MarkerShapeRectangle); // a filled box, not an outline
    connect(area, &QAreaSeries::hovered, this,
            [this, key](const QPointF& point, bool state) { showHover(key, point, state); });
    m_entries.insert(key,
                     Entry{name, upper, area, {}, Axis::Left, {}, lower ? lowerKey : QString()});
    m_order.append(key);
    return area;
}

QLineSeries* LiveChart::line(const QString& key) const {
    auto it = m_entries.find(key);
    return it == m_entries.end() ? nullptr : it->line;
}

QAbstractSeries* LiveChart::series(const QString& key) const {
    auto it = m_entries.find(key);
    return it == m_entries.end() ? nullptr : it->shown;
}

QList<QPointF> LiveChart::secondsPoints(const QString& key) const {
    auto it = m_entries.find(key);
    return it == m_entries.end() ? QList<QPointF>() : it->points;
}

void LiveChart::applyPoints(Entry& entry) {
    QList<QPointF> scaled = entry.points;
    if (m_unitS != 1.0)
        for (QPointF& point : scaled)
            point.setX(point.x() / m_unitS);
    entry.line->replace(scaled);
    for (QLineSeries* mirror : std::as_const(entry.mirrors))
        mirror->replace(scaled);
}

void LiveChart::setPoints(const QString& key, const QList<QPointF>& points) {
    auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    it->points = points;
    applyPoints(*it);
}

void LiveChart::setTimeRange(double fromS, double toS) {
    m_fromS = fromS;
    m_toS = std::max(toS, fromS + 1.0);
    const double span = m_toS - m_fromS;
    // Seconds up to 15 min, minutes up to 15 h, then hours: labels stay short.
    const double unit = span <= 900 ? 1.0 : span <= 54000 ? 60.0 : 3600.0;
    if (unit != m_unitS) {
        m_unitS = unit;
        m_timeAxis->setTitleText(unit == 1.0    ? tr("time since start (s)")
                                 : unit == 60.0 ? tr("time since start (min)")
                                                : tr("time since start (h)"));
        for (Entry& entry : m_entries)
            applyPoints(entry);
        if (m_zoomed) {
            resetZoom();
            return;
        }
    }
    if (!m_zoomed)
        applyTimeAxis();
}

void LiveChart::applyTimeAxis() {
    m_applying = true;
    m_timeAxis->setRange(m_fromS / m_unitS, m_toS / m_unitS);
    m_applying = false;
    updateTimeTicks();
}

void LiveChart::rescaleAxis(QValueAxis* axis, Axis side, double from, double to) {
    double top = 0;
    for (const Entry& entry : std::as_const(m_entries)) {
        if (entry.axis != side || !entry.shown->isVisible())
            continue;
        for (const QPointF& point : entry.points)
            if (point.x() >= from && point.x() <= to)
                top = std::max(top, point.y());
    }
    top = std::max(top * 1.05, side == Axis::Left ? m_leftFloor : m_rightFloor);
    const double step = niceStep(top);
    const int intervals = std::max(1, int(std::ceil(top / step - 1e-9)));
    const QString& prefix = side == Axis::Left ? m_leftPrefix : m_rightPrefix;
    // QValueAxis::setLabelFormat re-lays out the whole chart even when nothing changed (Qt 6.4
    // emits labelFormatChanged unconditionally): only call it on a change.
    const QString format = prefix + u"%."_s + QString::number(decimalsFor(step)) + u'f';
    if (axis->labelFormat() != format)
        axis->setLabelFormat(format);
    axis->setTickCount(intervals + 1);
    axis->setRange(0, step * intervals);
}

void LiveChart::rescale() {
    double from = m_fromS;
    double to = m_toS;
    if (m_zoomed) {
        from = m_timeAxis->min() * m_unitS;
        to = m_timeAxis->max() * m_unitS;
    }
    rescaleAxis(m_leftAxis, Axis::Left, from, to);
    if (m_rightAxis)
        rescaleAxis(m_rightAxis, Axis::Right, from, to);
}

void LiveChart::updateTimeTicks() {
    const double step = timeStep(m_timeAxis->max() - m_timeAxis->min(), m_unitS);
    if (m_timeAxis->tickInterval() != step)
        m_timeAxis->setTickInterval(step);
    const QString format = step >= 1.0 ? u"%.0f"_s : u"%.1f"_s;
    if (m_timeAxis->labelFormat() != format)
        m_timeAxis->setLabelFormat(format);
}

std::pair<double, double> LiveChart::dataRangeS() const {
    if (!m_zoomed)
        return {m_fromS, m_toS};
    return {m_timeAxis->min() * m_unitS, m_timeAxis->max() * m_unitS};
}

void LiveChart::removeAllSeries() {
    m_chart->removeAllSeries(); // deletes them
    for (const Entry& entry : std::as_const(m_entries)) {
        if (entry.line != entry.shown)
            delete entry.line; // an area's own line
        qDeleteAll(entry.mirrors);
    }
    m_entries.clear();
    m_order.clear();
}

void LiveChart::resetZoom() {
    m_applying = true;
    m_chart->zoomReset();
    m_applying = false;
    applyTimeAxis();
    const bool was = m_zoomed;
    m_zoomed = false;
    rescale();
    if (was)
        emit zoomedChanged(false);
}

void LiveChart::mouseReleaseEvent(QMouseEvent* event) {
    // Right click goes back to the live view at once instead of one zoom step out.
    if (event->button() == Qt::RightButton) {
        resetZoom();
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
    if (m_zoomed)
        rescale();
}

QString LiveChart::timeText(double seconds) const {
    if (seconds < 600)
        return tr("t = %1 s").arg(seconds, 0, 'f', 1);
    const qint64 whole = qint64(seconds);
    return tr("t = %1:%2:%3")
        .arg(whole / 3600)
        .arg((whole / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(whole % 60, 2, 10, QLatin1Char('0'));
}

void LiveChart::showHover(const QString& key, const QPointF& point, bool state) {
    if (!state) {
        QToolTip::hideText();
        return;
    }
    auto it = m_entries.find(key);
    if (it == m_entries.end())
        return;
    // The hover position is wherever the mouse is (inside an area, anywhere): report the data
    // point nearest in time instead.
    const QPointF* nearest = nearestPoint(it->points, point.x() * m_unitS);
    if (!nearest)
        return;
    double value = nearest->y();
    if (auto lower = m_entries.constFind(it->lowerKey); lower != m_entries.cend())
        if (const QPointF* base = nearestPoint(lower->points, nearest->x()))
            value -= base->y();
    const ValueFormatter& format = it->axis == Axis::Left ? m_leftFormat : m_rightFormat;
    QToolTip::showText(QCursor::pos(),
                       it->name + u": "_s + format(value) + u"\n"_s + timeText(nearest->x()), this);
}

} // namespace poolscope
