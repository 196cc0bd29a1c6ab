#include "simulatorthread.h"

#include "epolleventdispatcher.h"
#include "simserver.h"

#include <QThread>

using namespace Qt::StringLiterals;

namespace poolscope::sim {

SimulatorThread::SimulatorThread(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_server(new SimServer) {
    m_thread->setObjectName(u"simulator"_s);
    // The server's sockets and timers belong to its thread: destroy it there, as it finishes.
    connect(m_thread, &QThread::finished, m_server, &QObject::deleteLater);
}

SimulatorThread::~SimulatorThread() {
    if (m_thread->isRunning()) {
        m_thread->quit();
        m_thread->wait();
    } else {
        delete m_server; // never started: it still lives here
    }
}

bool SimulatorThread::enableTls(const QString& certificateDirectory, QString* error) {
    if (m_started) {
        if (error)
            *error = u"enableTls() must come before start()"_s;
        return false;
    }
    return m_server->enableTls(certificateDirectory, error);
}

QByteArray SimulatorThread::certificatePem() const {
    return m_server->certificatePem();
}

bool SimulatorThread::start(const SimConfig& config, quint16 port, QString* error) {
    if (m_started) {
        if (error)
            *error = u"the simulator is already started"_s;
        return false;
    }
    m_started = true;
    m_server->setConfig(config);
    m_server->moveToThread(m_thread);
    // Set here, not in the constructor: a thread never started would leak it.
    if (auto* dispatcher = EpollEventDispatcher::create())
        m_thread->setEventDispatcher(dispatcher); // scales to thousands of sockets
    m_thread->start();
    bool ok = false;
    QString message;
    SimServer* server = m_server;
    QMetaObject::invokeMethod(
        m_server,
        [server, port, &ok, &message] {
            ok = server->start(QHostAddress::LocalHost, port, &message);
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        if (error)
            *error = message;
        return false;
    }
    m_baseUrl = m_server->baseUrl();
    return true;
}

QUrl SimulatorThread::baseUrl() const {
    return m_baseUrl;
}

quint16 SimulatorThread::port() const {
    return static_cast<quint16>(m_baseUrl.port(0));
}

void SimulatorThread::setConfig(const SimConfig& config) {
    m_server->setConfig(config);
}

SimConfig SimulatorThread::config() const {
    return m_server->config();
}

SimStats SimulatorThread::stats() const {
    return m_server->stats();
}

QList<TruthRecord> SimulatorThread::truth() const {
    return m_server->truth();
}

bool SimulatorThread::setLogFile(const QString& path, QString* error) {
    return m_server->setLogFile(path, error);
}

} // namespace poolscope::sim
