#pragma once

#include "chatrequest.h"
#include "endpoint.h"
#include "lane.h"
#include "poolconfig.h"
#include "poolsnapshot.h"
#include "providercodec.h"
#include "requestrecord.h"
#include "retrypolicy.h"

#include <QBasicTimer>
#include <QHash>
#include <QNetworkRequest>
#include <QObject>
#include <QSslConfiguration>

#include <atomic>
#include <deque>
#include <memory>
#include <random>
#include <unordered_map>
#include <vector>

class QNetworkReply;
class QTimer;

namespace poolscope {

class ProviderCodec;
struct PoolJob;

// A HikariCP-style pool of HTTP connections on QNetworkAccessManager lanes (see lane.h).
// Lives on a thread of its own (PoolHost); every method must be called on that thread except
// reserveId(). Waiting happens in the pool's own FIFO with the acquire timeout, so every wait is
// measured and Qt never queues a request invisibly.
class ConnectionPool : public QObject {
    Q_OBJECT
public:
    explicit ConnectionPool(const Endpoint& endpoint, const PoolConfig& config,
                            QObject* parent = nullptr);
    ~ConnectionPool() override;

    // Thread-safe: an id to pass to submit(), so a caller on another thread knows it at once.
    quint64 reserveId();

    // Queues one request; it ends with exactly one requestFinished(). intendedStartUs (open-loop
    // arrivals) is when the request should have started; latencies count from it.
    void submit(quint64 id, const ChatRequest& request, qint64 intendedStartUs = 0);
    quint64 submit(const ChatRequest& request);
    void cancel(quint64 id);
    void cancelAll();

    // Live changes: a smaller max lets in-flight requests finish, then retires connections.
    void setConfig(const PoolConfig& config);
    PoolConfig config() const { return m_config; }
    void setEndpoint(const Endpoint& endpoint); // new requests only; idle connections retire
    Endpoint endpoint() const { return m_endpoint; }

    PoolSnapshot snapshot() const;
    // Starts max active / max pending afresh (a new run measures its own high-water marks).
    void resetHighWaterMarks();
    void setSnapshotInterval(int ms); // 0 stops the periodic snapshotReady

signals:
    void requestFinished(const poolscope::RequestRecord& record);
    void contentReceived(quint64 id, const QString& delta); // ChatRequest::reportContent only
    // The end of a ChatRequest::reportContent request, also sent as requestFinished: a chat
    // waits for its answers here without receiving every record of a batch on its thread.
    void reportedRequestFinished(const poolscope::RequestRecord& record);
    void snapshotReady(const poolscope::PoolSnapshot& snapshot);
    void leakSuspected(quint64 id, const QString& requestId, qint64 heldMs);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    enum class TimerKind { Acquire, Connect, RetryWait, RateLimit };

    void dispatch();
    Lane* pickLane();
    Lane* openLane(bool warm);
    NetworkGroup& groupForNewLane(bool warm);
    Lane* laneById(qint64 id);
    void startAttempt(PoolJob& job, Lane& lane);
    void wireReply(PoolJob& job, QNetworkReply* reply);
    void onConnecting(quint64 jobId);
    void noteGroupConnecting(NetworkGroup& group, qint64 now);
    void markEstablished(PoolJob& job, Lane& lane, qint64 now);
    void onEncrypted(quint64 jobId);
    // The lane's protocol is known (from ALPN or the first response): an HTTP/2 lane takes up
    // to maxStreamsPerConnection streams, and waiting requests start on it at once.
    void learnProtocol(Lane& lane, bool http2);
    // The job whose current attempt this reply is; none for a reply of an ended attempt.
    PoolJob* jobOfCurrentReply(quint64 id, const QNetworkReply* reply);
    bool awaitingProtocol() const;
    void forgetProtocol();
    void onSent(quint64 jobId);
    void onHeaders(quint64 jobId);
    void onReadyRead(quint64 jobId);
    void onReplyFinished(quint64 jobId);
    void abortAttempt(PoolJob& job, ErrorClass why, const QString& message);
    void endAttempt(PoolJob& job, ErrorClass cls, const QString& error, bool connectionHealthy);
    void finishJob(PoolJob& job);
    void releaseLane(PoolJob& job, bool connectionHealthy, bool serverClosing);
    // Ends the lane's connection: at once if Qt has closed it already (connectionGone) or the
    // lane has its thread to itself, otherwise by draining the lane's whole group.
    void retireLane(Lane& lane, bool connectionGone);
    void retireEveryLane(bool busyOnesToo); // idle ones now; busy ones after their request
    void dropLane(Lane& lane);              // forgets it (the group's manager stays)
    void closeGroup(NetworkGroup& group);
    void drainGroup(NetworkGroup& group); // no new lanes; every lane of it retires   // every lane
                                          // of it; its manager closes their sockets
    void scheduleHousekeeping(Lane& lane, bool idleTimeoutToo = true);
    void laneHousekeeping(qint64 laneId);
    void ensureMinIdle();
    void trimToMax();
    void armWatchdog(PoolJob& job);
    void armWatchdogTimer(qint64 dueUs, qint64 nowUs);
    void runWatchdogs();
    void watchdog(PoolJob& job);
    int startJobTimer(PoolJob& job, TimerKind kind, qint64 ms, Qt::TimerType type);
    void stopJobTimer(int& timerId);
    bool rateLimitAllows(const PoolJob& job);
    void readRateLimitHeaders(QNetworkReply* reply);
    struct RequestTemplate {
        bool https = false;
        bool offersHttp2 = false; // Http2AllowedAttribute
        HeaderList headers;       // the codec's headers it was made for
        RecordHeaders redacted;   // the same as a record shows them
        QNetworkRequest request;
    };
    const RequestTemplate& requestTemplate(const HttpRequestSpec& spec, bool offersHttp2);
    QNetworkRequest buildRequest(const PoolJob& job, const Lane& lane);
    void emitSnapshot();
    PoolJob* job(quint64 id);

    Endpoint m_endpoint;
    PoolConfig m_config;
    std::unique_ptr<ProviderCodec> m_codec;
    QSslConfiguration m_ssl;
    RetryPolicy m_retry;
    std::mt19937_64 m_random;

    std::atomic<quint64> m_nextId{1};
    qint64 m_nextLaneId = 1;
    qint64 m_nextConnectionId = 1;
    std::vector<std::unique_ptr<NetworkGroup>> m_groups;
    std::vector<std::unique_ptr<Lane>> m_lanes;
    bool m_http1Learned = false;        // a server chose HTTP/1.1 (see connectionsPerThread())
    bool m_http2Learned = false;        // a server chose h2 by ALPN
    bool m_protocolProbeFailed = false; // a first connection ended before its ALPN answer
    std::unordered_map<quint64, std::unique_ptr<PoolJob>> m_jobs;
    std::deque<quint64> m_pending;
    struct TimerTarget {
        quint64 jobId;
        TimerKind kind;
    };
    QHash<int, TimerTarget> m_jobTimers;
    QHash<int, qint64> m_laneTimers;
    QTimer* m_snapshotTimer = nullptr;
    QBasicTimer m_watchdogTimer; // the earliest watchdog deadline of all active requests
    qint64 m_watchdogDueUs = 0;
    int m_activeLanes = 0; // lanes carrying at least one request
    int m_rateLimitTimerId = 0;
    std::deque<qint64> m_recentStartsUs;                  // for the requests-per-minute limit
    std::deque<std::pair<qint64, qint64>> m_recentTokens; // (start, estimated tokens)
    qint64 m_recentTokenSum = 0;
    double m_headroom = -1;
    qint64 m_rateLimitPausedUntilUs = 0;             // a 429 pauses new starts
    PoolSnapshot m_counters;                         // the cumulative part of the snapshot
    std::vector<RequestTemplate> m_requestTemplates; // per endpoint and config (see buildRequest)
};

} // namespace poolscope
