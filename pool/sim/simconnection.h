#pragma once

#include "httprequestparser.h"
#include "ratelimiter.h"
#include "simchatrequest.h"
#include "simconfig.h"
#include "simwireformat.h"
#include "truthrecord.h"
#include "wordsource.h"

#include <QByteArray>

#include <optional>

class QTcpSocket;

namespace poolscope::sim {

class SimWorker;

// One accepted connection and the request it is answering. Deliberately not a QObject: the
// worker routes the socket's signals and one shared timer schedule to it, so a connection
// costs its socket and this plain object, nothing more.
//
// Lifetime: the worker owns it until its socket is destroyed; the socket is deleteLater()'d
// on close, so the object outlives every call that might be on the stack when the socket
// closes (writes can emit disconnected() synchronously).
class SimConnection {
public:
    SimConnection(SimWorker& worker, QTcpSocket* socket, quint64 id, const SimConfig& config);
    ~SimConnection();
    SimConnection(const SimConnection&) = delete;
    SimConnection& operator=(const SimConnection&) = delete;

    quint64 id() const { return m_id; }
    QTcpSocket* socket() const { return m_socket; }

    void onReadyRead();
    void onDisconnected();
    void onWake(); // the time asked for with SimWorker::wakeAt() has come
    void onSlotGranted(quint64 requestNumber);
    // The server stops: log the request under way as abandoned and forget the socket.
    void shutdown();

private:
    friend class SimWorker;
    enum class Phase { Idle, ConnectCost, Queued, Responding, Stalled, Closing };
    enum class Route { Chat, Models, Health, NotFound, MethodNotAllowed, BadBody };
    enum class Fault { None, Error, Reset, Stall, Malformed };

    struct Request {
        TruthRecord truth;
        quint64 number = 0;
        SimConfig config;
        Route route = Route::NotFound;
        const SimWireFormat* format = nullptr;
        SimChatRequest chat;
        QByteArray requestId;
        QByteArray badBodyMessage;
        QByteArray allow; // for 405
        bool closeAfter = false;
        bool http10 = false;
        bool slotHeld = false;
        qint64 queuedSinceUs = 0;
        RateLimitState limits;
        // The response plan, fixed when it starts.
        qint64 firstTokenDueUs = 0;
        double intervalUs = 0;
        int tokens = 0;
        bool stoppedByLength = false;
        Fault fault = Fault::None;
        int faultAt = 0; // token index where the fault strikes
        int sent = 0;    // tokens written
        bool streaming = false;
        bool chunked = false;
        bool headersSent = false;
        bool streamCounted = false; // counted in SimStats::openStreams
        std::optional<WordSource> words;
        ResponseContext context;
    };

    void pump();
    void handleRequest(HttpRequest&& http);
    void proceed();
    void startResponse();
    void step();
    void scheduleStep(qint64 dueUs);
    void stepStream(qint64 nowUs);
    void stepComplete(qint64 nowUs);
    void beginStall(qint64 nowUs);
    qint64 tokenDueUs(int index) const;

    void respondSimple(int status, const QByteArray& contentType, const QByteArray& body,
                       const QByteArray& extraHeaders = {});
    void respondError(int status, QByteArrayView message, const QByteArray& extraHeaders = {});
    void respondProtocolError(int status, const QByteArray& message);
    QByteArray head(int status, QByteArrayView contentType, qint64 contentLength,
                    const QByteArray& extraHeaders, qsizetype room = 0) const;
    bool send(const QByteArray& data); // false when the connection is gone afterwards
    bool sendChunk(const QByteArray& payload);

    void finishRequest(qint64 lastByteUs);
    void abandonRequest(int status);
    void releaseRequestResources();
    void becomeIdle();
    void resetConnection();
    void closeGracefully();
    void armIdleTimer(int idleMs);

    // Scheduling state kept by SimWorker (see SimWorker::wakeAt).
    qint64 m_wakeDueUs = -1;      // when this connection wants onWake(); -1 = never
    qint64 m_scheduledDueUs = -1; // its earliest entry in the worker's heap; -1 = none

    SimWorker& m_worker;
    QTcpSocket* m_socket;
    const quint64 m_id;
    const bool m_directWrites; // plain TCP: writes may bypass QTcpSocket's buffer
    Phase m_phase = Phase::Idle;
    bool m_closed = false;
    bool m_pumping = false;
    bool m_active = false; // m_request describes a request being answered
    int m_requestsServed = 0;
    int m_idleMs = 0;
    QByteArray m_in;
    HttpRequestParser m_parser;
    Request m_request;
};

} // namespace poolscope::sim
