#include "waterfallwidget.h"

#include <QPaintEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

constexpr int kRowHeight = 20;
constexpr int kAxisHeight = 20;
constexpr int kMargin = 6;

QString msLabel(double ms) {
    if (ms >= 10000)
        return QString::number(ms / 1000.0, 'f', 1) + u" s"_s;
    if (ms >= 100)
        return QString::number(ms, 'f', 0) + u" ms"_s;
    return QString::number(ms, 'f', 1) + u" ms"_s;
}

// 1, 2, 5 × 10^n: a tick step giving about `ticks` intervals over `span`.
double niceStep(double span, int ticks) {
    const double raw = span / std::max(1, ticks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double factor : {1.0, 2.0, 5.0, 10.0})
        if (raw <= factor * magnitude)
            return factor * magnitude;
    return 10.0 * magnitude;
}

} // namespace

WaterfallWidget::WaterfallWidget(QWidget* parent)
    : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("Qt reports no separate \u201cTCP connected\u201d instant, so a new TLS "
                  "connection shows TCP and TLS setup as one bar."));
}

QList<WaterfallWidget::Phase> WaterfallWidget::phasesFor(const RequestRecord& record) {
    QList<Phase> phases;
    const RequestTimeline& tl = record.timeline;
    if (tl.queuedAt <= 0)
        return phases;
    auto add = [&](const QString& name, qint64 from, qint64 to, QColor color) {
        if (from <= 0 || to <= 0 || to < from)
            return;
        phases.append(
            {name, double(from - tl.queuedAt) / 1000.0, double(to - tl.queuedAt) / 1000.0, color});
    };
    add(record.attempts > 1 ? tr("Queue + earlier tries") : tr("Queue"), tl.queuedAt, tl.acquiredAt,
        QColor(0x9e, 0x9e, 0x9e));
    const qint64 connectEnd = tl.tlsDoneAt > 0 ? tl.tlsDoneAt : tl.sentAt;
    if (tl.connectStartAt > 0)
        add(tl.tlsDoneAt > 0 ? tr("Connect + TLS") : tr("Connect"), tl.connectStartAt, connectEnd,
            QColor(0xef, 0x6c, 0x00));
    const qint64 sendFrom = tl.connectStartAt > 0 ? connectEnd : tl.acquiredAt;
    if (tl.sentAt > sendFrom) // on a new plain connection, connecting ends with the send
        add(tr("Send"), sendFrom, tl.sentAt, QColor(0x8d, 0x6e, 0x63));
    add(tr("Wait for first byte"), tl.sentAt, tl.firstByteAt, QColor(0x1e, 0x88, 0xe5));
    if (tl.firstTokenAt > 0) {
        add(tr("First token"), tl.firstByteAt, tl.firstTokenAt, QColor(0x8e, 0x24, 0xaa));
        add(tr("Streaming"), tl.firstTokenAt, tl.finishedAt, QColor(0x43, 0xa0, 0x47));
    } else {
        add(tr("Body"), tl.firstByteAt, tl.finishedAt, QColor(0x43, 0xa0, 0x47));
    }
    return phases;
}

void WaterfallWidget::setRecord(const RequestRecord& record) {
    m_phases = phasesFor(record);
    m_totalMs = std::max(0.0, record.e2eMs());
    for (const Phase& phase : std::as_const(m_phases))
        m_totalMs = std::max(m_totalMs, phase.endMs);
    updateGeometry();
    update();
}

void WaterfallWidget::clear() {
    m_phases.clear();
    m_totalMs = 0;
    updateGeometry();
    update();
}

QSize WaterfallWidget::sizeHint() const {
    const int rows = std::max<int>(3, int(m_phases.size()));
    return {520, kAxisHeight + rows * kRowHeight + 2 * kMargin};
}

QSize WaterfallWidget::minimumSizeHint() const {
    return {260, sizeHint().height()};
}

void WaterfallWidget::paintEvent(QPaintEvent* event) {
    Q_UNUSED(event);
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    painter.fillRect(rect(), pal.base());
    if (m_phases.isEmpty() || m_totalMs <= 0) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("Select a request to see its timeline"));
        return;
    }

    const QFontMetrics fm = painter.fontMetrics();
    int labelWidth = 0;
    for (const Phase& phase : std::as_const(m_phases))
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(phase.name));
    const int valueWidth = fm.horizontalAdvance(u"00000.0 ms"_s);
    const int left = kMargin + labelWidth + 10;
    const int right = width() - kMargin - valueWidth - 6;
    const int track = std::max(20, right - left);
    const double scale = double(track) / m_totalMs;

    // Axis with ticks on top.
    const double step = niceStep(m_totalMs, std::max(2, track / 90));
    painter.setPen(pal.color(QPalette::Mid));
    const int axisY = kMargin + kAxisHeight - 4;
    const int bottom = kMargin + kAxisHeight + int(m_phases.size()) * kRowHeight;
    for (double tick = 0; tick <= m_totalMs + step * 1e-6; tick += step) {
        const int x = left + int(std::lround(tick * scale));
        painter.setPen(QPen(pal.color(QPalette::Midlight), 1));
        painter.drawLine(x, axisY, x, bottom);
        painter.setPen(pal.color(QPalette::PlaceholderText));
        const QString text = msLabel(tick);
        const int w = fm.horizontalAdvance(text);
        painter.drawText(std::min(x - w / 2, width() - w - kMargin), axisY - 4, text);
    }

    int y = kMargin + kAxisHeight;
    for (const Phase& phase : std::as_const(m_phases)) {
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QRect(kMargin, y, labelWidth, kRowHeight),
                         Qt::AlignVCenter | Qt::AlignLeft, phase.name);
        const double x0 = left + phase.startMs * scale;
        const double w = std::max(2.0, (phase.endMs - phase.startMs) * scale);
        painter.setPen(Qt::NoPen);
        painter.setBrush(phase.color);
        painter.drawRoundedRect(QRectF(x0, y + 4, w, kRowHeight - 8), 2, 2);
        painter.setPen(pal.color(QPalette::Text));
        const QString value = msLabel(phase.endMs - phase.startMs);
        // The duration sits right of the bar, or inside its end when the bar reaches the edge.
        const int textX = int(x0 + w) + 6;
        if (textX + fm.horizontalAdvance(value) <= width() - kMargin) {
            painter.drawText(QRect(textX, y, valueWidth + 6, kRowHeight),
                             Qt::AlignVCenter | Qt::AlignLeft, value);
        } else {
            painter.setPen(Qt::white);
            painter.drawText(QRectF(x0, y, w - 4, kRowHeight), Qt::AlignVCenter | Qt::AlignRight,
                             value);
        }
        y += kRowHeight;
    }
}

} // namespace poolscope
