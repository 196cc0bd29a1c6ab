#include "simworker.h"

#include "monotonicclock.h"
#include "simconnection.h"
#include "simserver.h"
#include "simstate.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <QTimerEvent>

#include <algorithm>
#include <functional>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <unistd.h>
#endif

namespace poolscope::sim {

namespace {
// Wake-ups this close together are served by one timer expiry.
constexpr qint64 kSlackUs = 250;
} // namespace

SimWorker::SimWorker(SimState& state, SimServer* server, QObject* parent)
    : QObject(parent)
    , m_state(state)
    , m_server(server) {}

SimWorker::~SimWorker() {
    shutdown();
}

void SimWorker::setTls(const QSslConfiguration& configuration) {
    m_tls = configuration;
}

const SimWireFormat& SimWorker::format(SimApi api) const {
    if (api == SimApi::Anthropic)
        return m_anthropic;
    return m_openAi;
}

void SimWorker::addConnection(qintptr descriptor) {
    QTcpSocket* socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
#ifdef Q_OS_WIN
        ::closesocket(SOCKET(descriptor));
#else
        ::close(static_cast<int>(descriptor));
#endif
        delete socket;
        return;
    }
    // Tokens are small writes that must leave at once, not wait for Nagle.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_tls) {
        auto* ssl = static_cast<QSslSocket*>(socket);
        ssl->setSslConfiguration(*m_tls);
        ssl->startServerEncryption();
    }
    const quint64 id = m_state.nextConnectionId();
    const SimConfig config = m_state.connectionOpened();
    auto owned = std::make_unique<SimConnection>(*this, socket, id, config);
    SimConnection* connection = owned.get();
    m_connections.emplace(id, std::move(owned));
    connect(socket, &QIODevice::readyRead, this, [connection] { connection->onReadyRead(); });
    connect(socket, &QAbstractSocket::disconnected, this,
            [connection] { connection->onDisconnected(); });
    connect(socket, &QAbstractSocket::errorOccurred, this, [connection, socket] {
        // Some errors (a reset by the peer) end the connection without a disconnected().
        if (socket->state() == QAbstractSocket::UnconnectedState)
            connection->onDisconnected();
    });
    // The connection object lives exactly as long as its socket.
    connect(socket, &QObject::destroyed, this, [this, id] { m_connections.erase(id); });
    if (socket->bytesAvailable() > 0)
        connection->onReadyRead();
}

void SimWorker::connectionClosed(SimConnection& connection) {
    m_state.connectionClosed();
    connection.socket()->deleteLater();
}

void SimWorker::grantSlot(quint64 connectionId, quint64 requestNumber) {
    const auto it = m_connections.find(connectionId);
    if (it == m_connections.end()) {
        m_state.releaseSlot(); // the connection is gone: pass the slot on
        return;
    }
    it->second->onSlotGranted(requestNumber);
}

void SimWorker::logged(const TruthRecord& record) {
    if (m_server)
        emit m_server->requestLogged(record);
}

void SimWorker::shutdown() {
    m_timer.stop();
    m_wakes.clear();
    // Detach first: destroying a socket must not erase from the map being walked.
    std::unordered_map<quint64, std::unique_ptr<SimConnection>> connections;
    connections.swap(m_connections);
    for (auto& [id, connection] : connections) {
        QTcpSocket* socket = connection->socket();
        disconnect(socket, nullptr, this, nullptr);
        const bool wasOpen = socket->state() != QAbstractSocket::UnconnectedState;
        connection->shutdown();
        if (wasOpen)
            m_state.connectionClosed();
        delete socket;
    }
}

void SimWorker::wakeAt(SimConnection& connection, qint64 dueUs) {
    connection.m_wakeDueUs = dueUs;
    // A heap entry at or before the wanted time already exists: when it fires it re-files
    // itself for the later time. Pushing only earlier times keeps stale entries rare, e.g. a
    // keep-alive timer re-armed by every request costs nothing.
    if (connection.m_scheduledDueUs >= 0 && connection.m_scheduledDueUs <= dueUs)
        return;
    connection.m_scheduledDueUs = dueUs;
    m_wakes.push_back({dueUs, connection.id()});
    std::push_heap(m_wakes.begin(), m_wakes.end(), std::greater<>());
    armTimer();
}

void SimWorker::cancelWake(SimConnection& connection) {
    connection.m_wakeDueUs = -1;
}

void SimWorker::armTimer() {
    if (m_dispatching || m_wakes.empty())
        return;
    const qint64 due = m_wakes.front().dueUs;
    if (m_timer.isActive() && m_timerDueUs <= due)
        return;
    // Round up: waking early would only mean waking twice.
    const qint64 waitUs = std::max<qint64>(0, due - monotonicNowUs() - kSlackUs);
    const int waitMs = static_cast<int>(std::min<qint64>((waitUs + 999) / 1000, 1 << 30));
    m_timer.start(waitMs, Qt::PreciseTimer, this);
    m_timerDueUs = due;
}

void SimWorker::timerEvent(QTimerEvent* event) {
    if (event->timerId() != m_timer.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    m_timer.stop();
    m_timerDueUs = -1;
    m_dispatching = true;
    qint64 now = monotonicNowUs();
    while (!m_wakes.empty() && m_wakes.front().dueUs <= now + kSlackUs) {
        const Wake wake = m_wakes.front();
        std::pop_heap(m_wakes.begin(), m_wakes.end(), std::greater<>());
        m_wakes.pop_back();
        const auto it = m_connections.find(wake.connectionId);
        if (it == m_connections.end())
            continue;
        SimConnection& connection = *it->second;
        if (connection.m_scheduledDueUs != wake.dueUs)
            continue; // superseded by an earlier entry
        connection.m_scheduledDueUs = -1;
        if (connection.m_wakeDueUs < 0)
            continue; // cancelled
        if (connection.m_wakeDueUs > now + kSlackUs) {
            // Moved later since this entry was filed: file it again.
            connection.m_scheduledDueUs = connection.m_wakeDueUs;
            m_wakes.push_back({connection.m_wakeDueUs, wake.connectionId});
            std::push_heap(m_wakes.begin(), m_wakes.end(), std::greater<>());
            continue;
        }
        connection.m_wakeDueUs = -1;
        connection.onWake();
        now = monotonicNowUs();
    }
    m_dispatching = false;
    armTimer();
}

} // namespace poolscope::sim
