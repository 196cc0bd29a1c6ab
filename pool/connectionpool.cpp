#include "connectionpool.h"

#include "monotonicclock.h"
#include "pooljob.h"
#include "providercodec.h"
#include "threadsharing.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QTimerEvent>

#include <algorithm>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPool, "poolscope.pool")

namespace poolscope {

namespace {

constexpr qint64 kUsPerMs = 1000;

QString msText(qint64 ms) {
    return QString::number(ms) + u" ms"_s;
}

RetryPolicy retryPolicyFrom(const PoolConfig& config) {
    RetryPolicy policy;
    policy.maxRetries = config.retries;
    policy.baseDelayMs = config.retryBaseDelayMs;
    policy.maxDelayMs = config.retryMaxDelayMs;
    policy.retryAfterCapMs = config.retryAfterCapMs;
    return policy;
}

qint64 promptTokenEstimate(const ChatRequest& request) {
    qint64 tokens = 0;
    for (const ChatMessage& message : request.messages)
        tokens += estimateTokens(message.content);
    return tokens;
}

// "psr-" + 16 hex digits of randomness + "-" + the pool's sequence number, written without the
// temporaries QString::number() and rightJustified() would make.
QString requestIdFor(quint64 id, quint64 random) {
    static constexpr char16_t hex[] = u"0123456789abcdef";
    char16_t buffer[4 + 16 + 1 + 20];
    char16_t* out = buffer;
    for (char16_t c : {u'p', u's', u'r', u'-'})
        *out++ = c;
    for (int shift = 60; shift >= 0; shift -= 4)
        *out++ = hex[(random >> shift) & 0xf];
    *out++ = u'-';
    char16_t digits[20];
    int count = 0;
    do {
        digits[count++] = char16_t(u'0' + id % 10);
        id /= 10;
    } while (id != 0);
    while (count > 0)
        *out++ = digits[--count];
    return QString(reinterpret_cast<const QChar*>(buffer), qsizetype(out - buffer));
}

bool hasPrefix(QByteArrayView name, QByteArrayView prefix) {
    return name.size() >= prefix.size() &&
           name.first(prefix.size()).compare(prefix, Qt::CaseInsensitive) == 0;
}

bool isHttps(const QUrl& url) {
    return url.scheme() == u"https"_s;
}

QString sslHint(const QString& error) {
    return error + u" (TLS verification is always on: trust a private server's certificate "
                   u"explicitly with --ca-cert FILE or the profile's CA certificate)"_s;
}

} // namespace

ConnectionPool::ConnectionPool(const Endpoint& endpoint, const PoolConfig& config, QObject* parent)
    : QObject(parent)
    , m_random(std::random_device{}()) {
    qRegisterMetaType<poolscope::RequestRecord>();
    qRegisterMetaType<poolscope::PoolSnapshot>();
    setEndpoint(endpoint);
    m_config = config;
    m_retry = retryPolicyFrom(config);
    m_snapshotTimer = new QTimer(this);
    m_snapshotTimer->setInterval(100);
    connect(m_snapshotTimer, &QTimer::timeout, this, &ConnectionPool::emitSnapshot);
    m_snapshotTimer->start();
    // Warm-up runs on the pool's own thread, after a possible moveToThread().
    QMetaObject::invokeMethod(this, &ConnectionPool::ensureMinIdle, Qt::QueuedConnection);
}

ConnectionPool::~ConnectionPool() {
    for (auto& [id, job] : m_jobs) {
        if (job->reply) {
            job->reply->disconnect(this);
            job->reply->abort();
        }
    }
}

quint64 ConnectionPool::reserveId() {
    return m_nextId.fetch_add(1, std::memory_order_relaxed);
}

quint64 ConnectionPool::submit(const ChatRequest& request) {
    const quint64 id = reserveId();
    submit(id, request);
    return id;
}

void ConnectionPool::submit(quint64 id, const ChatRequest& request, qint64 intendedStartUs) {
    const qint64 now = monotonicNowUs();
    auto owned = std::make_unique<PoolJob>();
    PoolJob& job = *owned;
    job.id = id;
    job.request = request;
    if (job.request.model.isEmpty())
        job.request.model = m_endpoint.model;
    job.spec = m_codec->buildChatRequest(m_endpoint.baseUrl, m_endpoint.apiKey, job.request);
    job.estimatedTokens = promptTokenEstimate(job.request) + std::max(0, job.request.maxTokens);

    RequestRecord& record = job.record;
    record.id = id;
    record.requestId = requestIdFor(id, m_random());
    record.index = request.index;
    record.model = job.request.model;
    record.profile = m_endpoint.name;
    record.streamed = job.request.stream;
    record.timeline.queuedAt = intendedStartUs > 0 ? std::min(intendedStartUs, now) : now;
    record.requestBody = job.spec.body;
    job.requestIdHeader = record.requestId.toLatin1();
    record.requestHeaders = requestTemplate(job.spec, m_config.http2 != Http2Mode::Off)
                                .redacted; // shared until appended to
    record.requestHeaders.append({"X-Client-Request-Id", job.requestIdHeader});

    job.pendingSinceUs = record.timeline.queuedAt;
    ++m_counters.requestsSubmitted;
    m_jobs.emplace(id, std::move(owned));
    m_pending.push_back(id);
    dispatch();
    // Only a request that has to wait needs the acquire timer (most never wait).
    if (job.state == PoolJob::State::Pending && m_config.acquireTimeoutMs > 0) {
        const qint64 left =
            m_config.acquireTimeoutMs - (monotonicNowUs() - job.pendingSinceUs) / kUsPerMs;
        job.acquireTimerId =
            startJobTimer(job, TimerKind::Acquire, std::max<qint64>(0, left), Qt::PreciseTimer);
    }
    ensureMinIdle(); // busy connections no longer count as idle: top the warm ones up
    m_counters.maxPending = std::max(m_counters.maxPending, int(m_pending.size()));
}

PoolJob* ConnectionPool::job(quint64 id) {
    auto it = m_jobs.find(id);
    return it == m_jobs.end() ? nullptr : it->second.get();
}

void ConnectionPool::cancel(quint64 id) {
    PoolJob* found = job(id);
    if (!found)
        return;
    PoolJob& j = *found;
    switch (j.state) {
    case PoolJob::State::Pending:
        m_pending.erase(std::remove(m_pending.begin(), m_pending.end(), id), m_pending.end());
        stopJobTimer(j.acquireTimerId);
        j.record.errorClass = ErrorClass::Canceled;
        j.record.error = u"canceled before a connection was free"_s;
        finishJob(j);
        break;
    case PoolJob::State::WaitingRetry:
        stopJobTimer(j.retryTimerId);
        j.record.errorClass = ErrorClass::Canceled;
        j.record.error = u"canceled while waiting to retry"_s;
        finishJob(j);
        break;
    case PoolJob::State::Active:
        abortAttempt(j, ErrorClass::Canceled, u"canceled"_s);
        break;
    case PoolJob::State::Done:
        break;
    }
}

void ConnectionPool::cancelAll() {
    std::vector<quint64> ids;
    ids.reserve(m_jobs.size());
    for (const auto& [id, j] : m_jobs)
        ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    // Pending ones first, so that cancelling an active request does not hand its connection on.
    for (quint64 id : ids) {
        if (PoolJob* j = job(id); j && j->state != PoolJob::State::Active)
            cancel(id);
    }
    for (quint64 id : ids)
        cancel(id);
}

void ConnectionPool::setConfig(const PoolConfig& config) {
    const bool protocolChanged = config.http2 != m_config.http2;
    m_config = config;
    m_requestTemplates.clear();
    m_retry = retryPolicyFrom(config);
    if (protocolChanged) {
        // A connection keeps the protocol it was opened with, and Qt would open another one
        // beside it for requests asking for the other: they all go, busy ones when done.
        forgetProtocol();
        retireEveryLane(true);
    } else if (config.noPool) {
        // No pool reuses nothing: idle connections would only hold slots new requests need.
        retireEveryLane(false);
    }
    for (auto& lane : m_lanes) {
        if (lane->inFlight == 0)
            scheduleHousekeeping(*lane);
    }
    trimToMax();
    dispatch();
    ensureMinIdle();
}

void ConnectionPool::setEndpoint(const Endpoint& endpoint) {
    m_endpoint = endpoint;
    forgetProtocol();
    m_requestTemplates.clear();
    m_codec = makeProviderCodec(endpoint.api);
    m_ssl = QSslConfiguration::defaultConfiguration();
    if (!endpoint.extraCaCertificates.isEmpty())
        m_ssl.setCaCertificates(m_ssl.caCertificates() + endpoint.extraCaCertificates);
    // Connections to the old endpoint must not carry requests for the new one.
    retireEveryLane(true);
}

void ConnectionPool::retireEveryLane(bool busyOnesToo) {
    std::vector<qint64> ids;
    for (const auto& lane : m_lanes)
        ids.push_back(lane->id);
    for (qint64 id : ids) {
        Lane* lane = laneById(id);
        if (!lane)
            continue; // closed with its group
        if (lane->inFlight == 0) {
            retireLane(*lane, false);
        } else if (busyOnesToo) {
            drainGroup(*lane->group);
        }
    }
    for (auto& group : m_groups) {
        if (busyOnesToo)
            group->lastRequestsAllowed = false;
    }
}

Lane* ConnectionPool::laneById(qint64 id) {
    auto it =
        std::find_if(m_lanes.begin(), m_lanes.end(), [id](const auto& l) { return l->id == id; });
    return it == m_lanes.end() ? nullptr : it->get();
}

void ConnectionPool::setSnapshotInterval(int ms) {
    if (ms <= 0) {
        m_snapshotTimer->stop();
        return;
    }
    m_snapshotTimer->start(ms);
}

void ConnectionPool::dispatch() {
    while (!m_pending.empty()) {
        PoolJob* j = job(m_pending.front());
        if (!j || j->state != PoolJob::State::Pending) {
            m_pending.pop_front();
            continue;
        }
        if (!rateLimitAllows(*j))
            break;
        Lane* lane = pickLane();
        if (!lane)
            break;
        m_pending.pop_front();
        startAttempt(*j, *lane);
    }
}

Lane* ConnectionPool::pickLane() {
    if (!m_config.noPool) {
        // The fullest first: streams pack onto few HTTP/2 connections, and requests onto the
        // busiest thread's connections, so that whole groups go idle and can close. Then the
        // most recently used (LIFO), so surplus connections stay idle and age out.
        Lane* best = nullptr;
        const auto fuller = [](const Lane& a, const Lane& b) {
            if (a.inFlight != b.inFlight)
                return a.inFlight > b.inFlight;
            if (a.group->inFlight != b.group->inFlight)
                return a.group->inFlight > b.group->inFlight;
            return a.lastReleasedAt > b.lastReleasedAt;
        };
        for (auto& lane : m_lanes) {
            // An h2 lane still connecting takes more streams too: Qt multiplexes them once the
            // connection is up (with prior knowledge the protocol is known from the start).
            const bool usable = lane->hasConnection || (lane->http2 && lane->inFlight > 0);
            if (!usable || !lane->hasRoom(m_config.maxStreamsPerConnection))
                continue;
            if (!best || fuller(*lane, *best))
                best = lane.get();
        }
        if (best)
            return best;
    }
    if (awaitingProtocol())
        return nullptr; // dispatched again when the first connection hears ALPN's answer
    if (int(m_lanes.size()) < std::max(1, m_config.maxConnections))
        return openLane(false);
    // A draining thread's idle connections still count against max until their thread closes:
    // each carries one last request, asking the server to close it after (HikariCP's "close on
    // return"), so that waiting requests are not held up by them.
    for (auto& lane : m_lanes) {
        const NetworkGroup& group = *lane->group;
        if (group.draining && group.shared && group.lastRequestsAllowed && lane->isIdle() &&
            !m_config.noPool)
            return lane.get();
    }
    return nullptr;
}

NetworkGroup& ConnectionPool::groupForNewLane(bool warm) {
    const int perThread = connectionsPerThread(m_config, m_endpoint.baseUrl, m_http1Learned);
    // A pre-opened (min idle) connection gets a thread of its own: Qt opens one for each
    // connectToHost() only while none is connected yet, and may serve a request with it
    // instead of opening the connection the pool expects, so in a shared thread it would be
    // counted but not always there.
    const bool share = perThread > 1 && !warm;
    if (share) {
        NetworkGroup* fullest = nullptr;
        for (auto& group : m_groups) {
            if (group->shared && !group->draining && group->lanes < perThread &&
                (!fullest || group->lanes > fullest->lanes))
                fullest = group.get();
        }
        if (fullest)
            return *fullest;
    }
    auto group = std::make_unique<NetworkGroup>();
    group->shared = share;
    QNetworkAccessManager* network = new QNetworkAccessManager(this);
    // Redirects could open connections to other hosts behind the pool's back.
    network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    network->setAutoDeleteReplies(false);
    network->setProxy(m_endpoint.proxy.value_or(QNetworkProxy(QNetworkProxy::NoProxy)));
    group->network = network;
    m_groups.push_back(std::move(group));
    return *m_groups.back();
}

Lane* ConnectionPool::openLane(bool warm) {
    auto lane = std::make_unique<Lane>();
    lane->id = m_nextLaneId++;
    lane->group = &groupForNewLane(warm);
    ++lane->group->lanes;
    lane->lastReleasedAt = monotonicNowUs();
    if (m_config.http2 == Http2Mode::On && !isHttps(m_endpoint.baseUrl)) {
        // h2c with prior knowledge: no response is needed to know (no dispatch() here: the
        // caller is dispatching already)
        lane->protocolKnown = true;
        lane->http2 = true;
    }
    if (warm) {
        const QUrl& url = m_endpoint.baseUrl;
        if (url.scheme() == u"https"_s) {
            QSslConfiguration ssl = m_ssl;
            if (m_config.http2 != Http2Mode::Off && !lane->group->shared)
                ssl.setAllowedNextProtocols({QSslConfiguration::ALPNProtocolHTTP2, "http/1.1"});
            lane->group->network->connectToHostEncrypted(url.host(), quint16(url.port(443)), ssl);
        } else {
            lane->group->network->connectToHost(url.host(), quint16(url.port(80)));
        }
        // Qt reports nothing for a pre-opened connection; it is counted as opened here, and if
        // the server refused it, the first request on the lane will show a new connection.
        lane->hasConnection = true;
        lane->connectionId = m_nextConnectionId++;
        lane->connectionOpenedAt = lane->lastReleasedAt;
        ++m_counters.connectionsOpened;
    }
    Lane* raw = lane.get();
    m_lanes.push_back(std::move(lane));
    if (warm)
        scheduleHousekeeping(*raw);
    return raw;
}

const ConnectionPool::RequestTemplate& ConnectionPool::requestTemplate(const HttpRequestSpec& spec,
                                                                       bool offersHttp2) {
    const bool https = isHttps(spec.url);
    for (const RequestTemplate& t : m_requestTemplates) {
        if (t.https == https && t.offersHttp2 == offersHttp2 && t.headers == spec.headers)
            return t;
    }
    // the codecs make one or two header sets, each with and without h2 offered; be safe anyway
    if (m_requestTemplates.size() >= 8)
        m_requestTemplates.clear();
    RequestTemplate t;
    t.https = https;
    t.offersHttp2 = offersHttp2;
    t.headers = spec.headers;
    t.redacted = redactedHeaders(spec.headers);
    QNetworkRequest& request = t.request;
    for (const auto& [name, value] : spec.headers)
        request.setRawHeader(name, value);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("PoolScope/" POOLSCOPE_VERSION));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, offersHttp2);
    if (m_config.http2 == Http2Mode::On && !https)
        request.setAttribute(QNetworkRequest::Http2DirectAttribute, true);
    // The pool closes idle connections itself (idle timeout); Qt must not do it earlier.
    const qint64 keepSeconds =
        m_config.idleTimeoutMs > 0 ? m_config.idleTimeoutMs / 1000 + 60 : 7 * 24 * 3600;
    request.setAttribute(QNetworkRequest::ConnectionCacheExpiryTimeoutSecondsAttribute,
                         int(std::min<qint64>(keepSeconds, 7 * 24 * 3600)));
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    if (m_config.noPool)
        request.setRawHeader("Connection", "close");
    if (https)
        request.setSslConfiguration(m_ssl);
    m_requestTemplates.push_back(std::move(t));
    return m_requestTemplates.back();
}

QNetworkRequest ConnectionPool::buildRequest(const PoolJob& job, const Lane& lane) {
    // Everything but the URL and the request id is the same for every request of this pool
    // (endpoint and config): copying a prepared request costs a fraction of building one.
    // A shared thread over TLS exists because the server chose HTTP/1.1: offering h2 again would
    // make Qt open one connection per thread first and wait for its ALPN answer before opening
    // the others, announcing them to whichever request is first by then.
    const bool offersHttp2 =
        m_config.http2 != Http2Mode::Off && !(lane.group->shared && isHttps(job.spec.url));
    QNetworkRequest request = requestTemplate(job.spec, offersHttp2).request;
    request.setUrl(job.spec.url);
    request.setRawHeader("X-Client-Request-Id", job.requestIdHeader);
    return request;
}

void ConnectionPool::startAttempt(PoolJob& job, Lane& lane) {
    const qint64 now = monotonicNowUs();
    stopJobTimer(job.acquireTimerId);
    // The lane's housekeeping timer keeps running while it is busy: when it fires it finds the
    // lane busy and stops, and the release re-arms it (see scheduleHousekeeping). Killing and
    // restarting a timer for every request cost more than that.
    job.state = PoolJob::State::Active;
    job.lane = &lane;
    job.lastUse = lane.mustRetire; // a draining thread's connection: see pickLane
    if (lane.inFlight == 0)
        ++m_activeLanes;
    ++lane.inFlight;
    ++lane.group->inFlight;
    ++lane.useCount;

    RequestRecord& record = job.record;
    ++record.attempts;
    const qint64 waited = now - job.pendingSinceUs;
    record.queueUs += waited;
    m_counters.acquireUsSum += waited;
    ++m_counters.acquireCount;
    RequestTimeline& t = record.timeline;
    t.acquiredAt = now;
    t.connectStartAt = t.tlsDoneAt = t.sentAt = t.headersAt = t.firstByteAt = 0;
    t.firstTokenAt = t.lastTokenAt = t.finishedAt = 0;
    record.httpStatus = 0;
    record.connectionId = lane.connectionId;
    record.reused = lane.hasConnection;
    record.httpVersion.clear();
    record.output.clear();
    record.interTokenGapsUs.clear();
    record.contentChunks = 0;
    record.responseHeaders.clear();

    job.attemptStartUs = now;
    job.lastByteUs = 0;
    job.lastContentUs = 0;
    job.sawConnecting = false;
    job.leakReported = false;
    job.serverClosing = false;
    job.abortReason = ErrorClass::None;
    job.abortMessage.clear();
    job.body.clear();
    job.streamError = {};
    job.streamUsage.reset();
    job.finishReason.clear();
    job.decoder = job.request.stream ? m_codec->newStreamDecoder() : nullptr;

    m_recentStartsUs.push_back(now);
    if (m_config.tokensPerMinute > 0) {
        m_recentTokens.push_back({now, job.estimatedTokens});
        m_recentTokenSum += job.estimatedTokens;
    }

    if (lane.group->shared && !lane.hasConnection && m_config.connectTimeoutMs > 0)
        job.connectTimerId = // Qt may announce its connection to another request (see lane.h)
            startJobTimer(job, TimerKind::Connect, m_config.connectTimeoutMs, Qt::PreciseTimer);

    QNetworkRequest request = buildRequest(job, lane);
    if (job.lastUse)
        request.setRawHeader("Connection", "close");
    QNetworkReply* reply =
        job.spec.method == "POST"
            ? lane.group->network->post(request, job.spec.body)
            : lane.group->network->sendCustomRequest(request, job.spec.method, job.spec.body);
    job.reply = reply;
    wireReply(job, reply);
    armWatchdog(job);

    m_counters.maxActive = std::max(m_counters.maxActive, m_activeLanes);
}

PoolJob* ConnectionPool::jobOfCurrentReply(quint64 id, const QNetworkReply* reply) {
    PoolJob* j = job(id);
    return j && j->reply == reply ? j : nullptr;
}

void ConnectionPool::wireReply(PoolJob& job, QNetworkReply* reply) {
    const quint64 id = job.id;
    // A reply speaks only while it is its job's current attempt. It is not disconnected when
    // the attempt ends (QObject::disconnect by receiver parses signatures: it cost more per
    // request than these checks), and it may still emit until its deleteLater() runs.
    const auto whileCurrent = [this, id, reply](void (ConnectionPool::*handler)(quint64)) {
        return [this, id, reply, handler] {
            if (jobOfCurrentReply(id, reply))
                (this->*handler)(id);
        };
    };
    connect(reply, &QNetworkReply::socketStartedConnecting, this,
            whileCurrent(&ConnectionPool::onConnecting));
    connect(reply, &QNetworkReply::requestSent, this, whileCurrent(&ConnectionPool::onSent));
    connect(reply, &QNetworkReply::metaDataChanged, this, whileCurrent(&ConnectionPool::onHeaders));
    connect(reply, &QIODevice::readyRead, this, whileCurrent(&ConnectionPool::onReadyRead));
    connect(reply, &QNetworkReply::finished, this, whileCurrent(&ConnectionPool::onReplyFinished));
    if (!isHttps(job.spec.url))
        return; // plain HTTP never encrypts nor reports TLS errors: two connections saved
    connect(reply, &QNetworkReply::encrypted, this, whileCurrent(&ConnectionPool::onEncrypted));
    connect(reply, &QNetworkReply::sslErrors, this,
            [this, id, reply](const QList<QSslError>& errors) {
                PoolJob* j = jobOfCurrentReply(id, reply);
                if (!j || errors.isEmpty() || j->abortReason != ErrorClass::None)
                    return;
                QStringList texts;
                for (const QSslError& error : errors)
                    texts.append(error.errorString());
                j->abortMessage = sslHint(texts.join(u"; "_s));
            });
}

void ConnectionPool::onConnecting(quint64 jobId) {
    PoolJob* j = job(jobId);
    if (!j || !j->lane)
        return;
    const qint64 now = monotonicNowUs();
    Lane& lane = *j->lane;
    if (lane.group->shared && j->sawConnecting) {
        // Announced again to the same request: Qt opens several connections in one pass and
        // tells the request first in its queue each time (see NetworkGroup::connectStartsUs).
        noteGroupConnecting(*lane.group, now);
        return;
    }
    if (lane.hasConnection) {
        // The server closed the connection we believed idle; Qt opens a new one.
        ++m_counters.connectionsClosed;
        lane.hasConnection = false;
    }
    j->sawConnecting = true;
    lane.connecting = true;
    j->record.reused = false;
    j->record.timeline.connectStartAt = now;
    if (m_config.connectTimeoutMs > 0 && j->connectTimerId == 0)
        j->connectTimerId =
            startJobTimer(*j, TimerKind::Connect, m_config.connectTimeoutMs, Qt::PreciseTimer);
}

void ConnectionPool::noteGroupConnecting(NetworkGroup& group, qint64 now) {
    group.connectStartsUs.push_back(now);
    // More connections opening than lanes waiting for one: a connection the pool believed idle
    // had been closed by the server, and Qt replaced it for a request on that lane.
    int waiting = 0;
    for (const auto& lane : m_lanes) {
        waiting += lane->group == &group && !lane->hasConnection && lane->inFlight > 0 &&
                           !lane->connecting && !lane->borrowing
                       ? 1
                       : 0;
    }
    while (int(group.connectStartsUs.size()) > waiting) {
        const qint64 started = group.connectStartsUs.front();
        group.connectStartsUs.pop_front();
        ++m_counters.connectionsClosed;
        // The request that will take it waits in Qt's queue: not sent yet, on such a lane.
        PoolJob* replaced = nullptr;
        for (const auto& [id, j] : m_jobs) {
            Lane* lane = j->lane;
            if (lane && lane->group == &group && lane->hasConnection && !lane->connecting &&
                j->state == PoolJob::State::Active && j->record.timeline.sentAt == 0 &&
                (!replaced || j->record.timeline.acquiredAt < replaced->record.timeline.acquiredAt))
                replaced = j.get();
        }
        if (!replaced) {
            ++m_counters.connectionsOpened; // too late to tell which request it carried
            continue;
        }
        replaced->lane->hasConnection = false;
        replaced->lane->connecting = true;
        replaced->sawConnecting = true;
        replaced->record.reused = false;
        replaced->record.timeline.connectStartAt = started;
    }
}

// A new connection counts as opened once it carries bytes: a refused connect never was one.
void ConnectionPool::markEstablished(PoolJob& job, Lane& lane, qint64 now) {
    if (lane.hasConnection || lane.borrowing)
        return;
    NetworkGroup& group = *lane.group;
    if (group.shared && !job.sawConnecting) {
        // A request on a lane without a connection went out on a new one of its thread, which
        // started opening at the oldest start not yet taken.
        if (group.connectStartsUs.empty()) {
            // No connection opened for it: Qt sent it on one of the thread's connections whose
            // request has ended there but not yet here. The lane borrows that connection and
            // opens none; it goes when this request ends.
            stopJobTimer(job.connectTimerId);
            lane.borrowing = true;
            // Which lane lent it is unknowable, and that lane may open another connection
            // unannounced: the thread's state is no longer exact, so it drains and closes.
            drainGroup(group);
            job.record.reused = true;
            for (const auto& other : m_lanes) {
                if (other->group == &group && other->hasConnection && other->inFlight > 0) {
                    job.record.connectionId = other->connectionId; // the likeliest one
                    break;
                }
            }
            return;
        } else {
            job.sawConnecting = true;
            job.record.reused = false;
            job.record.timeline.connectStartAt = group.connectStartsUs.front();
            group.connectStartsUs.pop_front();
        }
    } else if (!job.sawConnecting) {
        return; // HTTP/2: a stream on the connection another stream is opening
    }
    stopJobTimer(job.connectTimerId);
    lane.connecting = false;
    lane.hasConnection = true;
    lane.connectionId = m_nextConnectionId++;
    lane.connectionOpenedAt = now;
    job.record.connectionId = lane.connectionId;
    ++m_counters.connectionsOpened;
    if (!job.sawConnecting)
        return;
    m_counters.creationUsSum += now - job.record.timeline.connectStartAt;
    ++m_counters.creationCount;
}

void ConnectionPool::onEncrypted(quint64 jobId) {
    PoolJob* j = job(jobId);
    if (!j || !j->lane)
        return;
    const qint64 now = monotonicNowUs();
    Lane& lane = *j->lane;
    const bool newConnection = j->sawConnecting || (lane.group->shared && !lane.hasConnection);
    if (newConnection && j->record.timeline.tlsDoneAt == 0) {
        j->record.timeline.tlsDoneAt = now;
        stopJobTimer(j->connectTimerId);
        markEstablished(*j, lane, now);
    }
    // ALPN has chosen by now: an h2 lane can take more streams before any response arrives
    // (a streamed answer's headers may take as long as its first token).
    if (j->reply) {
        const QByteArray alpn = j->reply->sslConfiguration().nextNegotiatedProtocol();
        if (!alpn.isEmpty())
            learnProtocol(*j->lane, alpn == QSslConfiguration::ALPNProtocolHTTP2);
    }
}

void ConnectionPool::learnProtocol(Lane& lane, bool http2) {
    if (lane.protocolKnown)
        return;
    lane.protocolKnown = true;
    lane.http2 = http2;
    // A lane on its way out may speak for the previous endpoint or HTTP/2 mode: it teaches nothing.
    if (http2 && !lane.mustRetire)
        m_http2Learned = true;
    else if (!http2 && !lane.mustRetire && m_config.http2 != Http2Mode::Off)
        m_http1Learned = true; // the server chose HTTP/1.1: new lanes may share threads
    // Requests waiting for a connection can go on this one now (h2), or open their own (1.1).
    dispatch();
}

void ConnectionPool::forgetProtocol() {
    m_http1Learned = m_http2Learned = m_protocolProbeFailed = false;
}

bool ConnectionPool::awaitingProtocol() const {
    // Over TLS with h2 offered, the server's ALPN answer decides between one connection carrying
    // every stream and one connection per request. Until a first connection has heard it, a
    // burst waits for that connection rather than opening one per request and then leaving all
    // but one idle (Qt's own QNAM waits the same way). If that first connection fails, the wait
    // is not repeated: requests must not queue behind one connect timeout after another.
    if (m_config.noPool || m_config.http2 == Http2Mode::Off || !isHttps(m_endpoint.baseUrl) ||
        m_http1Learned || m_http2Learned || m_protocolProbeFailed)
        return false;
    // A lane on its way out (a new endpoint, a drained thread) will carry no waiting request.
    return std::any_of(m_lanes.begin(), m_lanes.end(), [](const auto& lane) {
        return !lane->protocolKnown && !lane->hasConnection && lane->inFlight > 0 &&
               !lane->mustRetire; // set on every lane of a draining thread too
    });
}

void ConnectionPool::onSent(quint64 jobId) {
    PoolJob* j = job(jobId);
    if (!j || !j->lane)
        return;
    const qint64 now = monotonicNowUs();
    j->record.timeline.sentAt = now;
    stopJobTimer(j->connectTimerId);
    markEstablished(*j, *j->lane, now);
}

void ConnectionPool::onHeaders(quint64 jobId) {
    PoolJob* j = job(jobId);
    if (!j || !j->reply || j->record.timeline.headersAt != 0)
        return;
    QNetworkReply* reply = j->reply;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return;
    const qint64 now = monotonicNowUs();
    RequestRecord& record = j->record;
    record.timeline.headersAt = now;
    if (record.timeline.sentAt == 0)
        onSent(jobId);
    record.httpStatus = status.toInt();
    const bool http2 = reply->attribute(QNetworkRequest::Http2WasUsedAttribute).toBool();
    record.httpVersion = http2 ? u"2"_s : u"1.1"_s;
    record.responseHeaders = reply->rawHeaderPairs(); // implicitly shared, no copy
    bool rateLimitHeaders = false;
    for (const auto& [name, value] : record.responseHeaders) {
        if (name.compare("Connection", Qt::CaseInsensitive) == 0 &&
            value.toLower().contains("close"))
            j->serverClosing = true;
        else if (hasPrefix(name, "x-ratelimit-") || hasPrefix(name, "anthropic-ratelimit-"))
            rateLimitHeaders = true;
    }
    if (rateLimitHeaders)
        readRateLimitHeaders(reply);
    if (j->lane)
        learnProtocol(*j->lane, http2);
}

void ConnectionPool::onReadyRead(quint64 jobId) {
    PoolJob* j = job(jobId);
    if (!j || !j->reply)
        return;
    const qint64 now = monotonicNowUs();
    RequestRecord& record = j->record;
    if (record.timeline.headersAt == 0)
        onHeaders(jobId);
    const QByteArray data = j->reply->readAll();
    if (data.isEmpty())
        return;
    j->lastByteUs = now;
    if (record.timeline.firstByteAt == 0)
        record.timeline.firstByteAt = now;

    const bool success = record.httpStatus >= 200 && record.httpStatus < 300;
    if (!j->decoder || !success) {
        if (j->body.size() + data.size() > m_config.maxResponseBytes) {
            abortAttempt(*j, ErrorClass::TooLarge,
                         u"response larger than "_s + QString::number(m_config.maxResponseBytes) +
                             u" bytes"_s);
            return;
        }
        j->body.append(data);
        return;
    }

    const StreamUpdate update = j->decoder->feed(data);
    if (update.usage)
        j->streamUsage = update.usage;
    if (!update.finishReason.isEmpty())
        j->finishReason = update.finishReason;
    if (update.errorClass != ErrorClass::None && j->streamError.errorClass == ErrorClass::None)
        j->streamError = update;
    if (update.contentDeltas.isEmpty())
        return;
    QString joined;
    for (const QString& delta : update.contentDeltas) {
        if (record.timeline.firstTokenAt == 0)
            record.timeline.firstTokenAt = now;
        else
            record.interTokenGapsUs.append(now - j->lastContentUs);
        j->lastContentUs = now;
        ++record.contentChunks;
        joined += delta;
    }
    record.timeline.lastTokenAt = now;
    record.output += joined;
    j->contentDelivered = true;
    if (qint64(record.output.size()) * 2 > m_config.maxResponseBytes) {
        abortAttempt(*j, ErrorClass::TooLarge, u"streamed output exceeds the size cap"_s);
        return;
    }
    if (j->request.reportContent)
        emit contentReceived(jobId, joined);
}

void ConnectionPool::onReplyFinished(quint64 jobId) {
    PoolJob* j = job(jobId);
    if (!j || !j->reply)
        return;
    QNetworkReply* reply = j->reply;
    if (reply->bytesAvailable() > 0 && j->abortReason == ErrorClass::None) {
        onReadyRead(jobId);
        j = job(jobId);
        if (!j || j->reply != reply)
            return;
    }
    if (j->record.timeline.headersAt == 0)
        onHeaders(jobId);
    RequestRecord& record = j->record;
    record.timeline.finishedAt = monotonicNowUs();

    const QNetworkReply::NetworkError netError = reply->error();
    const int status = record.httpStatus;
    ErrorClass cls = ErrorClass::None;
    QString error;
    bool healthy = true;

    if (j->abortReason != ErrorClass::None) {
        cls = j->abortReason;
        error = j->abortMessage;
        healthy = false;
    } else if (status >= 400) {
        cls = errorClassForHttpStatus(status);
        QString message = m_codec->errorMessage(j->body);
        if (message.isEmpty())
            message = QString::fromUtf8(j->body.left(300)).simplified();
        error = u"HTTP "_s + QString::number(status) +
                (message.isEmpty() ? QString() : u": "_s + message);
        // Qt reports HTTP errors as content errors; only a transport failure taints the socket.
        healthy = netError == QNetworkReply::NoError || int(netError) >= 201;
    } else if (status >= 300) {
        cls = ErrorClass::Http4xx;
        error = u"HTTP "_s + QString::number(status) + u": unexpected redirect to "_s +
                QString::fromUtf8(reply->rawHeader("Location")) +
                u" (redirects are not followed; use the final URL as the base URL)"_s;
    } else if (netError != QNetworkReply::NoError) {
        cls = errorClassForNetworkError(netError);
        if (cls == ErrorClass::Reset && j->contentDelivered)
            error = u"connection reset mid-stream: "_s + reply->errorString();
        else if (cls == ErrorClass::Reset && status == 0)
            error = u"the server closed the connection without a valid HTTP response ("_s +
                    reply->errorString() + u')';
        else if (cls == ErrorClass::Tls && !j->abortMessage.isEmpty())
            error = j->abortMessage;
        else
            error = reply->errorString();
        healthy = false;
    } else if (j->decoder) {
        if (j->streamError.errorClass != ErrorClass::None) {
            cls = j->streamError.errorClass;
            error = j->streamError.error;
        } else if (!j->decoder->isFinished()) {
            cls = ErrorClass::Truncated;
            error = u"the stream ended without its terminator"_s;
        }
    } else if (status == 0) {
        cls = ErrorClass::Malformed;
        error = u"no HTTP response"_s;
        healthy = false;
    } else {
        const ParsedResponse parsed = m_codec->parseResponse(j->body);
        if (!parsed.error.isEmpty()) {
            cls = ErrorClass::Malformed;
            error = parsed.error;
        } else {
            record.output = parsed.text;
            j->finishReason = parsed.finishReason;
            if (parsed.usage.hasCounts())
                j->streamUsage = parsed.usage;
            if (!parsed.text.isEmpty()) {
                record.timeline.firstTokenAt = record.timeline.finishedAt;
                record.timeline.lastTokenAt = record.timeline.finishedAt;
                record.contentChunks = 1;
            }
        }
    }

    if (j->streamUsage && j->streamUsage->hasCounts()) {
        record.tokens = *j->streamUsage;
        if (record.tokens.prompt < 0) {
            record.tokens.prompt = promptTokenEstimate(j->request);
            record.tokens.estimated = true;
        }
        if (record.tokens.completion < 0) {
            record.tokens.completion = estimateTokens(record.output);
            record.tokens.estimated = true;
        }
    } else {
        record.tokens = {};
        record.tokens.prompt = promptTokenEstimate(j->request);
        record.tokens.completion = estimateTokens(record.output);
        record.tokens.estimated = true;
    }
    endAttempt(*j, cls, error, healthy);
}

void ConnectionPool::abortAttempt(PoolJob& job, ErrorClass why, const QString& message) {
    if (!job.reply)
        return;
    const quint64 id = job.id;
    QNetworkReply* reply = job.reply;
    job.abortReason = why;
    job.abortMessage = message;
    reply->abort(); // emits finished(), which ends the attempt
    if (PoolJob* still = this->job(id); still && still->reply == reply)
        onReplyFinished(id);
}

void ConnectionPool::endAttempt(PoolJob& job, ErrorClass cls, const QString& error,
                                bool connectionHealthy) {
    const qint64 now = monotonicNowUs();
    // See awaitingProtocol(). A canceled probe was not a failure: the next request probes.
    if (cls != ErrorClass::None && cls != ErrorClass::Canceled && job.lane &&
        !job.lane->protocolKnown && !job.lane->mustRetire)
        m_protocolProbeFailed = true;
    stopJobTimer(job.connectTimerId);
    job.watchdogDueUs = 0; // the pool's watchdog timer skips it from now on
    if (job.reply) {
        job.reply->deleteLater(); // its signals are ignored from here on (see wireReply)
        job.reply = nullptr;
    }
    m_counters.usageUsSum += now - job.record.timeline.acquiredAt;
    ++m_counters.usageCount;
    if (job.record.reused)
        ++m_counters.requestsOnReusedConnections;
    releaseLane(job, connectionHealthy, job.serverClosing);

    RequestRecord& record = job.record;
    record.errorClass = cls;
    record.error = error;
    record.ok = cls == ErrorClass::None;

    AttemptRecord attempt;
    attempt.number = record.attempts;
    attempt.errorClass = cls;
    attempt.httpStatus = record.httpStatus;
    attempt.cause = error;

    bool retry = !record.ok && cls != ErrorClass::Canceled && cls != ErrorClass::TooLarge &&
                 !job.contentDelivered && record.attempts <= m_retry.maxRetries &&
                 RetryPolicy::isRetryable(cls, record.httpStatus);
    std::optional<qint64> serverDelay;
    if (!record.ok && cls != ErrorClass::Canceled) {
        QByteArray shouldRetry, retryAfterMs, retryAfter;
        for (const auto& [name, value] : record.responseHeaders) {
            const QByteArray lower = name.toLower();
            if (lower == "x-should-retry")
                shouldRetry = value.trimmed().toLower();
            else if (lower == "retry-after-ms")
                retryAfterMs = value;
            else if (lower == "retry-after")
                retryAfter = value;
        }
        if (record.attempts <= m_retry.maxRetries && !job.contentDelivered) {
            if (shouldRetry == "true")
                retry = true;
            else if (shouldRetry == "false")
                retry = false;
        }
        serverDelay =
            RetryPolicy::serverDelayMs(retryAfterMs, retryAfter, QDateTime::currentDateTimeUtc());
    }

    if (retry) {
        const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(m_random);
        attempt.retryDelayMs = m_retry.delayMs(record.attempts, serverDelay, jitter);
        record.attemptLog.append(attempt);
        ++m_counters.retries;
        if (cls == ErrorClass::RateLimited)
            m_rateLimitPausedUntilUs =
                std::max(m_rateLimitPausedUntilUs, now + attempt.retryDelayMs * kUsPerMs);
        job.state = PoolJob::State::WaitingRetry;
        job.retryTimerId =
            startJobTimer(job, TimerKind::RetryWait, attempt.retryDelayMs, Qt::PreciseTimer);
    } else {
        record.attemptLog.append(attempt);
        finishJob(job);
    }
    dispatch();
    ensureMinIdle();
}

void ConnectionPool::finishJob(PoolJob& job) {
    job.state = PoolJob::State::Done;
    ++m_counters.requestsFinished;
    if (!job.record.ok)
        ++m_counters.requestsFailed;
    const quint64 id = job.id;
    const bool reported = job.request.reportContent;
    const RequestRecord record = std::move(job.record);
    m_jobs.erase(id);
    emit requestFinished(record);
    if (reported)
        emit reportedRequestFinished(record);
}

void ConnectionPool::releaseLane(PoolJob& job, bool connectionHealthy, bool serverClosing) {
    Lane* lane = job.lane;
    job.lane = nullptr;
    if (!lane)
        return;
    if (--lane->inFlight == 0)
        --m_activeLanes;
    --lane->group->inFlight;
    const bool hadStart = lane->connecting || lane->borrowing;
    const bool waitedForConnection = !lane->hasConnection && !lane->borrowing;
    lane->connecting = false;
    lane->borrowing = false;
    if (lane->group->shared && !lane->hasConnection && !hadStart &&
        !lane->group->connectStartsUs.empty()) {
        // Its connection never opened (refused, timed out): that start is over.
        if (job.record.timeline.connectStartAt == 0)
            job.record.timeline.connectStartAt = lane->group->connectStartsUs.front();
        lane->group->connectStartsUs.pop_front();
    }
    if (lane->group->shared && waitedForConnection) {
        // It ended before a connection carried it (refused, timed out, canceled): Qt may still
        // open one for it, counted by no one. The thread drains and closes, taking that along.
        drainGroup(*lane->group);
    }
    lane->lastReleasedAt = monotonicNowUs();
    // Qt has closed the connection itself (an error, an abort, or "Connection: close" either way)
    const bool closedAlready =
        !connectionHealthy || serverClosing || m_config.noPool || job.lastUse;
    if (closedAlready)
        lane->mustRetire = true;
    if (m_config.maxLifetimeMs > 0 && lane->hasConnection &&
        lane->lastReleasedAt - lane->connectionOpenedAt >= m_config.maxLifetimeMs * kUsPerMs)
        lane->mustRetire = true;
    if (!lane->mustRetire && int(m_lanes.size()) > std::max(1, m_config.maxConnections)) {
        // After a shrink, the pool keeps max connections: this one goes if enough others stay.
        const auto staying = std::count_if(m_lanes.begin(), m_lanes.end(),
                                           [](const auto& l) { return !l->mustRetire; });
        if (staying > std::max(1, m_config.maxConnections))
            lane->mustRetire = true;
    }
    if (!lane->hasConnection && lane->inFlight == 0)
        lane->mustRetire = true; // it never connected: nothing to keep
    if (lane->inFlight > 0)
        return;
    if (lane->mustRetire)
        retireLane(*lane, closedAlready || !lane->hasConnection);
    else if (lane->group->draining && lane->group->inFlight == 0)
        closeGroup(*lane->group);
    else
        scheduleHousekeeping(*lane);
}

void ConnectionPool::retireLane(Lane& lane, bool connectionGone) {
    NetworkGroup& group = *lane.group;
    if (connectionGone || group.lanes == 1) {
        dropLane(lane);
        if (group.lanes == 0 || (group.draining && group.inFlight == 0))
            closeGroup(group);
        return;
    }
    // Its thread's other connections close with it: the manager goes when the last request on
    // it ends (its idle connections may still carry one last request each, see pickLane).
    drainGroup(group);
    if (group.inFlight == 0)
        closeGroup(group);
}

void ConnectionPool::drainGroup(NetworkGroup& group) {
    group.draining = true;
    for (auto& lane : m_lanes) {
        if (lane->group == &group)
            lane->mustRetire = true;
    }
}

void ConnectionPool::dropLane(Lane& lane) {
    if (lane.hasConnection)
        ++m_counters.connectionsClosed;
    if (lane.housekeepingTimerId) {
        killTimer(lane.housekeepingTimerId);
        m_laneTimers.remove(lane.housekeepingTimerId);
    }
    --lane.group->lanes;
    const qint64 id = lane.id;
    m_lanes.erase(
        std::remove_if(m_lanes.begin(), m_lanes.end(), [id](const auto& l) { return l->id == id; }),
        m_lanes.end());
}

void ConnectionPool::closeGroup(NetworkGroup& group) {
    std::vector<Lane*> members;
    for (auto& lane : m_lanes) {
        if (lane->group == &group)
            members.push_back(lane.get());
    }
    for (Lane* lane : members)
        dropLane(*lane);
    // Destroying the manager closes its sockets at once; later, because a reply of this group
    // may still be delivering the signal we are handling.
    group.network->deleteLater();
    const NetworkGroup* target = &group;
    m_groups.erase(std::remove_if(m_groups.begin(), m_groups.end(),
                                  [target](const auto& g) { return g.get() == target; }),
                   m_groups.end());
}

void ConnectionPool::scheduleHousekeeping(Lane& lane, bool idleTimeoutToo) {
    const qint64 now = monotonicNowUs();
    qint64 due = std::numeric_limits<qint64>::max();
    if (m_config.idleTimeoutMs > 0 && idleTimeoutToo)
        due = std::min(due, lane.lastReleasedAt + m_config.idleTimeoutMs * kUsPerMs);
    if (m_config.maxLifetimeMs > 0 && lane.hasConnection)
        due = std::min(due, lane.connectionOpenedAt + m_config.maxLifetimeMs * kUsPerMs);
    // A timer already due no later stays: firing early only re-checks and re-arms.
    if (lane.housekeepingTimerId && lane.housekeepingDueUs <= due)
        return;
    if (lane.housekeepingTimerId) {
        killTimer(lane.housekeepingTimerId);
        m_laneTimers.remove(lane.housekeepingTimerId);
        lane.housekeepingTimerId = 0;
    }
    if (due == std::numeric_limits<qint64>::max())
        return;
    const qint64 waitMs = std::max<qint64>(0, (due - now + kUsPerMs - 1) / kUsPerMs);
    lane.housekeepingTimerId = startTimer(std::chrono::milliseconds(waitMs), Qt::PreciseTimer);
    lane.housekeepingDueUs = due;
    m_laneTimers.insert(lane.housekeepingTimerId, lane.id);
}

void ConnectionPool::laneHousekeeping(qint64 laneId) {
    Lane* found = laneById(laneId);
    if (!found)
        return;
    Lane& lane = *found;
    lane.housekeepingTimerId = 0;
    if (lane.inFlight > 0)
        return;
    const qint64 now = monotonicNowUs();
    const bool expired =
        m_config.maxLifetimeMs > 0 &&
        now - lane.connectionOpenedAt >= m_config.maxLifetimeMs * kUsPerMs - kUsPerMs;
    const bool idleTooLong =
        m_config.idleTimeoutMs > 0 &&
        now - lane.lastReleasedAt >= m_config.idleTimeoutMs * kUsPerMs - kUsPerMs;
    if (expired) {
        retireLane(lane, false);
        ensureMinIdle(); // a connection retired for age is replaced when min idle asks for it
        return;
    }
    if (!idleTooLong) {
        scheduleHousekeeping(lane);
        return;
    }
    // Idle too long. Its thread's connections close together: all of them must have idled out,
    // and min idle must still be met without them.
    const NetworkGroup& group = *lane.group;
    bool groupIdledOut = group.inFlight == 0;
    int available = 0;
    for (const auto& l : m_lanes) {
        available += l->isAvailable() ? 1 : 0;
        if (l->group == &group && l.get() != &lane)
            groupIdledOut = groupIdledOut &&
                            now - l->lastReleasedAt >= m_config.idleTimeoutMs * kUsPerMs - kUsPerMs;
    }
    if (available - group.lanes >= m_config.minIdle) {
        if (groupIdledOut) {
            retireLane(lane, false); // gone from here on, with its group
            ensureMinIdle();
            return;
        }
        // The group's last connection to idle out closes them all (its own timer); this one
        // still retires the group at its max lifetime.
        scheduleHousekeeping(lane, false);
        return;
    }
    // Kept for min idle: look again after the next idle period.
    lane.lastReleasedAt = now;
    scheduleHousekeeping(lane);
}

void ConnectionPool::ensureMinIdle() {
    if (m_config.noPool || m_config.minIdle <= 0 || m_endpoint.baseUrl.isEmpty())
        return;
    int idle = 0;
    for (const auto& lane : m_lanes)
        idle += lane->isAvailable() ? 1 : 0;
    const int max = std::max(1, m_config.maxConnections);
    while (idle < m_config.minIdle && int(m_lanes.size()) < max && m_pending.empty()) {
        openLane(true);
        ++idle;
    }
}

void ConnectionPool::trimToMax() {
    const int max = std::max(1, m_config.maxConnections);
    const auto staying = [this] {
        return int(std::count_if(m_lanes.begin(), m_lanes.end(),
                                 [](const auto& l) { return !l->mustRetire; }));
    };
    // Oldest idle connections go first; busy ones retire when their request ends.
    while (staying() > max) {
        Lane* victim = nullptr;
        for (auto& lane : m_lanes) {
            if (lane->isAvailable() && (!victim || lane->lastReleasedAt < victim->lastReleasedAt))
                victim = lane.get();
        }
        if (!victim)
            break;
        retireLane(*victim, false);
    }
    int excess = staying() - max;
    for (auto& lane : m_lanes) {
        if (excess <= 0)
            break;
        if (!lane->mustRetire) {
            lane->mustRetire = true;
            --excess;
        }
    }
}

// One timer serves every request's stall, total and leak deadlines. A timer per request made
// every start and end of a request cost a register and unregister in the thread's timer list,
// and with thousands of open streams every such operation (and each moveToThread() of a reply's
// internals, which scans that list) walked thousands of timers.
void ConnectionPool::armWatchdog(PoolJob& job) {
    job.watchdogDueUs = 0;
    const qint64 now = monotonicNowUs();
    qint64 due = std::numeric_limits<qint64>::max();
    if (m_config.totalTimeoutMs > 0)
        due = std::min(due, job.attemptStartUs + m_config.totalTimeoutMs * kUsPerMs);
    if (m_config.readTimeoutMs > 0) {
        const qint64 lastActivity =
            std::max({job.lastByteUs, job.record.timeline.sentAt, job.attemptStartUs});
        due = std::min(due, lastActivity + m_config.readTimeoutMs * kUsPerMs);
    }
    if (m_config.leakThresholdMs > 0 && !job.leakReported)
        due = std::min(due, job.record.timeline.acquiredAt + m_config.leakThresholdMs * kUsPerMs);
    if (due == std::numeric_limits<qint64>::max())
        return;
    job.watchdogDueUs = due;
    armWatchdogTimer(due, now);
}

void ConnectionPool::armWatchdogTimer(qint64 dueUs, qint64 nowUs) {
    if (m_watchdogTimer.isActive() && m_watchdogDueUs <= dueUs)
        return; // it fires early enough already
    const qint64 waitMs = std::max<qint64>(1, (dueUs - nowUs + kUsPerMs - 1) / kUsPerMs);
    m_watchdogTimer.start(int(std::min<qint64>(waitMs, std::numeric_limits<int>::max())),
                          Qt::CoarseTimer, this);
    m_watchdogDueUs = dueUs;
}

void ConnectionPool::runWatchdogs() {
    m_watchdogTimer.stop();
    const qint64 now = monotonicNowUs();
    std::vector<quint64> due;
    for (const auto& [id, j] : m_jobs) {
        if (j->watchdogDueUs != 0 && j->watchdogDueUs <= now)
            due.push_back(id);
    }
    std::sort(due.begin(), due.end());
    for (quint64 id : due) {
        // an earlier one's abort may have ended or restarted this one
        if (PoolJob* j = job(id); j && j->watchdogDueUs != 0 && j->watchdogDueUs <= now)
            watchdog(*j);
    }
    // A timer that fired early (it is coarse) or requests that ended leave the rest for later.
    const qint64 after = monotonicNowUs();
    for (const auto& [id, j] : m_jobs) {
        if (j->watchdogDueUs != 0)
            armWatchdogTimer(j->watchdogDueUs, after);
    }
}

void ConnectionPool::watchdog(PoolJob& job) {
    job.watchdogDueUs = 0;
    if (job.state != PoolJob::State::Active)
        return;
    const qint64 now = monotonicNowUs();
    if (m_config.totalTimeoutMs > 0 &&
        now - job.attemptStartUs >= m_config.totalTimeoutMs * kUsPerMs) {
        abortAttempt(job, ErrorClass::TotalTimeout,
                     u"no complete response within "_s + msText(m_config.totalTimeoutMs));
        return;
    }
    const qint64 lastActivity =
        std::max({job.lastByteUs, job.record.timeline.sentAt, job.attemptStartUs});
    if (m_config.readTimeoutMs > 0 && now - lastActivity >= m_config.readTimeoutMs * kUsPerMs) {
        abortAttempt(job, ErrorClass::StallTimeout,
                     u"no data for "_s + msText(m_config.readTimeoutMs) + u" (stalled)"_s);
        return;
    }
    const qint64 held = now - job.record.timeline.acquiredAt;
    if (m_config.leakThresholdMs > 0 && !job.leakReported &&
        held >= m_config.leakThresholdMs * kUsPerMs) {
        job.leakReported = true;
        ++m_counters.leaks;
        qCWarning(lcPool).noquote()
            << "possible leak:" << job.record.requestId << "has held connection"
            << job.record.connectionId << "for" << held / kUsPerMs << "ms";
        emit leakSuspected(job.id, job.record.requestId, held / kUsPerMs);
    }
    armWatchdog(job);
}

int ConnectionPool::startJobTimer(PoolJob& job, TimerKind kind, qint64 ms, Qt::TimerType type) {
    const int id = startTimer(std::chrono::milliseconds(std::max<qint64>(0, ms)), type);
    m_jobTimers.insert(id, {job.id, kind});
    return id;
}

void ConnectionPool::stopJobTimer(int& timerId) {
    if (timerId == 0)
        return;
    killTimer(timerId);
    m_jobTimers.remove(timerId);
    timerId = 0;
}

void ConnectionPool::timerEvent(QTimerEvent* event) {
    const int timerId = event->timerId();
    if (timerId == m_watchdogTimer.timerId()) {
        runWatchdogs();
        return;
    }
    if (timerId == m_rateLimitTimerId) {
        killTimer(timerId);
        m_rateLimitTimerId = 0;
        dispatch();
        return;
    }
    if (auto lane = m_laneTimers.find(timerId); lane != m_laneTimers.end()) {
        const qint64 laneId = lane.value();
        m_laneTimers.erase(lane);
        killTimer(timerId);
        laneHousekeeping(laneId);
        return;
    }
    auto found = m_jobTimers.find(timerId);
    if (found == m_jobTimers.end()) {
        killTimer(timerId);
        return;
    }
    const TimerTarget target = found.value();
    m_jobTimers.erase(found);
    killTimer(timerId);
    PoolJob* j = job(target.jobId);
    if (!j)
        return;
    switch (target.kind) {
    case TimerKind::Acquire: {
        j->acquireTimerId = 0;
        if (j->state != PoolJob::State::Pending)
            return;
        m_pending.erase(std::remove(m_pending.begin(), m_pending.end(), j->id), m_pending.end());
        ++m_counters.acquireTimeouts;
        j->record.errorClass = ErrorClass::AcquireTimeout;
        j->record.error = u"no connection became free within "_s +
                          msText(m_config.acquireTimeoutMs) + u" (max connections "_s +
                          QString::number(m_config.maxConnections) + u", all busy)"_s;
        j->record.queueUs += monotonicNowUs() - j->pendingSinceUs;
        j->record.timeline.finishedAt = monotonicNowUs();
        finishJob(*j);
        return;
    }
    case TimerKind::Connect:
        j->connectTimerId = 0;
        if (j->state == PoolJob::State::Active)
            abortAttempt(*j, ErrorClass::ConnectTimeout,
                         u"no connection within "_s + msText(m_config.connectTimeoutMs));
        return;
    case TimerKind::RetryWait:
        j->retryTimerId = 0;
        if (j->state != PoolJob::State::WaitingRetry)
            return;
        j->state = PoolJob::State::Pending;
        j->pendingSinceUs = monotonicNowUs();
        m_pending.push_back(j->id);
        if (m_config.acquireTimeoutMs > 0)
            j->acquireTimerId =
                startJobTimer(*j, TimerKind::Acquire, m_config.acquireTimeoutMs, Qt::PreciseTimer);
        dispatch();
        return;
    case TimerKind::RateLimit:
        return;
    }
}

bool ConnectionPool::rateLimitAllows(const PoolJob& job) {
    const qint64 now = monotonicNowUs();
    qint64 wakeAt = 0;
    if (now < m_rateLimitPausedUntilUs)
        wakeAt = m_rateLimitPausedUntilUs;
    constexpr qint64 minuteUs = 60 * 1000 * kUsPerMs;
    while (!m_recentStartsUs.empty() && m_recentStartsUs.front() <= now - minuteUs)
        m_recentStartsUs.pop_front();
    while (!m_recentTokens.empty() && m_recentTokens.front().first <= now - minuteUs) {
        m_recentTokenSum -= m_recentTokens.front().second;
        m_recentTokens.pop_front();
    }
    if (wakeAt == 0 && m_config.requestsPerMinute > 0 &&
        double(m_recentStartsUs.size()) >= m_config.requestsPerMinute)
        wakeAt = m_recentStartsUs.front() + minuteUs;
    if (wakeAt == 0 && m_config.tokensPerMinute > 0 && m_recentTokenSum > 0 &&
        double(m_recentTokenSum + job.estimatedTokens) > m_config.tokensPerMinute)
        wakeAt = m_recentTokens.front().first + minuteUs;
    if (wakeAt == 0)
        return true;
    if (m_rateLimitTimerId == 0) {
        const qint64 waitMs = std::max<qint64>(1, (wakeAt - now + kUsPerMs - 1) / kUsPerMs);
        m_rateLimitTimerId = startTimer(std::chrono::milliseconds(waitMs), Qt::PreciseTimer);
    }
    return false;
}

void ConnectionPool::readRateLimitHeaders(QNetworkReply* reply) {
    auto number = [reply](const char* name, double* out) {
        const QByteArray value = reply->rawHeader(name);
        bool ok = false;
        *out = value.trimmed().toDouble(&ok);
        return ok && !value.isEmpty();
    };
    double remaining = 0, limit = 0;
    if ((number("x-ratelimit-remaining-requests", &remaining) &&
         number("x-ratelimit-limit-requests", &limit)) ||
        (number("anthropic-ratelimit-requests-remaining", &remaining) &&
         number("anthropic-ratelimit-requests-limit", &limit))) {
        if (limit > 0)
            m_headroom = std::clamp(remaining / limit, 0.0, 1.0);
    }
}

PoolSnapshot ConnectionPool::snapshot() const {
    PoolSnapshot s = m_counters;
    s.takenAtUs = monotonicNowUs();
    s.max = m_config.maxConnections;
    s.minIdle = m_config.minIdle;
    s.total = int(m_lanes.size());
    for (const auto& lane : m_lanes) {
        if (lane->inFlight > 0)
            ++s.active;
        else
            ++s.idle;
        s.inFlight += lane->inFlight;
        if (lane->http2)
            s.streamsPerHttp2Connection.append(lane->inFlight);
    }
    for (const auto& [id, j] : m_jobs) {
        if (j->state == PoolJob::State::Pending)
            ++s.pending;
        else if (j->state == PoolJob::State::WaitingRetry)
            ++s.waitingRetry;
    }
    s.rateLimitHeadroom = m_headroom;
    return s;
}

void ConnectionPool::resetHighWaterMarks() {
    const PoolSnapshot now = snapshot();
    m_counters.maxActive = now.active;
    m_counters.maxPending = now.pending;
}

void ConnectionPool::emitSnapshot() {
    emit snapshotReady(snapshot());
}

} // namespace poolscope
