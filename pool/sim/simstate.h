#pragma once

#include "ratelimiter.h"
#include "simconfig.h"
#include "simstats.h"
#include "truthrecord.h"

#include <QList>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>

class QFile;

namespace poolscope::sim {

class SimWorker;

// What all workers of one SimServer share: the live config, the counters, the rate limit
// budgets, the capacity slots with their FIFO of waiting requests, and the truth log.
// Thread-safe; every method takes the one mutex briefly.
class SimState {
public:
    static constexpr qsizetype kTruthCapacity = 100000;

    SimState();
    ~SimState();

    SimConfig config() const;
    void setConfig(const SimConfig& config); // may grant slots to queued requests
    SimStats stats() const;

    quint64 nextConnectionId() { return m_nextConnectionId.fetch_add(1) + 1; }

    SimConfig connectionOpened();
    void connectionClosed();
    // Counts the request and hands out its number (which seeds its randomness) and the config
    // it is answered under.
    SimConfig requestReceived(quint64* requestNumber);

    bool admitRateLimit(qint64 nowUs, qint64 tokens, RateLimitState* state);

    // A capacity slot: true when the request may start now; otherwise it is queued and
    // SimWorker::grantSlot(connectionId, requestNumber) is posted to `worker` when a slot frees.
    bool acquireSlot(SimWorker* worker, quint64 connectionId, quint64 requestNumber);
    // Removes a queued request: true when it was still waiting, false when a grant is already
    // on its way (the caller then takes it, or releases it if it no longer wants it).
    bool cancelQueued(SimWorker* worker, quint64 connectionId, quint64 requestNumber);
    void releaseSlot();

    void streamOpened();
    void streamClosed();
    void countCompleted();
    void countRateLimited();
    void countRejected503();
    void countFault();

    bool setLogFile(const QString& path, QString* error);
    void record(const TruthRecord& record);
    QList<TruthRecord> truth() const;

private:
    struct Waiter {
        SimWorker* worker;
        quint64 connectionId;
        quint64 requestNumber;
    };
    void grantWaitersLocked();

    mutable std::mutex m_mutex;
    SimConfig m_config;
    SimStats m_stats;
    RateLimiter m_limiter;
    std::deque<Waiter> m_waiters;
    std::deque<TruthRecord> m_truth;
    std::unique_ptr<QFile> m_log;
    std::atomic<quint64> m_nextConnectionId{0};
    quint64 m_nextRequestNumber = 0;
};

} // namespace poolscope::sim
