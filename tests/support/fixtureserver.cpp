#include "fixtureserver.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

QByteArray FixtureServer::Received::header(const QByteArray& name) const {
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

FixtureServer::FixtureServer(QObject* parent)
    : QObject(parent) {
    connect(&m_server, &QTcpServer::newConnection, this, &FixtureServer::onConnection);
    m_responder = [](const Received&) {
        return json("{}");
    };
}

bool FixtureServer::start() {
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl FixtureServer::baseUrl() const {
    return QUrl(u"http://127.0.0.1:"_s + QString::number(m_server.serverPort()) + u"/v1"_s);
}

void FixtureServer::setResponder(std::function<Response(const Received&)> responder) {
    m_responder = std::move(responder);
}

void FixtureServer::setResponse(const Response& response) {
    m_responder = [response](const Received&) {
        return response;
    };
}

FixtureServer::Response FixtureServer::json(const QByteArray& body, int status) {
    Response r;
    r.status = status;
    r.reason = status == 200 ? "OK" : "Error";
    r.headers = {{"Content-Type", "application/json"}};
    r.body = body;
    return r;
}

FixtureServer::Response FixtureServer::sse(const QByteArray& body, int pieceSize) {
    Response r;
    r.headers = {{"Content-Type", "text/event-stream"}};
    r.body = body;
    r.chunked = true;
    r.pieceSize = pieceSize;
    return r;
}

void FixtureServer::onConnection() {
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        ++m_accepted;
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            buffer->append(socket->readAll());
            const qsizetype headerEnd = buffer->indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            Received request;
            const QList<QByteArray> lines = buffer->left(headerEnd).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            request.method = first.value(0);
            request.path = first.value(1);
            qsizetype length = 0;
            for (const QByteArray& line : lines.mid(1)) {
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                const QByteArray name = line.left(colon).trimmed();
                const QByteArray value = line.mid(colon + 1).trimmed();
                request.headers.append({name, value});
                if (name.compare("content-length", Qt::CaseInsensitive) == 0)
                    length = value.toLongLong();
            }
            if (buffer->size() < headerEnd + 4 + length)
                return;
            request.body = buffer->mid(headerEnd + 4, length);
            buffer->remove(0, headerEnd + 4 + length);
            m_received.append(request);
            const Response response = m_responder(request);
            if (!response.rawResponse.isEmpty()) {
                socket->write(response.rawResponse);
                socket->disconnectFromHost();
                return;
            }
            QByteArray head =
                "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + response.reason + "\r\n";
            for (const auto& [name, value] : response.headers)
                head += name + ": " + value + "\r\n";
            head += response.chunked
                        ? QByteArray("Transfer-Encoding: chunked\r\n")
                        : "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
            head += "\r\n";
            socket->write(head);
            if (response.stallAfterHeaders)
                return;
            QByteArray body = response.body;
            bool cut = false;
            if (response.truncateAfter >= 0 && response.truncateAfter < body.size()) {
                body.truncate(response.truncateAfter);
                cut = true;
            }
            QList<QByteArray> pieces;
            const int size = response.pieceSize > 0 ? response.pieceSize : int(body.size());
            for (qsizetype at = 0; at < body.size(); at += size)
                pieces.append(body.mid(at, size));
            auto frame = [chunked = response.chunked](const QByteArray& piece) {
                return chunked ? QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n"
                               : piece;
            };
            auto finish = [socket, cut, chunked = response.chunked] {
                if (cut) {
                    socket->abort(); // a reset mid-body
                    return;
                }
                if (chunked)
                    socket->write("0\r\n\r\n");
            };
            if (response.pieceDelayMs <= 0) {
                for (const QByteArray& piece : pieces)
                    socket->write(frame(piece));
                finish();
                return;
            }
            auto* timer = new QTimer(socket);
            auto index = std::make_shared<int>(0);
            connect(timer, &QTimer::timeout, socket, [=] {
                if (*index < pieces.size()) {
                    socket->write(frame(pieces[(*index)++]));
                    return;
                }
                timer->stop();
                finish();
            });
            timer->start(response.pieceDelayMs);
        });
    }
}
