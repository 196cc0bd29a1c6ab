#include "descriptorbudget.h"

#include <algorithm>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace poolscope {

qint64 DescriptorBudget::needed(int connections, bool simulatorInProcess,
                                int connectionsPerThread) const {
    // Threads are not always full (pre-opened connections, draining threads, TLS before the
    // first ALPN answer): the estimate counts them half full.
    const qint64 perThread = std::max(1, connectionsPerThread / 2);
    const qint64 threads = (qint64(connections) + perThread - 1) / perThread;
    const qint64 sockets =
        qint64(connections) * (1 + (simulatorInProcess ? kPerSimulatedConnection : 0));
    return kReserve + sockets + threads;
}

int DescriptorBudget::connectionsAllowed(int requested, bool simulatorInProcess,
                                         int connectionsPerThread) const {
    const auto fits = [&](qint64 n) {
        return needed(int(n), simulatorInProcess, connectionsPerThread) <= limit;
    };
    if (limit < 0 || fits(requested))
        return requested;
    // The most that fit, found by bisection (needed() grows with n).
    qint64 low = 1, high = requested; // fits(high) is false
    while (high - low > 1) {
        const qint64 middle = low + (high - low) / 2;
        (fits(middle) ? low : high) = middle;
    }
    return int(low);
}

bool DescriptorBudget::capToFit(PoolConfig& config, bool simulatorInProcess,
                                int connectionsPerThread) const {
    const int allowed =
        connectionsAllowed(config.maxConnections, simulatorInProcess, connectionsPerThread);
    if (allowed == config.maxConnections)
        return false;
    config.maxConnections = allowed;
    config.minIdle = std::min(config.minIdle, allowed);
    return true;
}

DescriptorBudget raiseDescriptorLimit() {
    DescriptorBudget budget;
#ifdef Q_OS_UNIX
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0)
        return budget;
    if (files.rlim_cur < files.rlim_max) {
        rlimit raised = files;
        raised.rlim_cur = files.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            files = raised;
    }
    const auto asLimit = [](rlim_t value) {
        return value == RLIM_INFINITY ? qint64(-1) : qint64(std::min<rlim_t>(value, 1ULL << 40));
    };
    budget.limit = asLimit(files.rlim_cur);
    budget.hardLimit = asLimit(files.rlim_max);
#endif
    return budget;
}

} // namespace poolscope
