#pragma once

#include <QAbstractEventDispatcher>

#include <atomic>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace poolscope::sim {

// An event dispatcher on Linux epoll, for the simulator's threads. Qt's own dispatchers
// (glib's and the UNIX one) poll() every registered socket on every loop pass: with ten
// thousand open streams that scan, not the streams, would eat the core. epoll reports only the
// sockets that are ready. Level-triggered, so it behaves like poll() towards QSocketNotifier.
//
// Install it before the thread starts: QThread::setEventDispatcher(), or
// QCoreApplication::setEventDispatcher() before the application object exists. Check
// isValid() first; create() returns nullptr where epoll is not available.
class EpollEventDispatcher final : public QAbstractEventDispatcher {
    Q_OBJECT
public:
    // A ready dispatcher, or nullptr (not Linux, or out of descriptors): keep Qt's default then.
    static EpollEventDispatcher* create();
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier* notifier) override;
    void unregisterSocketNotifier(QSocketNotifier* notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject* object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject* object) override;
    QList<TimerInfo> registeredTimers(QObject* object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

private:
    EpollEventDispatcher(int epollFd, int wakeFd);

    struct Watch {
        QSocketNotifier* read = nullptr;
        QSocketNotifier* write = nullptr;
        QSocketNotifier* exception = nullptr;
        bool polled = false; // added to the epoll set (false: a file epoll refuses)
        bool empty() const { return !read && !write && !exception; }
    };
    struct Timer {
        QObject* object;
        qint64 intervalMs;
        Qt::TimerType type;
        qint64 deadlineNs;
        bool firing = false; // its timerEvent() is on the stack: do not re-enter it
    };

    void updateWatch(int fd, Watch& watch);
    int activateSocketNotifiers(int ready);
    int activateTimers();
    static qint64 nowNs();

    const int m_epoll;
    const int m_wake; // eventfd: wakeUp() from any thread
    std::atomic<bool> m_interrupted{false};
    std::unordered_map<int, Watch> m_watches;
    std::vector<int> m_alwaysReady; // fds epoll refuses (regular files): ready, like poll() says
    std::unordered_map<int, Timer> m_timers;
    std::set<std::pair<qint64, int>> m_deadlines; // (deadline ns, timer id)
    std::vector<unsigned char> m_events;          // epoll_event array, kept between passes
};

} // namespace poolscope::sim
