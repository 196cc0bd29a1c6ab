#pragma once

#include "poolconfig.h"

#include <QtGlobal>

namespace poolscope {

// What the pool's connections cost in file descriptors, and how many fit in what the process
// may open. Every connection is a socket, and every QNetworkAccessManager thread has a wakeup
// descriptor: one per connection, or one per `connectionsPerThread` HTTP/1.1 connections where
// they share threads (see threadsharing.h; counted as if the threads were half full). A simulator
// in the same process holds the other end of each connection as well. Past the limit a connect
// fails with "Too many open files", so a pool asked for more connections than fit is better capped,
// with the rest waiting in its queue.
struct DescriptorBudget {
    static constexpr int kPerSimulatedConnection = 1; // the server's end, in this process
    static constexpr int kReserve = 64; // files, settings, stdio, the app's own threads

    qint64 limit = -1;     // descriptors this process may open (soft limit); -1: no known limit
    qint64 hardLimit = -1; // how far the soft limit could be raised; -1: no known limit

    qint64 needed(int connections, bool simulatorInProcess, int connectionsPerThread = 1) const;
    // `requested`, or the most that fit within `limit` (at least 1).
    int connectionsAllowed(int requested, bool simulatorInProcess,
                           int connectionsPerThread = 1) const;
    // Caps the config's max connections (and min idle with it) to what fits; true if it had to.
    bool capToFit(PoolConfig& config, bool simulatorInProcess, int connectionsPerThread = 1) const;
};

// Raises the soft descriptor limit to the hard one (POSIX) and says what is in force now. On
// systems without such limits the budget is unlimited.
DescriptorBudget raiseDescriptorLimit();

} // namespace poolscope
