#include "headlinepanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {
const QString kDash = u"\u2014"_s;
const QString kWarning = u"#c62828"_s;
const QString kCaution = u"#b35c00"_s;
} // namespace

HeadlinePanel::HeadlinePanel(QWidget* parent)
    : QWidget(parent) {
    setObjectName(u"headline"_s);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    addCard(u"active"_s, tr("Active"), tr("Connections carrying a request"));
    addCard(u"idle"_s, tr("Idle"), tr("Open connections carrying nothing"));
    addCard(u"pending"_s, tr("Pending"), tr("Requests waiting for a connection"));
    addCard(u"max"_s, tr("Max"), tr("The pool's maximum size"));
    addCard(u"utilization"_s, tr("Utilization"),
            tr("Active / max; above 90% the pool is close "
               "to making requests wait"));
    addCard(u"opened"_s, tr("Connections opened"),
            tr("New connections since the pool started (each pays TCP and TLS setup)"));
    addCard(u"reused"_s, tr("Requests on reused"),
            tr("Requests served on an already open connection"));
    addCard(u"acquire_p95"_s, tr("Acquire wait p95"),
            tr("95th percentile of the wait for a connection"));
    addCard(u"timeouts"_s, tr("Acquire timeouts"),
            tr("Requests that gave up waiting for a connection"));
    addCard(u"leaks"_s, tr("Leaks"), tr("Connections held longer than the leak threshold"));
    clear();
}

QLabel* HeadlinePanel::addCard(const QString& key, const QString& caption, const QString& toolTip) {
    auto* card = new QFrame(this);
    card->setObjectName(u"card_"_s + key);
    card->setFrameShape(QFrame::StyledPanel);
    card->setToolTip(toolTip);
    card->setStyleSheet(u"QFrame#card_"_s + key +
                        u" { background: palette(base); border: 1px solid palette(mid);"
                        u" border-radius: 4px; }"_s);
    auto* captionLabel = new QLabel(caption, card);
    captionLabel->setObjectName(u"caption_"_s + key);
    captionLabel->setStyleSheet(u"color: palette(dark); font-size: 8pt;"_s);
    auto* value = new QLabel(card);
    value->setObjectName(u"headline_"_s + key);
    QFont font = value->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    value->setFont(font);
    auto* column = new QVBoxLayout(card);
    column->setContentsMargins(8, 4, 8, 4);
    column->setSpacing(0);
    column->addWidget(captionLabel);
    column->addWidget(value);
    static_cast<QHBoxLayout*>(layout())->addWidget(card, 1);
    m_values.insert(key, value);
    m_captions.insert(key, captionLabel);
    return value;
}

void HeadlinePanel::setValue(const QString& key, const QString& text, const QString& color) {
    QLabel* label = m_values.value(key);
    if (!label)
        return;
    label->setText(text);
    const QString sheet = color.isEmpty() ? QString() : u"color: "_s + color + u';';
    if (label->styleSheet() != sheet) // restyling repolishes: only on a change
        label->setStyleSheet(sheet);
}

void HeadlinePanel::showSnapshot(const PoolSnapshot& snapshot) {
    setValue(u"active"_s, QString::number(snapshot.active));
    setValue(u"idle"_s, QString::number(snapshot.idle));
    setValue(u"pending"_s, QString::number(snapshot.pending),
             snapshot.pending > 0 ? kCaution : QString());
    setValue(u"max"_s, QString::number(snapshot.max));
    const double utilization = snapshot.utilization() * 100.0;
    setValue(u"utilization"_s,
             snapshot.max > 0 ? QString::number(utilization, 'f', 0) + u" %"_s : kDash,
             utilization > 90.0 ? kWarning : QString());
    setValue(u"opened"_s, QString::number(snapshot.connectionsOpened));
    // The share goes in the caption so the number itself stays short enough for its card.
    const quint64 served = snapshot.requestsFinished;
    setValue(u"reused"_s, QString::number(snapshot.requestsOnReusedConnections));
    if (QLabel* caption = m_captions.value(u"reused"_s))
        caption->setText(
            served == 0
                ? tr("Requests on reused")
                : tr("Reused (%1 %)")
                      .arg(100.0 * double(snapshot.requestsOnReusedConnections) / double(served), 0,
                           'f', 0));
    setValue(u"timeouts"_s, QString::number(snapshot.acquireTimeouts),
             snapshot.acquireTimeouts > 0 ? kWarning : QString());
    setValue(u"leaks"_s, QString::number(snapshot.leaks),
             snapshot.leaks > 0 ? kWarning : QString());
}

void HeadlinePanel::setAcquireWaitP95(double ms, const QString& windowName) {
    if (QLabel* caption = m_captions.value(u"acquire_p95"_s))
        caption->setText(tr("Acquire wait p95 (%1)").arg(windowName));
    if (ms < 0) {
        setValue(u"acquire_p95"_s, kDash);
        return;
    }
    const QString text = ms >= 1000 ? QString::number(ms / 1000.0, 'f', 2) + u" s"_s
                                    : QString::number(ms, 'f', ms < 10 ? 1 : 0) + u" ms"_s;
    setValue(u"acquire_p95"_s, text, ms >= 1000 ? kCaution : QString());
}

void HeadlinePanel::clear() {
    for (auto it = m_values.cbegin(); it != m_values.cend(); ++it)
        setValue(it.key(), kDash);
}

QString HeadlinePanel::valueText(const QString& key) const {
    QLabel* label = m_values.value(key);
    return label ? label->text() : QString();
}

} // namespace poolscope
