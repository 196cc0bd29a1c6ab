#pragma once

#include "chatrequest.h"
#include "providercodec.h"
#include "requestrecord.h"

#include <QByteArray>
#include <QPointer>

#include <memory>

class QNetworkReply;

namespace poolscope {

struct Lane;

// The pool's private state for one request across its attempts.
struct PoolJob {
    enum class State { Pending, Active, WaitingRetry, Done };

    quint64 id = 0;
    ChatRequest request;
    HttpRequestSpec spec;
    RequestRecord record;
    QByteArray requestIdHeader; // record.requestId as sent in X-Client-Request-Id
    State state = State::Pending;
    qint64 pendingSinceUs = 0; // this attempt's wait for a connection began
    qint64 estimatedTokens = 0;

    // the attempt on the wire
    Lane* lane = nullptr;
    QNetworkReply* reply = nullptr;
    std::unique_ptr<StreamDecoder> decoder;
    QByteArray body; // non-streaming or error body
    bool sawConnecting = false;
    bool contentDelivered = false; // a retry would repeat output the caller has seen
    bool leakReported = false;
    bool serverClosing = false; // "Connection: close" from the server
    bool lastUse = false;       // sent with "Connection: close": a draining thread's connection
    ErrorClass abortReason = ErrorClass::None;
    QString abortMessage;
    qint64 attemptStartUs = 0;
    qint64 lastByteUs = 0;
    qint64 lastContentUs = 0;
    StreamUpdate streamError; // the first in-stream error event
    std::optional<TokenUsage> streamUsage;
    QString finishReason;

    int acquireTimerId = 0;
    int connectTimerId = 0;
    qint64 watchdogDueUs = 0; // stall / total / leak deadline (0: none); see armWatchdog()
    int retryTimerId = 0;
};

} // namespace poolscope
