#include "simserver.h"

#include "epolleventdispatcher.h"
#include "selfsignedcertificate.h"
#include "simlistener.h"
#include "simstate.h"
#include "simworker.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QThread>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace poolscope::sim {

SimServer::SimServer(QObject* parent)
    : QObject(parent)
    , m_state(std::make_unique<SimState>()) {
    qRegisterMetaType<poolscope::sim::TruthRecord>();
    qRegisterMetaType<poolscope::sim::SimStats>();
    qRegisterMetaType<poolscope::sim::SimConfig>();
}

SimServer::~SimServer() {
    if (m_listener)
        m_listener->close();
    stopWorkers();
}

void SimServer::stopWorkers() {
    if (m_localWorker) {
        m_localWorker->shutdown();
        delete m_localWorker;
        m_localWorker = nullptr;
    }
    for (qsizetype i = 0; i < m_threadWorkers.size(); ++i) {
        SimWorker* worker = m_threadWorkers[i];
        QMetaObject::invokeMethod(
            worker, [worker] { worker->shutdown(); }, Qt::BlockingQueuedConnection);
        m_threads[i]->quit();
        m_threads[i]->wait();
        delete worker; // no children, no timers left: safe once its thread has finished
    }
    m_threadWorkers.clear();
    qDeleteAll(m_threads);
    m_threads.clear();
}

bool SimServer::enableTls(const QString& certificateDirectory, QString* error) {
    if (m_listener) {
        if (error)
            *error = u"enableTls() must come before start()"_s;
        return false;
    }
    if (!QSslSocket::supportsSsl()) {
        if (error)
            *error = u"this Qt build has no TLS backend"_s;
        return false;
    }
    const auto certificate = SelfSignedCertificate::loadOrCreate(certificateDirectory, error);
    if (!certificate)
        return false;
    auto configuration =
        std::make_unique<QSslConfiguration>(QSslConfiguration::defaultConfiguration());
    configuration->setLocalCertificate(certificate->certificate);
    configuration->setPrivateKey(certificate->key);
    configuration->setPeerVerifyMode(QSslSocket::VerifyNone);
    // HTTP/1.1 only: a client offering h2 must fall back, since the simulator speaks 1.1.
    configuration->setAllowedNextProtocols({"http/1.1"_ba});
    m_tls = std::move(configuration);
    m_certificatePem = certificate->certificatePem;
    return true;
}

bool SimServer::start(const QHostAddress& address, quint16 port, QString* error) {
    if (m_listener) {
        if (error)
            *error = u"the simulator is already started"_s;
        return false;
    }
    const int threads = std::max(1, m_state->config().workerThreads);
    if (threads == 1) {
        m_localWorker = new SimWorker(*m_state, this, this);
        if (m_tls)
            m_localWorker->setTls(*m_tls);
    } else {
        for (int i = 0; i < threads; ++i) {
            auto* thread = new QThread;
            thread->setObjectName(u"sim-worker-%1"_s.arg(i));
            if (auto* dispatcher = EpollEventDispatcher::create())
                thread->setEventDispatcher(dispatcher);
            auto* worker = new SimWorker(*m_state, this);
            if (m_tls)
                worker->setTls(*m_tls);
            worker->moveToThread(thread);
            thread->start();
            m_threads.append(thread);
            m_threadWorkers.append(worker);
        }
    }
    m_listener = new SimListener([this](qintptr descriptor) { dispatch(descriptor); }, this);
    // Thousands of clients may connect at once; the default backlog of 50 would drop SYNs.
    m_listener->setListenBacklogSize(4096);
    // Out of descriptors, QTcpServer pauses accepting for good; retry shortly instead.
    connect(m_listener, &QTcpServer::acceptError, this, [this] {
        QTimer::singleShot(50, m_listener,
                           [listener = m_listener] { listener->resumeAccepting(); });
    });
    if (!m_listener->listen(address, port)) {
        if (error)
            *error = u"cannot listen on %1:%2: %3"_s.arg(address.toString())
                         .arg(port)
                         .arg(m_listener->errorString());
        delete m_listener;
        m_listener = nullptr;
        stopWorkers();
        return false;
    }
    m_address = address;
    m_port = m_listener->serverPort();
    return true;
}

void SimServer::dispatch(qintptr descriptor) {
    if (m_localWorker) {
        m_localWorker->addConnection(descriptor);
        return;
    }
    SimWorker* worker = m_threadWorkers[m_nextWorker++ % m_threadWorkers.size()];
    QMetaObject::invokeMethod(
        worker, [worker, descriptor] { worker->addConnection(descriptor); }, Qt::QueuedConnection);
}

bool SimServer::isListening() const {
    return m_listener && m_listener->isListening();
}

QUrl SimServer::baseUrl() const {
    QUrl url;
    url.setScheme(isTls() ? u"https"_s : u"http"_s);
    if (m_address == QHostAddress::LocalHost || m_address == QHostAddress::Any ||
        m_address == QHostAddress::AnyIPv4 || m_address.isNull())
        url.setHost(u"127.0.0.1"_s);
    else if (m_address == QHostAddress::LocalHostIPv6 || m_address == QHostAddress::AnyIPv6)
        url.setHost(u"::1"_s);
    else
        url.setHost(m_address.toString());
    url.setPort(m_port);
    url.setPath(u"/v1"_s);
    return url;
}

void SimServer::setConfig(const SimConfig& config) {
    m_state->setConfig(config);
}

SimConfig SimServer::config() const {
    return m_state->config();
}

SimStats SimServer::stats() const {
    return m_state->stats();
}

bool SimServer::setLogFile(const QString& path, QString* error) {
    return m_state->setLogFile(path, error);
}

QList<TruthRecord> SimServer::truth() const {
    return m_state->truth();
}

} // namespace poolscope::sim
