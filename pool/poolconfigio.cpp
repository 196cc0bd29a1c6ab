#include "poolconfigio.h"

#include <QSettings>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

QString http2Name(Http2Mode mode) {
    switch (mode) {
    case Http2Mode::On:
        return u"on"_s;
    case Http2Mode::Off:
        return u"off"_s;
    case Http2Mode::Auto:
        break;
    }
    return u"auto"_s;
}

qint64 readMs(const QSettings& settings, const QString& key, qint64 fallback) {
    bool ok = false;
    const qint64 value = settings.value(u"pool/"_s + key).toLongLong(&ok);
    return ok && value >= 0 ? value : fallback;
}

} // namespace

void savePoolConfig(QSettings& settings, const PoolConfig& c) {
    settings.beginGroup(u"pool"_s);
    settings.setValue(u"maxConnections"_s, c.maxConnections);
    settings.setValue(u"minIdle"_s, c.minIdle);
    settings.setValue(u"acquireTimeoutMs"_s, c.acquireTimeoutMs);
    settings.setValue(u"connectTimeoutMs"_s, c.connectTimeoutMs);
    settings.setValue(u"readTimeoutMs"_s, c.readTimeoutMs);
    settings.setValue(u"totalTimeoutMs"_s, c.totalTimeoutMs);
    settings.setValue(u"idleTimeoutMs"_s, c.idleTimeoutMs);
    settings.setValue(u"maxLifetimeMs"_s, c.maxLifetimeMs);
    settings.setValue(u"leakThresholdMs"_s, c.leakThresholdMs);
    settings.setValue(u"http2"_s, http2Name(c.http2));
    settings.setValue(u"maxStreamsPerConnection"_s, c.maxStreamsPerConnection);
    settings.setValue(u"connectionsPerThread"_s, c.connectionsPerThread);
    settings.setValue(u"noPool"_s, c.noPool);
    settings.setValue(u"retries"_s, c.retries);
    settings.setValue(u"requestsPerMinute"_s, c.requestsPerMinute);
    settings.setValue(u"tokensPerMinute"_s, c.tokensPerMinute);
    settings.endGroup();
}

PoolConfig loadPoolConfig(const QSettings& settings) {
    PoolConfig c;
    c.maxConnections =
        int(std::max<qint64>(1, readMs(settings, u"maxConnections"_s, c.maxConnections)));
    c.minIdle = int(std::min<qint64>(readMs(settings, u"minIdle"_s, c.minIdle), c.maxConnections));
    c.acquireTimeoutMs = readMs(settings, u"acquireTimeoutMs"_s, c.acquireTimeoutMs);
    c.connectTimeoutMs = readMs(settings, u"connectTimeoutMs"_s, c.connectTimeoutMs);
    c.readTimeoutMs = readMs(settings, u"readTimeoutMs"_s, c.readTimeoutMs);
    c.totalTimeoutMs = readMs(settings, u"totalTimeoutMs"_s, c.totalTimeoutMs);
    c.idleTimeoutMs = readMs(settings, u"idleTimeoutMs"_s, c.idleTimeoutMs);
    c.maxLifetimeMs = readMs(settings, u"maxLifetimeMs"_s, c.maxLifetimeMs);
    c.leakThresholdMs = readMs(settings, u"leakThresholdMs"_s, c.leakThresholdMs);
    const QString http2 = settings.value(u"pool/http2"_s).toString();
    c.http2 = http2 == u"on"_s    ? Http2Mode::On
              : http2 == u"off"_s ? Http2Mode::Off
                                  : Http2Mode::Auto;
    c.maxStreamsPerConnection = int(std::clamp<qint64>(
        readMs(settings, u"maxStreamsPerConnection"_s, c.maxStreamsPerConnection), 1,
        PoolConfig::kMostStreamsPerConnection));
    c.connectionsPerThread =
        int(std::clamp<qint64>(readMs(settings, u"connectionsPerThread"_s, c.connectionsPerThread),
                               1, PoolConfig::kMostConnectionsPerThread));
    c.noPool = settings.value(u"pool/noPool"_s, false).toBool();
    c.retries = int(readMs(settings, u"retries"_s, c.retries));
    c.requestsPerMinute = settings.value(u"pool/requestsPerMinute"_s, 0.0).toDouble();
    c.tokensPerMinute = settings.value(u"pool/tokensPerMinute"_s, 0.0).toDouble();
    return c;
}

} // namespace poolscope
