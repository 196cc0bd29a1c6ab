#include "descriptorbudget.h"

#include <algorithm>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace poolscope {

qint64 DescriptorBudget::needed(int connections, bool simulatorInProcess) const {
    return kReserve + qint64(connections) * perConnection(simulatorInProcess);
}

int DescriptorBudget::connectionsAllowed(int requested, bool simulatorInProcess) const {
    if (limit < 0 || needed(requested, simulatorInProcess) <= limit)
        return requested;
    return int(
        std::clamp<qint64>((limit - kReserve) / perConnection(simulatorInProcess), 1, requested));
}

bool DescriptorBudget::capToFit(PoolConfig& config, bool simulatorInProcess) const {
    const int allowed = connectionsAllowed(config.maxConnections, simulatorInProcess);
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
