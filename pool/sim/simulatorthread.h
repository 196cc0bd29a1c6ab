#pragma once

#include "simconfig.h"
#include "simstats.h"
#include "truthrecord.h"

#include <QList>
#include <QObject>
#include <QUrl>

class QThread;

namespace poolscope::sim {

class SimServer;

// A SimServer on a thread of its own: the in-process default of the app, and what tests use.
// Every method may be called from the thread that owns this object.
class SimulatorThread : public QObject {
    Q_OBJECT
public:
    explicit SimulatorThread(QObject* parent = nullptr);
    ~SimulatorThread() override; // stops the server and joins the thread

    // Call before start(); see SimServer::enableTls().
    bool enableTls(const QString& certificateDirectory, QString* error = nullptr);
    QByteArray certificatePem() const;

    // Blocks until the server listens on 127.0.0.1:port (0 = a free port) or failed to.
    bool start(const SimConfig& config = {}, quint16 port = 0, QString* error = nullptr);

    QUrl baseUrl() const;
    quint16 port() const;
    void setConfig(const SimConfig& config);
    SimConfig config() const;
    SimStats stats() const;
    QList<TruthRecord> truth() const;
    bool setLogFile(const QString& path, QString* error = nullptr);

    // Lives on the simulator thread: connect to its signals (requestLogged), nothing else.
    SimServer* server() const { return m_server; }

private:
    QThread* m_thread;
    SimServer* m_server; // no parent: it lives on m_thread, deleted when that finishes
    QUrl m_baseUrl;
    bool m_started = false;
};

} // namespace poolscope::sim
