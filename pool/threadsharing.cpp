#include "threadsharing.h"

#include <QUrl>

#include <algorithm>

namespace poolscope {

int connectionsPerThread(const PoolConfig& config, const QUrl& baseUrl, bool http1Chosen) {
    const int perThread =
        std::clamp(config.connectionsPerThread, 1, PoolConfig::kMostConnectionsPerThread);
    if (config.noPool || perThread == 1)
        return 1;
    if (config.http2 == Http2Mode::Off || http1Chosen)
        return perThread;
    const bool https = baseUrl.scheme() == QLatin1String("https");
    // Cleartext speaks HTTP/2 only with prior knowledge (On) or Qt's opt-in h2c upgrade.
    const bool http1Certain = !https && config.http2 == Http2Mode::Auto &&
                              !qEnvironmentVariableIsSet("QT_NETWORK_H2C_ALLOWED");
    return http1Certain ? perThread : 1;
}

} // namespace poolscope
