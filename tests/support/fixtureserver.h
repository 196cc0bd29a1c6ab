#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QUrl>

#include <functional>

// A small HTTP/1.1 server for tests on 127.0.0.1 that answers every request with a scripted
// response: canned bodies, streams dripped in pieces, and broken behaviour on purpose.
class FixtureServer : public QObject {
    Q_OBJECT
public:
    struct Response {
        int status = 200;
        QByteArray reason = "OK";
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        bool chunked = false;           // Transfer-Encoding: chunked, one chunk per piece
        int pieceSize = 0;              // > 0: send the body in pieces of this many bytes
        int pieceDelayMs = 0;           // between pieces
        int truncateAfter = -1;         // >= 0: close the socket after this many body bytes
        bool stallAfterHeaders = false; // send the headers, then nothing
        QByteArray rawResponse;         // non-empty: written as is instead of all of the above
    };
    struct Received {
        QByteArray method;
        QByteArray path;
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QByteArray header(const QByteArray& name) const;
    };

    explicit FixtureServer(QObject* parent = nullptr);
    bool start();
    QUrl baseUrl() const; // http://127.0.0.1:PORT/v1
    void setResponder(std::function<Response(const Received&)> responder);
    void setResponse(const Response& response);
    const QList<Received>& received() const { return m_received; }
    int connectionsAccepted() const { return m_accepted; }

    static Response json(const QByteArray& body, int status = 200);
    static Response sse(const QByteArray& body, int pieceSize = 0);

private:
    void onConnection();
    QTcpServer m_server;
    std::function<Response(const Received&)> m_responder;
    QList<Received> m_received;
    int m_accepted = 0;
};
