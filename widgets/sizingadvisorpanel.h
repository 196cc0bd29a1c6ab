#pragma once

#include "sizingadvisor.h"

#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QPushButton;

namespace poolscope {

// The sizing advisor on screen: a target rate (following the observed rate until the person
// sets one), the verdict, and the reasoning in plain words.
class SizingAdvisorPanel : public QWidget {
    Q_OBJECT
public:
    explicit SizingAdvisorPanel(QWidget* parent = nullptr);

    // The live inputs; the target rate comes from the spin box.
    void setInput(const SizingInput& input);
    SizingAdvice advice() const { return m_advice; }
    double targetRate() const;
    void setTargetRate(double ratePerS); // as if the person typed it
    void followObservedRate();           // back to the observed rate

private:
    void refreshAdvice();

    SizingInput m_input;
    SizingAdvice m_advice;
    bool m_followObserved = true;
    bool m_settingTarget = false;
    QDoubleSpinBox* m_target;
    QPushButton* m_useObserved;
    QLabel* m_verdict;
    QLabel* m_numbers;
    QLabel* m_reasoning;
};

} // namespace poolscope
