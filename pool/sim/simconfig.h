#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QStringList>
#include <QtGlobal>

#include <optional>

namespace poolscope::sim {

// Every knob of the simulator. A plain value type without heap members, so a copy per request
// is cheap; SimServer::setConfig() applies a new one live.
struct SimConfig {
    double ttftMs = 150;         // median time to first token; lognormal with ttftSigma
    double ttftSigma = 0.25;     // 0 = constant
    double tokensPerSecond = 80; // per stream; <= 0 means all tokens at once
    int outputTokens = 48; // mean output length (uniform ±50% unless outputTokensJitter is false),
                           // capped by the request's max_tokens
    bool outputTokensJitter = true;
    int connectCostMs = 0; // delay before the first response byte of a new connection (stands in
                           // for TCP + TLS round trips); only the first request on it pays
    int capacity = 0;      // requests processed at once; 0 = unlimited; beyond it requests queue
    int queueTimeoutMs = 5000;        // a request queued longer gets 503
    int keepAliveIdleMs = 0;          // the server closes a connection idle this long; 0 = never
    int maxRequestsPerConnection = 0; // 0 = unlimited; the last one gets "Connection: close"
    int rpm = 0;                      // requests per minute; 0 = no limit
    int tpm = 0;                      // tokens (prompt + max output) per minute; 0 = no limit
    double errorRate = 0;             // fraction answered 500
    double resetRate = 0;             // fraction whose connection is reset mid-response
    double stallRate = 0;             // fraction that stop sending after the headers / first tokens
    int stallMs = 120000;     // how long a stalled response hangs before the server closes it
    double malformedRate = 0; // fraction with a malformed JSON chunk (or body)
    quint64 seed = 0;         // the same seed and request order give the same answers
    int workerThreads = 1;    // threads serving connections; read by start() only

    // Keys are the member names above ("ttftMs", "tokensPerSecond", ...); keys not given keep
    // their value in `base` (e.g. a scenario). Unknown keys and out-of-range values are errors.
    static std::optional<SimConfig> fromJson(const QJsonObject& json, QString* error);
    static std::optional<SimConfig> fromJson(const QJsonObject& json, QString* error,
                                             const SimConfig& base);
    QJsonObject toJson() const;

    static QStringList scenarioNames(); // "fast-local", "typical-cloud", "rate-limited", ...
    static std::optional<SimConfig> scenario(const QString& name);

    friend bool operator==(const SimConfig&, const SimConfig&) = default;
};

} // namespace poolscope::sim

Q_DECLARE_METATYPE(poolscope::sim::SimConfig)
