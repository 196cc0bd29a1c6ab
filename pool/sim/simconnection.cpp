#include "simconnection.h"

#include "monotonicclock.h"
#include "openaiwireformat.h"
#include "simrandom.h"
#include "simstate.h"
#include "simworker.h"

#include <QDateTime>
#include <QSslSocket>
#include <QStringBuilder>
#include <QTcpSocket>

#include <algorithm>
#include <cmath>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

using namespace Qt::StringLiterals;

namespace poolscope::sim {

namespace {

// Tokens due within this much of now go out together: the schedule has millisecond timers,
// and waking again for a few hundred microseconds would cost more than it models.
constexpr qint64 kSlackUs = 250;

// More than one maximal request buffered while answering another: the client is not speaking
// HTTP we can serve; drop it rather than grow without bound.
constexpr qsizetype kMaxBuffered =
    HttpRequestParser::kMaxHeaderBytes + HttpRequestParser::kMaxBodyBytes + 64 * 1024;

QByteArrayView reasonPhrase(int status) {
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 417:
        return "Expectation Failed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    }
    return "Unknown";
}

const QByteArray& modelsBody() {
    static const QByteArray body =
        "{\"object\":\"list\",\"data\":["
        "{\"id\":\"sim-small\",\"object\":\"model\",\"created\":1700000000,"
        "\"owned_by\":\"poolscope-sim\"},"
        "{\"id\":\"sim-large\",\"object\":\"model\",\"created\":1700000000,"
        "\"owned_by\":\"poolscope-sim\"},"
        "{\"id\":\"sim-reasoning\",\"object\":\"model\",\"created\":1700000000,"
        "\"owned_by\":\"poolscope-sim\"}]}"_ba;
    return body;
}

// The routes' paths as shared strings: no allocation per request for the truth log.
QString pathString(const QByteArray& path) {
    static const QString known[] = {u"/v1/chat/completions"_s, u"/v1/messages"_s, u"/v1/models"_s,
                                    u"/health"_s};
    for (const QString& candidate : known) {
        if (QLatin1StringView(path) == candidate)
            return candidate;
    }
    return QString::fromLatin1(path);
}

QString faultName(int fault) {
    static const QString names[] = {QString(), u"error"_s, u"reset"_s, u"stall"_s, u"malformed"_s};
    return names[fault];
}

} // namespace

SimConnection::SimConnection(SimWorker& worker, QTcpSocket* socket, quint64 id,
                             const SimConfig& config)
    : m_worker(worker)
    , m_socket(socket)
    , m_id(id)
    , m_directWrites(!qobject_cast<QSslSocket*>(socket)) {
    armIdleTimer(config.keepAliveIdleMs);
}

SimConnection::~SimConnection() = default;

void SimConnection::armIdleTimer(int idleMs) {
    m_idleMs = idleMs;
    if (idleMs > 0)
        m_worker.wakeAt(*this, monotonicNowUs() + qint64(idleMs) * 1000);
    else
        m_worker.cancelWake(*this);
}

void SimConnection::onReadyRead() {
    if (m_closed)
        return;
    if (m_in.isEmpty())
        m_in = m_socket->readAll();
    else
        m_in.append(m_socket->readAll());
    if (m_phase == Phase::Closing) {
        m_in.clear();
        return;
    }
    if (m_in.size() > kMaxBuffered) {
        if (m_active)
            abandonRequest(499);
        m_phase = Phase::Closing;
        m_socket->abort();
        return;
    }
    if (m_phase != Phase::Idle)
        return;       // pipelined: answered after the current response
    if (m_idleMs > 0) // idle means no bytes moving; a request arriving slowly is not idle
        m_worker.wakeAt(*this, monotonicNowUs() + qint64(m_idleMs) * 1000);
    pump();
}

void SimConnection::pump() {
    if (m_pumping)
        return;
    m_pumping = true;
    while (!m_closed && m_phase == Phase::Idle && !m_in.isEmpty()) {
        const HttpRequestParser::Result result = m_parser.parse(m_in);
        if (result == HttpRequestParser::Result::NeedMore) {
            if (m_parser.takeContinueRequest())
                send("HTTP/1.1 100 Continue\r\n\r\n"_ba);
            break;
        }
        if (result == HttpRequestParser::Result::Error) {
            respondProtocolError(m_parser.errorStatus(), m_parser.errorMessage());
            break;
        }
        handleRequest(m_parser.takeRequest());
    }
    m_pumping = false;
}

void SimConnection::handleRequest(HttpRequest&& http) {
    const qint64 now = monotonicNowUs();
    m_worker.cancelWake(*this);
    ++m_requestsServed;
    m_request = Request{};
    m_active = true;
    Request& r = m_request;
    r.config = m_worker.state().requestReceived(&r.number);
    const SimConfig& config = r.config;
    r.truth.connectionId = m_id;
    r.truth.receivedAtUs = now;
    r.truth.newConnection = m_requestsServed == 1;
    r.truth.path = pathString(http.path);
    r.requestId = !http.requestId.isEmpty() ? std::move(http.requestId)
                                            : "sim-"_ba + QByteArray::number(m_id, 16) + "-"_ba +
                                                  QByteArray::number(r.number, 16);
    r.truth.requestId = QString::fromLatin1(r.requestId);
    r.http10 = http.http10;
    r.closeAfter = !http.keepAlive || (config.maxRequestsPerConnection > 0 &&
                                       m_requestsServed >= config.maxRequestsPerConnection);

    const bool anthropic = http.path == "/v1/messages";
    r.format = &m_worker.format(anthropic ? SimApi::Anthropic : SimApi::OpenAI);
    const bool post = http.method == "POST";
    const bool get = http.method == "GET";
    if (anthropic || http.path == "/v1/chat/completions") {
        r.route = post ? Route::Chat : Route::MethodNotAllowed;
        r.allow = "POST"_ba;
    } else if (http.path == "/v1/models") {
        r.route = get ? Route::Models : Route::MethodNotAllowed;
        r.allow = "GET"_ba;
    } else if (http.path == "/health") {
        r.route = get ? Route::Health : Route::MethodNotAllowed;
        r.allow = "GET"_ba;
    } else {
        r.route = Route::NotFound;
        r.badBodyMessage = "Unknown request URL: "_ba + http.method + " "_ba + http.path;
    }
    if (r.route == Route::Chat) {
        auto chat = SimChatRequest::parse(r.format->api(), http.body, &r.badBodyMessage);
        if (chat) {
            r.chat = std::move(*chat);
            r.truth.stream = r.chat.stream;
            r.truth.promptTokens = r.chat.promptTokens;
        } else {
            r.route = Route::BadBody;
        }
    }
    if (r.truth.newConnection && config.connectCostMs > 0) {
        m_phase = Phase::ConnectCost;
        m_worker.wakeAt(*this, now + qint64(config.connectCostMs) * 1000);
        return;
    }
    proceed();
}

void SimConnection::proceed() {
    Request& r = m_request;
    m_phase = Phase::Responding;
    switch (r.route) {
    case Route::Models:
        respondSimple(200, "application/json"_ba, modelsBody());
        return;
    case Route::Health:
        respondSimple(200, "application/json"_ba, "{\"status\":\"ok\"}"_ba);
        return;
    case Route::NotFound:
        respondError(404, r.badBodyMessage);
        return;
    case Route::MethodNotAllowed:
        respondError(405, QByteArray("Method not allowed; use "_ba + r.allow),
                     "allow: "_ba + r.allow + "\r\n"_ba);
        return;
    case Route::BadBody:
        respondError(400, r.badBodyMessage);
        return;
    case Route::Chat:
        break;
    }
    SimState& state = m_worker.state();
    const qint64 now = monotonicNowUs();
    if (r.config.rpm > 0 || r.config.tpm > 0) {
        const qint64 cost =
            r.chat.promptTokens + (r.chat.maxTokens > 0 ? r.chat.maxTokens : r.config.outputTokens);
        if (!state.admitRateLimit(now, cost, &r.limits)) {
            const qint64 retryUs = r.limits.retryAfterUs;
            const qint64 retryS = std::max<qint64>(1, (retryUs + 999999) / 1000000);
            const QByteArray extra = "retry-after: "_ba + QByteArray::number(retryS) +
                                     "\r\nretry-after-ms: "_ba +
                                     QByteArray::number((retryUs + 999) / 1000) + "\r\n"_ba;
            QByteArray message = r.limits.limitedByTokens
                                     ? "Rate limit reached for tokens per minute (limit "_ba +
                                           QByteArray::number(r.limits.tokenLimit)
                                     : "Rate limit reached for requests per minute (limit "_ba +
                                           QByteArray::number(r.limits.requestLimit);
            message +=
                "). Please try again in "_ba + OpenAiWireFormat::durationText(retryUs) + "."_ba;
            respondError(429, message, extra);
            return;
        }
    }
    if (!state.acquireSlot(&m_worker, m_id, r.number)) {
        m_phase = Phase::Queued;
        r.queuedSinceUs = now;
        m_worker.wakeAt(*this, now + qint64(r.config.queueTimeoutMs) * 1000);
        return;
    }
    r.slotHeld = true;
    startResponse();
}

void SimConnection::startResponse() {
    Request& r = m_request;
    const SimConfig& config = r.config;
    const qint64 now = monotonicNowUs();
    m_phase = Phase::Responding;
    if (r.queuedSinceUs > 0)
        r.truth.queuedUs = now - r.queuedSinceUs;

    // Every draw happens whatever the config, so toggling one knob does not reshuffle the rest.
    SimRandom random = SimRandom::forRequest(config.seed, r.number);
    const double ttftMs = std::clamp(random.logNormal(config.ttftMs, config.ttftSigma), 0.0, 3.6e6);
    const double lengthDraw = random.uniform();
    const double faultDraw = random.uniform();
    const quint64 faultPositionDraw = random.next();
    const quint64 wordSeed = random.next();

    int tokens = config.outputTokens;
    if (config.outputTokensJitter)
        tokens = static_cast<int>(std::lround(config.outputTokens * (0.5 + lengthDraw)));
    tokens = std::max(tokens, 1);
    if (r.chat.maxTokens > 0 && tokens > r.chat.maxTokens) {
        tokens = r.chat.maxTokens;
        r.stoppedByLength = true;
    }
    r.tokens = tokens;

    double edge = config.errorRate;
    if (faultDraw < edge)
        r.fault = Fault::Error;
    else if (faultDraw < (edge += config.resetRate))
        r.fault = Fault::Reset;
    else if (faultDraw < (edge += config.stallRate))
        r.fault = Fault::Stall;
    else if (faultDraw < (edge += config.malformedRate))
        r.fault = Fault::Malformed;
    // A reset strikes after at least one token when there are two or more; a stall may come
    // straight after the headers.
    if (r.fault == Fault::Reset && tokens > 1)
        r.faultAt = 1 + static_cast<int>(faultPositionDraw % quint64(tokens - 1));
    else if (r.fault != Fault::None)
        r.faultAt = static_cast<int>(faultPositionDraw % quint64(tokens));
    if (r.fault != Fault::None) {
        m_worker.state().countFault();
        r.truth.fault = faultName(static_cast<int>(r.fault));
    }

    r.words.emplace(wordSeed);
    r.firstTokenDueUs = now + std::llround(ttftMs * 1000);
    r.intervalUs = config.tokensPerSecond > 0 ? 1e6 / config.tokensPerSecond : 0;
    r.streaming = r.chat.stream;
    r.chunked = r.streaming && !r.http10;
    if (r.streaming && r.http10)
        r.closeAfter = true; // no chunked encoding: the end of the body is the end of the stream
    r.context.id = r.format->responseId(m_id, r.number);
    r.context.model = r.chat.model;
    r.context.created = QDateTime::currentSecsSinceEpoch();
    r.context.promptTokens = r.chat.promptTokens;

    if (r.fault == Fault::Error) {
        scheduleStep(r.firstTokenDueUs);
        return;
    }
    if (r.streaming) {
        // Headers and the opening events go out at once, as real servers do; the first content
        // token follows after the TTFT.
        QByteArray events;
        events.reserve(512);
        r.format->appendStreamStart(events, r.context);
        QByteArray wire = head(200, "text/event-stream; charset=utf-8", -1, {});
        r.truth.status = 200;
        r.headersSent = true;
        r.streamCounted = true;
        m_worker.state().streamOpened();
        if (r.chunked)
            wire += QByteArray::number(events.size(), 16) + "\r\n"_ba + events + "\r\n"_ba;
        else
            wire += events;
        if (!send(wire))
            return;
        scheduleStep(r.firstTokenDueUs);
        return;
    }
    scheduleStep(r.fault == Fault::Stall ? r.firstTokenDueUs : tokenDueUs(r.tokens - 1));
}

void SimConnection::scheduleStep(qint64 dueUs) {
    // Due now (no TTFT, no pacing): answer at once instead of a round trip through the timer.
    if (dueUs <= monotonicNowUs() + kSlackUs)
        step();
    else
        m_worker.wakeAt(*this, dueUs);
}

qint64 SimConnection::tokenDueUs(int index) const {
    return m_request.firstTokenDueUs + std::llround(index * m_request.intervalUs);
}

void SimConnection::step() {
    const qint64 now = monotonicNowUs();
    if (m_request.fault == Fault::Error) {
        respondError(500, "The server had an error while processing your request (simulated "
                          "fault).");
        return;
    }
    if (m_request.streaming)
        stepStream(now);
    else
        stepComplete(now);
}

void SimConnection::stepStream(qint64 nowUs) {
    Request& r = m_request;
    QByteArray events;
    const qint64 horizon = nowUs + kSlackUs;
    QByteArray word;
    while (r.sent < r.tokens && tokenDueUs(r.sent) <= horizon) {
        if ((r.fault == Fault::Reset || r.fault == Fault::Stall) && r.sent == r.faultAt) {
            if (!events.isEmpty() && !sendChunk(events))
                return;
            if (r.fault == Fault::Reset)
                resetConnection();
            else
                beginStall(nowUs);
            return;
        }
        word.resize(0);
        r.words->appendNext(word);
        if (r.fault == Fault::Malformed && r.sent == r.faultAt)
            r.format->appendMalformedToken(events, r.context, word);
        else
            r.format->appendToken(events, r.context, word);
        if (r.sent == 0)
            r.truth.firstTokenAtUs = nowUs;
        r.truth.outputTokens = ++r.sent;
    }
    if (r.sent == r.tokens) {
        r.format->appendStreamEnd(events, r.context, r.tokens, r.stoppedByLength,
                                  r.chat.includeUsage);
        QByteArray wire;
        if (r.chunked)
            wire = QByteArray::number(events.size(), 16) + "\r\n"_ba + events + "\r\n0\r\n\r\n"_ba;
        else
            wire = std::move(events);
        if (!send(wire))
            return;
        finishRequest(monotonicNowUs());
        return;
    }
    if (!events.isEmpty() && !sendChunk(events))
        return;
    m_worker.wakeAt(*this, tokenDueUs(r.sent));
}

void SimConnection::stepComplete(qint64 nowUs) {
    Request& r = m_request;
    QByteArray text;
    text.reserve(r.tokens * 8);
    for (int i = 0; i < r.tokens; ++i)
        r.words->appendNext(text);
    QByteArray body = r.format->completeBody(r.context, text, r.tokens, r.stoppedByLength);
    if (r.fault == Fault::Stall || r.fault == Fault::Reset) {
        // Headers promising the whole body, then only part of it.
        QByteArray wire = head(200, "application/json", body.size(), {});
        wire += QByteArrayView(body).first(body.size() / 2);
        r.truth.status = 200;
        r.headersSent = true;
        if (!send(wire))
            return;
        if (r.fault == Fault::Reset)
            resetConnection();
        else
            beginStall(nowUs);
        return;
    }
    if (r.fault == Fault::Malformed)
        body.truncate(body.size() / 2); // a body that is not JSON, with a correct length
    r.truth.firstTokenAtUs = nowUs;
    r.truth.outputTokens = r.tokens;
    respondSimple(200, "application/json"_ba, body);
}

void SimConnection::beginStall(qint64 nowUs) {
    m_phase = Phase::Stalled;
    m_worker.wakeAt(*this, nowUs + qint64(m_request.config.stallMs) * 1000);
}

QByteArray SimConnection::head(int status, QByteArrayView contentType, qint64 contentLength,
                               const QByteArray& extraHeaders, qsizetype room) const {
    const Request& r = m_request;
    QByteArray h;
    h.reserve(320 + extraHeaders.size() + room); // room: what the caller appends next
    h.append("HTTP/1.1 ");
    h.append(QByteArray::number(status));
    h.append(' ');
    h.append(reasonPhrase(status));
    h.append("\r\ncontent-type: ");
    h.append(contentType);
    h.append("\r\n");
    if (contentLength >= 0) {
        h.append("content-length: ");
        h.append(QByteArray::number(contentLength));
        h.append("\r\n");
    } else {
        if (r.chunked)
            h.append("transfer-encoding: chunked\r\n");
        h.append("cache-control: no-cache\r\n");
    }
    h.append("x-request-id: ");
    h.append(r.requestId);
    h.append("\r\n");
    if (r.format && r.format->api() == SimApi::Anthropic) {
        h.append("request-id: ");
        h.append(r.requestId);
        h.append("\r\n");
    }
    if (r.format && (r.limits.requestsLimited || r.limits.tokensLimited))
        r.format->appendRateLimitHeaders(h, r.limits);
    h.append(extraHeaders);
    h.append(r.closeAfter ? "connection: close\r\n\r\n" : "connection: keep-alive\r\n\r\n");
    return h;
}

void SimConnection::respondSimple(int status, const QByteArray& contentType, const QByteArray& body,
                                  const QByteArray& extraHeaders) {
    QByteArray wire = head(status, contentType, body.size(), extraHeaders, body.size());
    wire += body;
    m_request.truth.status = status;
    m_request.headersSent = true;
    if (!send(wire))
        return;
    finishRequest(monotonicNowUs());
}

void SimConnection::respondError(int status, QByteArrayView message,
                                 const QByteArray& extraHeaders) {
    respondSimple(status, "application/json"_ba,
                  m_request.format->errorBody(status, message, m_request.limits.limitedByTokens),
                  extraHeaders);
}

void SimConnection::respondProtocolError(int status, const QByteArray& message) {
    // The byte stream cannot be trusted any more: answer and close. No request was understood,
    // so nothing goes to the truth log.
    const QByteArray body = m_worker.format(SimApi::OpenAI).errorBody(status, message);
    QByteArray wire = "HTTP/1.1 "_ba + QByteArray::number(status) + " "_ba +
                      reasonPhrase(status).toByteArray() +
                      "\r\ncontent-type: application/json\r\ncontent-length: "_ba +
                      QByteArray::number(body.size()) + "\r\nconnection: close\r\n\r\n"_ba + body;
    m_phase = Phase::Closing;
    m_in.clear();
    if (!send(wire))
        return;
    closeGracefully();
}

bool SimConnection::send(const QByteArray& data) {
    if (m_closed)
        return false;
    qsizetype sent = 0;
#if defined(Q_OS_LINUX)
    // Plain TCP with nothing queued in Qt: straight to the kernel. QTcpSocket would buffer the
    // bytes and switch its write notifier on and off around every response, two extra
    // syscalls each; order is kept because this path is only taken with Qt's buffer empty.
    if (m_directWrites && m_socket->bytesToWrite() == 0) {
        const ssize_t n = ::send(static_cast<int>(m_socket->socketDescriptor()), data.constData(),
                                 static_cast<size_t>(data.size()), MSG_NOSIGNAL);
        if (n > 0)
            sent = n;
    }
#endif
    if (sent < data.size()) {
        // The rest (or errors: Qt reports them through its usual signals).
        m_socket->write(data.constData() + sent, data.size() - sent);
        m_socket->flush();
        if (m_closed)
            return false;
    }
    if (m_active)
        m_request.truth.lastByteAtUs = monotonicNowUs();
    return true;
}

bool SimConnection::sendChunk(const QByteArray& payload) {
    if (!m_request.chunked)
        return send(payload);
    return send(QByteArray::number(payload.size(), 16) + "\r\n"_ba + payload + "\r\n"_ba);
}

void SimConnection::finishRequest(qint64 lastByteUs) {
    m_request.truth.lastByteAtUs = lastByteUs;
    m_request.truth.completed = true;
    m_worker.state().countCompleted();
    releaseRequestResources();
    if (m_request.closeAfter) {
        closeGracefully();
        return;
    }
    becomeIdle();
}

void SimConnection::abandonRequest(int status) {
    Request& r = m_request;
    if (!r.headersSent)
        r.truth.status = status;
    if (m_phase == Phase::Queued) {
        // When it is no longer queued, a grant is on its way; onSlotGranted() gives it back.
        m_worker.state().cancelQueued(&m_worker, m_id, r.number);
    }
    releaseRequestResources();
}

void SimConnection::releaseRequestResources() {
    Request& r = m_request;
    m_active = false;
    SimState& state = m_worker.state();
    if (r.slotHeld) {
        r.slotHeld = false;
        state.releaseSlot();
    }
    if (r.streamCounted) {
        r.streamCounted = false;
        state.streamClosed();
    }
    state.record(r.truth);
    m_worker.logged(r.truth);
    r.words.reset();
}

void SimConnection::becomeIdle() {
    m_phase = Phase::Idle;
    armIdleTimer(m_request.config.keepAliveIdleMs);
    if (!m_pumping && !m_in.isEmpty())
        pump();
}

void SimConnection::resetConnection() {
    // Log first: abort() emits disconnected() synchronously.
    abandonRequest(499);
    m_phase = Phase::Closing;
    m_worker.cancelWake(*this);
    // SO_LINGER with a zero timeout makes close() send RST instead of FIN: a connection
    // reset, not a clean end of stream.
#ifdef Q_OS_UNIX
    const qintptr fd = m_socket->socketDescriptor();
    if (fd >= 0) {
        const linger hard{1, 0};
        ::setsockopt(static_cast<int>(fd), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    }
#endif
    m_socket->abort();
}

void SimConnection::closeGracefully() {
    m_phase = Phase::Closing;
    m_worker.cancelWake(*this);
    if (!m_closed)
        m_socket->disconnectFromHost(); // after the write buffer drains
}

void SimConnection::onWake() {
    switch (m_phase) {
    case Phase::Idle:
        closeGracefully(); // idle for keepAliveIdleMs
        return;
    case Phase::ConnectCost:
        proceed();
        return;
    case Phase::Queued:
        if (m_worker.state().cancelQueued(&m_worker, m_id, m_request.number)) {
            m_worker.state().countRejected503();
            m_request.truth.queuedUs = monotonicNowUs() - m_request.queuedSinceUs;
            respondError(503, QByteArray("The server is overloaded: the request waited "_ba +
                                         QByteArray::number(m_request.config.queueTimeoutMs) +
                                         " ms for capacity (simulated)."_ba));
        }
        // else a slot was granted at the last moment; its grant is on the way
        return;
    case Phase::Responding:
        step();
        return;
    case Phase::Stalled:
        // The stall lasted stallMs: give up on the client and close.
        abandonRequest(499);
        closeGracefully();
        return;
    case Phase::Closing:
        return;
    }
}

void SimConnection::onSlotGranted(quint64 requestNumber) {
    if (m_closed || !m_active || m_phase != Phase::Queued || m_request.number != requestNumber) {
        m_worker.state().releaseSlot(); // nobody waits for it here any more
        return;
    }
    m_worker.cancelWake(*this);
    m_request.slotHeld = true;
    startResponse();
}

void SimConnection::onDisconnected() {
    if (m_closed)
        return;
    m_closed = true;
    m_worker.cancelWake(*this);
    if (m_active)
        abandonRequest(499);
    m_phase = Phase::Closing;
    m_worker.connectionClosed(*this);
}

void SimConnection::shutdown() {
    if (m_closed)
        return;
    m_closed = true;
    if (m_active)
        abandonRequest(499);
    m_phase = Phase::Closing;
}

} // namespace poolscope::sim
