#pragma once

#include "simconfig.h"
#include "simstats.h"
#include "truthrecord.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QUrl>

#include <memory>
#include <optional>

class QSslConfiguration;
class QThread;

namespace poolscope::sim {

class SimListener;
class SimState;
class SimWorker;

// The simulator: an HTTP/1.1 server on loopback speaking the OpenAI chat completions and the
// Anthropic Messages formats. It lives and works on the thread that calls start(); with
// workerThreads > 1 connections are spread over that many threads of its own. setConfig(),
// config(), stats(), truth() and setLogFile() may be called from any thread.
class SimServer : public QObject {
    Q_OBJECT
public:
    explicit SimServer(QObject* parent = nullptr);
    ~SimServer() override;

    // Serve HTTPS with a self-signed certificate for localhost / 127.0.0.1 / ::1, kept in
    // `certificateDirectory` and generated there on first use. Call before start().
    bool enableTls(const QString& certificateDirectory, QString* error = nullptr);
    bool isTls() const { return !m_certificatePem.isEmpty(); }
    QByteArray certificatePem() const { return m_certificatePem; } // what clients should trust

    // port 0 picks a free one.
    bool start(const QHostAddress& address = QHostAddress::LocalHost, quint16 port = 0,
               QString* error = nullptr);
    bool isListening() const;
    quint16 port() const { return m_port; }
    QUrl baseUrl() const; // http(s)://127.0.0.1:PORT/v1

    void setConfig(const SimConfig& config);
    SimConfig config() const;
    SimStats stats() const;

    // The truth log: one JSON line per request, flushed per line. An empty path stops it.
    bool setLogFile(const QString& path, QString* error = nullptr);
    QList<TruthRecord> truth() const; // the last 100000 requests

signals:
    // Emitted on the thread of the worker that served the request.
    void requestLogged(const poolscope::sim::TruthRecord& record);

private:
    void dispatch(qintptr descriptor);
    void stopWorkers();

    std::unique_ptr<SimState> m_state;
    SimListener* m_listener = nullptr;
    SimWorker* m_localWorker = nullptr; // workerThreads == 1: on this thread
    QList<SimWorker*> m_threadWorkers;  // workerThreads > 1: one per thread
    QList<QThread*> m_threads;
    std::unique_ptr<QSslConfiguration> m_tls;
    QByteArray m_certificatePem;
    QHostAddress m_address;
    quint16 m_port = 0;
    quint32 m_nextWorker = 0;
};

} // namespace poolscope::sim
