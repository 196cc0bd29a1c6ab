#pragma once

#include "requestrecord.h"

#include <QColor>
#include <QList>
#include <QWidget>

namespace poolscope {

// One request's timeline as horizontal bars on a common scale: queue, connect (+ TLS), send,
// wait for the first byte, first token, streaming. Painted by hand: it is a small picture.
class WaterfallWidget : public QWidget {
    Q_OBJECT
public:
    struct Phase {
        QString name;
        double startMs = 0; // from submission (timeline.queuedAt)
        double endMs = 0;
        QColor color;
    };

    explicit WaterfallWidget(QWidget* parent = nullptr);

    void setRecord(const RequestRecord& record);
    void clear();
    QList<Phase> phases() const { return m_phases; }
    double totalMs() const { return m_totalMs; }

    // The phases that happened, in order; instants of 0 ("did not happen") leave a phase out.
    static QList<Phase> phasesFor(const RequestRecord& record);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<Phase> m_phases;
    double m_totalMs = 0;
};

} // namespace poolscope
