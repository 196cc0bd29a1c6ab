#include "sizingadvisorpanel.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

SizingAdvisorPanel::SizingAdvisorPanel(QWidget* parent)
    : QWidget(parent)
    , m_target(new QDoubleSpinBox(this))
    , m_useObserved(new QPushButton(tr("Use observed"), this))
    , m_verdict(new QLabel(this))
    , m_numbers(new QLabel(this))
    , m_reasoning(new QLabel(this)) {
    setObjectName(u"sizingAdvisor"_s);
    m_target->setObjectName(u"targetRate"_s);
    m_target->setRange(0, 100000);
    m_target->setDecimals(1);
    m_target->setSuffix(tr(" req/s"));
    m_target->setToolTip(tr("The request rate to size the pool for; follows the observed rate "
                            "until you change it"));
    m_useObserved->setObjectName(u"useObservedRate"_s);
    m_useObserved->setToolTip(tr("Size for the rate the pool is serving now"));
    m_verdict->setObjectName(u"sizingVerdict"_s);
    QFont verdictFont = m_verdict->font();
    verdictFont.setPointSizeF(verdictFont.pointSizeF() * 1.4);
    verdictFont.setBold(true);
    m_verdict->setFont(verdictFont);
    m_numbers->setObjectName(u"sizingNumbers"_s);
    m_numbers->setStyleSheet(u"color: palette(dark);"_s);
    m_numbers->setWordWrap(true);
    m_reasoning->setObjectName(u"sizingReasoning"_s);
    m_reasoning->setWordWrap(true);
    m_reasoning->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_reasoning->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* targetRow = new QHBoxLayout();
    targetRow->addWidget(new QLabel(tr("Target rate"), this));
    targetRow->addWidget(m_target, 1);
    targetRow->addWidget(m_useObserved);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addLayout(targetRow);
    layout->addWidget(m_verdict);
    layout->addWidget(m_numbers);
    layout->addWidget(m_reasoning, 1);

    connect(m_target, &QDoubleSpinBox::valueChanged, this, [this] {
        if (m_settingTarget)
            return;
        m_followObserved = false; // the person chose a rate: stop following
        refreshAdvice();
    });
    connect(m_useObserved, &QPushButton::clicked, this, &SizingAdvisorPanel::followObservedRate);
    refreshAdvice();
}

void SizingAdvisorPanel::setInput(const SizingInput& input) {
    m_input = input;
    refreshAdvice();
}

double SizingAdvisorPanel::targetRate() const {
    return m_target->value();
}

void SizingAdvisorPanel::setTargetRate(double ratePerS) {
    m_target->setValue(ratePerS); // valueChanged stops the following
    m_followObserved = false;
    refreshAdvice();
}

void SizingAdvisorPanel::followObservedRate() {
    m_followObserved = true;
    refreshAdvice();
}

void SizingAdvisorPanel::refreshAdvice() {
    if (m_followObserved) {
        m_settingTarget = true;
        m_target->setValue(m_input.observedRatePerS);
        m_settingTarget = false;
    }
    m_useObserved->setEnabled(!m_followObserved);
    SizingInput input = m_input;
    input.targetRatePerS = m_target->value();
    m_advice = SizingAdvisor::advise(input);

    QString color;
    switch (m_advice.verdict) {
    case SizingVerdict::Unknown:
        color = u"palette(dark)"_s;
        break;
    case SizingVerdict::TooSmall:
        color = u"#c62828"_s;
        break;
    case SizingVerdict::AboutRight:
        color = u"#2e7d32"_s;
        break;
    case SizingVerdict::LargerThanUseful:
        color = u"#b35c00"_s;
        break;
    }
    const QString verdict = SizingAdvisor::verdictText(m_advice.verdict);
    m_verdict->setText(tr("Pool size: %1").arg(verdict));
    const QString sheet = u"color: "_s + color + u';';
    if (m_verdict->styleSheet() != sheet)
        m_verdict->setStyleSheet(sheet);

    const QString hold =
        input.meanHoldS > 0 ? tr("%1 s").arg(input.meanHoldS, 0, 'f', 2) : u"\u2014"_s;
    const QString headroom = input.rateLimitHeadroom >= 0
                                 ? tr("%1 %").arg(input.rateLimitHeadroom * 100.0, 0, 'f', 0)
                                 : tr("unknown");
    QString numbers = tr("Observed %1 req/s · hold %2 · max %3 · rate-limit headroom %4")
                          .arg(QString::number(input.observedRatePerS, 'f', 1), hold,
                               QString::number(input.maxConnections), headroom);
    if (m_advice.verdict != SizingVerdict::Unknown)
        numbers += u'\n' + tr("Needed ≈ %1 connections · recommended max %2")
                               .arg(QString::number(m_advice.connectionsNeeded, 'f', 1))
                               .arg(m_advice.recommendedMax);
    m_numbers->setText(numbers);
    m_reasoning->setText(m_advice.reasoning);
}

} // namespace poolscope
