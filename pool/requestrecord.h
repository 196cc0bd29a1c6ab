#pragma once

#include "errorclass.h"
#include "tokenusage.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>
#include <utility>

namespace poolscope {

// Instants of one request on the pool thread's monotonic clock (µs, monotonicNowUs());
// 0 means "did not happen" (a reused connection has no connect, plain HTTP no TLS, …).
struct RequestTimeline {
    qint64 queuedAt = 0;       // submitted (open loop: the intended send time)
    qint64 acquiredAt = 0;     // a connection was granted (last attempt)
    qint64 connectStartAt = 0; // a new socket started connecting
    qint64 tlsDoneAt = 0;      // TLS handshake finished (new TLS connections)
    qint64 sentAt = 0;         // request written
    qint64 headersAt = 0;      // response headers
    qint64 firstByteAt = 0;    // first body byte
    qint64 firstTokenAt = 0;   // first content token (TTFT)
    qint64 lastTokenAt = 0;
    qint64 finishedAt = 0;
};

// One attempt that did not end the request (it was retried), or the last one.
struct AttemptRecord {
    int number = 1;
    ErrorClass errorClass = ErrorClass::None;
    int httpStatus = 0;
    QString cause;           // human-readable
    qint64 retryDelayMs = 0; // the wait before the next attempt
};

using RecordHeaders = QList<std::pair<QByteArray, QByteArray>>;

// Everything known about one request once it has ended: the unit the pool reports, the run
// writes as a JSONL line and the monitor shows.
struct RequestRecord {
    quint64 id = 0;    // the pool's sequence number
    QString requestId; // sent as X-Client-Request-Id
    QString index;     // dataset position or custom_id
    bool ok = false;
    int httpStatus = 0;
    ErrorClass errorClass = ErrorClass::None;
    QString error;
    int attempts = 0;
    QString model;
    QString profile;         // the endpoint's name when the request was submitted
    qint64 connectionId = 0; // 0: never got one
    bool reused = false;
    QString httpVersion; // "1.1", "2"
    bool streamed = false;
    RequestTimeline timeline;
    qint64 queueUs = 0;             // acquire waits, all attempts together
    QList<qint64> interTokenGapsUs; // ITL: gaps between consecutive content chunks
    int contentChunks = 0;
    TokenUsage tokens;
    std::optional<qint64> costPicoUsd; // none: the model has no price
    QString output;
    QList<AttemptRecord> attemptLog;
    RecordHeaders requestHeaders; // auth already redacted
    RecordHeaders responseHeaders;
    QByteArray requestBody;

    // Derived durations in milliseconds; negative when the phase did not happen.
    double queueMs() const;
    double connectMs() const;
    double tlsMs() const;
    double ttfbMs() const;
    double ttftMs() const;
    double e2eMs() const;
    double itlMeanMs() const;
    double tpotMs() const; // (E2E − TTFT) / (output tokens − 1)

    QJsonObject toJson() const; // the per-request record of DESIGN.md
};

// The same header list with credentials replaced by "[redacted]".
RecordHeaders redactedHeaders(const RecordHeaders& headers);
bool isSecretHeader(const QByteArray& name);

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::RequestRecord)
