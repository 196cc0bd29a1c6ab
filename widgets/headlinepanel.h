#pragma once

#include "poolsnapshot.h"

#include <QHash>
#include <QWidget>

class QLabel;

namespace poolscope {

// The numbers people glance at: the pool's gauges, utilization, how many connections were
// opened against how many requests rode a reused one, the acquire wait p95, timeouts, leaks.
class HeadlinePanel : public QWidget {
    Q_OBJECT
public:
    explicit HeadlinePanel(QWidget* parent = nullptr);

    void showSnapshot(const PoolSnapshot& snapshot);
    // p95 of the wait for a connection over the named window; < 0 when nothing was measured.
    void setAcquireWaitP95(double ms, const QString& windowName);
    void clear();

    // The text of one card's value, by key: active, idle, pending, max, utilization, opened,
    // reused, acquire_p95, timeouts, leaks.
    QString valueText(const QString& key) const;

private:
    QLabel* addCard(const QString& key, const QString& caption, const QString& toolTip);
    void setValue(const QString& key, const QString& text, const QString& color = {});

    QHash<QString, QLabel*> m_values;
    QHash<QString, QLabel*> m_captions;
};

} // namespace poolscope
