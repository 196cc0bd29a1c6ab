#include "epolleventdispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>

#include <chrono>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#endif

namespace poolscope::sim {

#ifdef Q_OS_LINUX

namespace {
constexpr int kMaxEventsPerPass = 1024;
} // namespace

EpollEventDispatcher* EpollEventDispatcher::create() {
    // A way back to Qt's dispatcher, for comparisons and as a safety valve.
    if (qEnvironmentVariable("POOLSCOPE_SIM_DISPATCHER") == QLatin1StringView("qt"))
        return nullptr;
    const int epollFd = ::epoll_create1(EPOLL_CLOEXEC);
    if (epollFd < 0)
        return nullptr;
    const int wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = wakeFd;
    if (wakeFd < 0 || ::epoll_ctl(epollFd, EPOLL_CTL_ADD, wakeFd, &event) != 0) {
        if (wakeFd >= 0)
            ::close(wakeFd);
        ::close(epollFd);
        return nullptr;
    }
    return new EpollEventDispatcher(epollFd, wakeFd);
}

EpollEventDispatcher::EpollEventDispatcher(int epollFd, int wakeFd)
    : m_epoll(epollFd)
    , m_wake(wakeFd)
    , m_events(sizeof(epoll_event) * kMaxEventsPerPass) {}

EpollEventDispatcher::~EpollEventDispatcher() {
    ::close(m_wake);
    ::close(m_epoll);
}

qint64 EpollEventDispatcher::nowNs() {
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags) {
    // The same order as Qt's UNIX dispatcher: posted events, then wait, then sockets and timers.
    m_interrupted.store(false, std::memory_order_relaxed);
    emit awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool canWait =
        (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.load(std::memory_order_relaxed);
    if (canWait)
        emit aboutToBlock();
    if (m_interrupted.load(std::memory_order_relaxed))
        return false;

    // Anything posted meanwhile has written to the eventfd, so waiting cannot miss it.
    int timeoutMs = canWait ? -1 : 0;
    if (canWait && !m_alwaysReady.empty())
        timeoutMs = 0;
    if (canWait && includeTimers && !m_deadlines.empty() && timeoutMs != 0) {
        const qint64 waitNs = m_deadlines.begin()->first - nowNs();
        // Round up: waking before the deadline would only mean waking twice.
        timeoutMs =
            waitNs <= 0 ? 0 : int(std::min<qint64>((waitNs + 999'999) / 1'000'000, 1 << 30));
    }
    auto* events = reinterpret_cast<epoll_event*>(m_events.data());
    int ready = ::epoll_wait(m_epoll, events, kMaxEventsPerPass, timeoutMs);
    if (ready < 0) {
        if (errno != EINTR)
            qWarning("epoll_wait failed: %s", strerror(errno));
        ready = 0;
    }
    int handled = 0;
    if (includeNotifiers)
        handled += activateSocketNotifiers(ready);
    else
        for (int i = 0; i < ready; ++i) {
            if (events[i].data.fd == m_wake) {
                eventfd_t value;
                ::eventfd_read(m_wake, &value);
            }
        }
    if (includeTimers)
        handled += activateTimers();
    return handled > 0;
}

int EpollEventDispatcher::activateSocketNotifiers(int ready) {
    auto* events = reinterpret_cast<epoll_event*>(m_events.data());
    // Collect first: activating one notifier may unregister or delete others.
    struct Pending {
        int fd;
        QSocketNotifier* notifier;
        QSocketNotifier::Type type;
    };
    std::vector<Pending> pending;
    pending.reserve(ready + m_alwaysReady.size());
    for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wake) {
            eventfd_t value;
            ::eventfd_read(m_wake, &value); // posted events go out at the next pass
            continue;
        }
        const auto it = m_watches.find(fd);
        if (it == m_watches.end())
            continue;
        const uint32_t what = events[i].events;
        const Watch& watch = it->second;
        if (watch.read && (what & (EPOLLIN | EPOLLERR | EPOLLHUP)))
            pending.push_back({fd, watch.read, QSocketNotifier::Read});
        if (watch.write && (what & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            pending.push_back({fd, watch.write, QSocketNotifier::Write});
        if (watch.exception && (what & EPOLLPRI))
            pending.push_back({fd, watch.exception, QSocketNotifier::Exception});
    }
    for (int fd : m_alwaysReady) {
        const auto it = m_watches.find(fd);
        if (it == m_watches.end())
            continue;
        if (it->second.read)
            pending.push_back({fd, it->second.read, QSocketNotifier::Read});
        if (it->second.write)
            pending.push_back({fd, it->second.write, QSocketNotifier::Write});
    }
    int activated = 0;
    for (const Pending& p : pending) {
        // Still registered? (An earlier activation may have disabled or deleted it.)
        const auto it = m_watches.find(p.fd);
        if (it == m_watches.end())
            continue;
        QSocketNotifier* current = p.type == QSocketNotifier::Read    ? it->second.read
                                   : p.type == QSocketNotifier::Write ? it->second.write
                                                                      : it->second.exception;
        if (current != p.notifier)
            continue;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(p.notifier, &event);
        ++activated;
    }
    return activated;
}

int EpollEventDispatcher::activateTimers() {
    if (m_deadlines.empty())
        return 0;
    const qint64 now = nowNs();
    // Only timers due now; ones (re)armed by these handlers wait for the next pass.
    std::vector<int> due;
    for (auto it = m_deadlines.begin(); it != m_deadlines.end() && it->first <= now; ++it)
        due.push_back(it->second);
    int activated = 0;
    for (int id : due) {
        auto it = m_timers.find(id);
        if (it == m_timers.end() || it->second.firing)
            continue;
        Timer& timer = it->second;
        if (timer.deadlineNs > now)
            continue; // re-armed by an earlier handler
        m_deadlines.erase({timer.deadlineNs, id});
        const qint64 intervalNs = timer.intervalMs * 1'000'000;
        timer.deadlineNs += intervalNs;
        if (timer.deadlineNs <= now)
            timer.deadlineNs = now + intervalNs; // late: no burst of catch-up events
        m_deadlines.insert({timer.deadlineNs, id});
        timer.firing = true;
        QObject* object = timer.object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++activated;
        it = m_timers.find(id); // the handler may have killed it
        if (it != m_timers.end())
            it->second.firing = false;
    }
    return activated;
}

void EpollEventDispatcher::updateWatch(int fd, Watch& watch) {
    if (watch.empty()) {
        if (watch.polled)
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // EBADF if closed first: fine
        std::erase(m_alwaysReady, fd);
        m_watches.erase(fd);
        return;
    }
    epoll_event event{};
    event.data.fd = fd;
    if (watch.read)
        event.events |= EPOLLIN;
    if (watch.write)
        event.events |= EPOLLOUT;
    if (watch.exception)
        event.events |= EPOLLPRI;
    if (watch.polled) {
        if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0)
            return;
        // The descriptor was closed and its number reused without an unregister between.
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
        return;
    }
    if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0 ||
        (errno == EEXIST && ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0)) {
        watch.polled = true;
        return;
    }
    if (errno == EPERM &&
        std::find(m_alwaysReady.begin(), m_alwaysReady.end(), fd) == m_alwaysReady.end())
        m_alwaysReady.push_back(fd);
    else if (errno != EPERM)
        qWarning("epoll_ctl(%d) failed: %s", fd, strerror(errno));
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier* notifier) {
    const int fd = int(notifier->socket());
    Watch& watch = m_watches[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        watch.read = notifier;
        break;
    case QSocketNotifier::Write:
        watch.write = notifier;
        break;
    case QSocketNotifier::Exception:
        watch.exception = notifier;
        break;
    }
    updateWatch(fd, watch);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier* notifier) {
    const int fd = int(notifier->socket());
    const auto it = m_watches.find(fd);
    if (it == m_watches.end())
        return;
    Watch& watch = it->second;
    if (watch.read == notifier)
        watch.read = nullptr;
    else if (watch.write == notifier)
        watch.write = nullptr;
    else if (watch.exception == notifier)
        watch.exception = nullptr;
    else
        return;
    updateWatch(fd, watch);
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject* object) {
    const qint64 deadline = nowNs() + std::max<qint64>(interval, 0) * 1'000'000;
    m_timers[timerId] = Timer{object, std::max<qint64>(interval, 0), timerType, deadline};
    m_deadlines.insert({deadline, timerId});
}

bool EpollEventDispatcher::unregisterTimer(int timerId) {
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return false;
    m_deadlines.erase({it->second.deadlineNs, timerId});
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject* object) {
    bool found = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->second.object == object) {
            m_deadlines.erase({it->second.deadlineNs, it->first});
            it = m_timers.erase(it);
            found = true;
        } else {
            ++it;
        }
    }
    return found;
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject* object) const {
    QList<TimerInfo> list;
    for (const auto& [id, timer] : m_timers) {
        if (timer.object == object)
            list.append(TimerInfo(id, int(timer.intervalMs), timer.type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId) {
    const auto it = m_timers.find(timerId);
    if (it == m_timers.end())
        return -1;
    const qint64 left = it->second.deadlineNs - nowNs();
    return left <= 0 ? 0 : int((left + 999'999) / 1'000'000);
}

void EpollEventDispatcher::wakeUp() {
    ::eventfd_write(m_wake, 1); // thread-safe; a full counter still leaves it readable
}

void EpollEventDispatcher::interrupt() {
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

#else // !Q_OS_LINUX: never instantiated (create() says no); the members only have to exist.

EpollEventDispatcher* EpollEventDispatcher::create() {
    return nullptr;
}
EpollEventDispatcher::EpollEventDispatcher(int epollFd, int wakeFd)
    : m_epoll(epollFd)
    , m_wake(wakeFd) {}
EpollEventDispatcher::~EpollEventDispatcher() = default;
bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags) {
    return false;
}
void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier*) {}
void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier*) {}
void EpollEventDispatcher::registerTimer(int, qint64, Qt::TimerType, QObject*) {}
bool EpollEventDispatcher::unregisterTimer(int) {
    return false;
}
bool EpollEventDispatcher::unregisterTimers(QObject*) {
    return false;
}
QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject*) const {
    return {};
}
int EpollEventDispatcher::remainingTime(int) {
    return -1;
}
void EpollEventDispatcher::wakeUp() {}
void EpollEventDispatcher::interrupt() {}

#endif

} // namespace poolscope::sim
