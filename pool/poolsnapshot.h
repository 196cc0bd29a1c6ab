#pragma once

#include <QList>
#include <QMetaType>
#include <QtGlobal>

namespace poolscope {

// The pool's state at one instant, as HikariCP names its gauges, timers and counters.
// Published about 10 times a second; counters are cumulative since the pool started.
struct PoolSnapshot {
    qint64 takenAtUs = 0; // monotonicNowUs()
    // gauges
    int active = 0;  // connections carrying a request (HTTP/2: at least one stream)
    int idle = 0;    // open connections carrying nothing
    int pending = 0; // requests waiting for a connection
    int total = 0;   // open or opening connections
    int max = 0;
    int minIdle = 0;
    int waitingRetry = 0; // requests sleeping before their next attempt (they hold no connection)
    int inFlight = 0;     // requests on the wire
    QList<int> streamsPerHttp2Connection;
    double rateLimitHeadroom = -1; // remaining / limit from the server's headers; -1 unknown
    // counters
    quint64 connectionsOpened = 0;
    quint64 connectionsClosed = 0;
    quint64 requestsSubmitted = 0;
    quint64 requestsFinished = 0;
    quint64 requestsFailed = 0;
    quint64 requestsOnReusedConnections = 0;
    quint64 acquireTimeouts = 0;
    quint64 leaks = 0;
    quint64 retries = 0;
    int maxActive = 0; // high-water marks
    int maxPending = 0;
    // timers, cumulative sums (µs) and counts, so readers can take rates over any window
    qint64 acquireUsSum = 0;
    quint64 acquireCount = 0;
    qint64 usageUsSum = 0;
    quint64 usageCount = 0;
    qint64 creationUsSum = 0;
    quint64 creationCount = 0;

    double utilization() const { return max > 0 ? double(active) / double(max) : 0.0; }
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::PoolSnapshot)
