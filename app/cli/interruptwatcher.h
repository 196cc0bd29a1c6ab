#pragma once

#include <QObject>

class QSocketNotifier;

namespace poolscope::cli {

// Turns SIGINT / SIGTERM into a Qt signal on the main thread (self-pipe), so a run can stop
// cleanly and still write its summary.
class InterruptWatcher : public QObject {
    Q_OBJECT
public:
    explicit InterruptWatcher(QObject* parent = nullptr);
    ~InterruptWatcher() override;

signals:
    void interrupted(int count); // 1 on the first signal, 2 on the second, …

private:
    QSocketNotifier* m_notifier = nullptr;
    int m_count = 0;
};

} // namespace poolscope::cli
