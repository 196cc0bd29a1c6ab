#pragma once

#include <QMetaType>
#include <QtGlobal>

namespace poolscope::sim {

// Counters and gauges of a SimServer; SimServer::stats() returns a consistent copy.
struct SimStats {
    quint64 connectionsAccepted = 0;
    quint64 connectionsClosed = 0;
    quint64 requestsReceived = 0;  // complete requests parsed, whatever the answer
    quint64 requestsCompleted = 0; // responses written in full (any status)
    quint64 rateLimited = 0;       // 429s
    quint64 rejected503 = 0;       // queue timeouts
    quint64 faultsInjected = 0;    // 500s, resets, stalls and malformed responses injected
    int openConnections = 0;
    int activeRequests = 0; // being answered (holding a capacity slot)
    int queuedRequests = 0; // waiting for a capacity slot
    int openStreams = 0;    // streaming responses under way

    friend bool operator==(const SimStats&, const SimStats&) = default;
};

} // namespace poolscope::sim

Q_DECLARE_METATYPE(poolscope::sim::SimStats)
