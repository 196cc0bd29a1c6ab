#pragma once

#include <QMetaType>
#include <QtGlobal>

namespace poolscope {

enum class Http2Mode { Auto, On, Off };

// The pool's knobs, named as HikariCP and httpx name them. All times in milliseconds;
// 0 disables a timeout or a limit where the comment says so. Defaults: DESIGN.md.
struct PoolConfig {
    static constexpr int kMostStreamsPerConnection = 1000; // the highest maxStreamsPerConnection
    static constexpr int kMostConnectionsPerThread = 6;    // Qt 6.4's HTTP/1.1 connections per host

    int maxConnections = 10;         // maximumPoolSize
    int minIdle = 0;                 // minimumIdle: warm connections kept open
    qint64 acquireTimeoutMs = 30000; // connectionTimeout: how long a caller waits for a connection
    qint64 connectTimeoutMs = 5000;  // TCP (+TLS) setup of a new connection
    qint64 readTimeoutMs = 60000;    // stall: no byte for this long
    qint64 totalTimeoutMs = 600000;  // one attempt from send to last byte
    qint64 idleTimeoutMs = 600000;   // idleTimeout: idle connections above minIdle close (0: never)
    qint64 maxLifetimeMs = 1800000;  // maxLifetime: connections retire when older (0: never)
    qint64 leakThresholdMs = 0;      // leakDetectionThreshold (0: off)
    Http2Mode http2 = Http2Mode::Auto;
    int maxStreamsPerConnection = 100; // HTTP/2 streams carried by one connection
    // HTTP/1.1 connections sharing one QNetworkAccessManager thread (1: a thread each, so every
    // connection idles out and retires on its own; more: fewer threads and context switches,
    // but a thread's connections close together, see NetworkGroup).
    int connectionsPerThread = kMostConnectionsPerThread;
    bool noPool = false; // a fresh connection for every request (the A/B baseline)
    int retries = 2;
    qint64 retryBaseDelayMs = 500;              // 0.5 s · 2^n
    qint64 retryMaxDelayMs = 8000;              // capped at 8 s
    qint64 retryAfterCapMs = 60000;             // Retry-After honoured up to 60 s
    qint64 maxResponseBytes = 32 * 1024 * 1024; // a larger body fails as too_large
    double requestsPerMinute = 0;               // client-side limit (0: off)
    double tokensPerMinute = 0;                 // client-side limit (0: off)
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::PoolConfig)
