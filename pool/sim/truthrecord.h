#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QtGlobal>

namespace poolscope::sim {

// What the server saw of one request: the ground truth client measurements are checked against.
// Timestamps are poolscope::monotonicNowUs(); -1 when the event did not happen.
struct TruthRecord {
    QString requestId; // X-Client-Request-Id, or one the server made up
    quint64 connectionId = 0;
    qint64 receivedAtUs = -1;   // the request was read completely
    qint64 firstTokenAtUs = -1; // first content token written (the whole body when not streaming)
    qint64 lastByteAtUs = -1;   // last response byte written
    int status = 0;             // HTTP status sent; 499 when the client left before any was sent
    bool newConnection = false; // first request on its connection
    // Beyond the brief's fields:
    QString path;           // request target without the query
    bool stream = false;    // a streaming response was asked for
    int promptTokens = 0;   // estimated: prompt characters / 4
    int outputTokens = 0;   // tokens the response carries
    QString fault;          // "", "error", "reset", "stall", "malformed"
    bool completed = false; // the response was written in full
    qint64 queuedUs = 0;    // time spent waiting for a capacity slot

    // One JSONL line (with the trailing newline): request_id, connection_id, received_at_us,
    // first_token_at_us, last_byte_at_us, status, new_connection, path, stream, prompt_tokens,
    // output_tokens, fault, completed, queued_us.
    QByteArray toJsonLine() const;
};

} // namespace poolscope::sim

Q_DECLARE_METATYPE(poolscope::sim::TruthRecord)
