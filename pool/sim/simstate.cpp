#include "simstate.h"

#include "simworker.h"

#include <QFile>
#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace poolscope::sim {

SimState::SimState() = default;
SimState::~SimState() = default;

SimConfig SimState::config() const {
    std::lock_guard lock(m_mutex);
    return m_config;
}

void SimState::setConfig(const SimConfig& config) {
    std::lock_guard lock(m_mutex);
    m_config = config;
    grantWaitersLocked(); // a larger capacity frees slots now
}

SimStats SimState::stats() const {
    std::lock_guard lock(m_mutex);
    return m_stats;
}

SimConfig SimState::connectionOpened() {
    std::lock_guard lock(m_mutex);
    ++m_stats.connectionsAccepted;
    ++m_stats.openConnections;
    return m_config;
}

void SimState::connectionClosed() {
    std::lock_guard lock(m_mutex);
    ++m_stats.connectionsClosed;
    --m_stats.openConnections;
}

SimConfig SimState::requestReceived(quint64* requestNumber) {
    std::lock_guard lock(m_mutex);
    ++m_stats.requestsReceived;
    *requestNumber = ++m_nextRequestNumber;
    return m_config;
}

bool SimState::admitRateLimit(qint64 nowUs, qint64 tokens, RateLimitState* state) {
    std::lock_guard lock(m_mutex);
    const bool admitted = m_limiter.admit(nowUs, m_config.rpm, m_config.tpm, tokens, state);
    if (!admitted)
        ++m_stats.rateLimited;
    return admitted;
}

bool SimState::acquireSlot(SimWorker* worker, quint64 connectionId, quint64 requestNumber) {
    std::lock_guard lock(m_mutex);
    // Strict FIFO: nobody overtakes a request that is already waiting.
    if (m_waiters.empty() &&
        (m_config.capacity <= 0 || m_stats.activeRequests < m_config.capacity)) {
        ++m_stats.activeRequests;
        return true;
    }
    m_waiters.push_back({worker, connectionId, requestNumber});
    ++m_stats.queuedRequests;
    return false;
}

bool SimState::cancelQueued(SimWorker* worker, quint64 connectionId, quint64 requestNumber) {
    std::lock_guard lock(m_mutex);
    for (auto it = m_waiters.begin(); it != m_waiters.end(); ++it) {
        if (it->worker == worker && it->connectionId == connectionId &&
            it->requestNumber == requestNumber) {
            m_waiters.erase(it);
            --m_stats.queuedRequests;
            return true;
        }
    }
    return false;
}

void SimState::releaseSlot() {
    std::lock_guard lock(m_mutex);
    --m_stats.activeRequests;
    grantWaitersLocked();
}

void SimState::grantWaitersLocked() {
    while (!m_waiters.empty() &&
           (m_config.capacity <= 0 || m_stats.activeRequests < m_config.capacity)) {
        const Waiter waiter = m_waiters.front();
        m_waiters.pop_front();
        --m_stats.queuedRequests;
        ++m_stats.activeRequests; // the slot belongs to the waiter from now on
        // Always posted, even to this thread: the grant must not re-enter the caller.
        SimWorker* worker = waiter.worker;
        QMetaObject::invokeMethod(
            worker,
            [worker, waiter] { worker->grantSlot(waiter.connectionId, waiter.requestNumber); },
            Qt::QueuedConnection);
    }
}

void SimState::streamOpened() {
    std::lock_guard lock(m_mutex);
    ++m_stats.openStreams;
}

void SimState::streamClosed() {
    std::lock_guard lock(m_mutex);
    --m_stats.openStreams;
}

void SimState::countCompleted() {
    std::lock_guard lock(m_mutex);
    ++m_stats.requestsCompleted;
}

void SimState::countRateLimited() {
    std::lock_guard lock(m_mutex);
    ++m_stats.rateLimited;
}

void SimState::countRejected503() {
    std::lock_guard lock(m_mutex);
    ++m_stats.rejected503;
}

void SimState::countFault() {
    std::lock_guard lock(m_mutex);
    ++m_stats.faultsInjected;
}

bool SimState::setLogFile(const QString& path, QString* error) {
    std::unique_ptr<QFile> file;
    if (!path.isEmpty()) {
        file = std::make_unique<QFile>(path);
        if (!file->open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
            if (error)
                *error = u"cannot open %1: %2"_s.arg(path, file->errorString());
            return false;
        }
    }
    std::lock_guard lock(m_mutex);
    m_log = std::move(file);
    return true;
}

void SimState::record(const TruthRecord& record) {
    QByteArray line;
    std::lock_guard lock(m_mutex);
    if (m_log) {
        line = record.toJsonLine();
        // Flushed per line: a reader tailing the file, or a crash, never sees half a record.
        m_log->write(line);
        m_log->flush();
    }
    m_truth.push_back(record);
    if (static_cast<qsizetype>(m_truth.size()) > kTruthCapacity)
        m_truth.pop_front();
}

QList<TruthRecord> SimState::truth() const {
    std::lock_guard lock(m_mutex);
    return QList<TruthRecord>(m_truth.begin(), m_truth.end());
}

} // namespace poolscope::sim
