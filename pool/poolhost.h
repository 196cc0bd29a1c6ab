#pragma once

#include "chatrequest.h"
#include "endpoint.h"
#include "poolconfig.h"

#include <QObject>
#include <QThread>

namespace poolscope {

class ConnectionPool;

// Runs a ConnectionPool on a thread of its own, so that a busy caller thread (the GUI drawing
// charts) can never delay a reply's signals and inflate a latency. Callers on any thread use
// the methods below (queued into the pool thread) and connect to pool()'s signals, which reach
// their own thread as queued value types.
class PoolHost : public QObject {
    Q_OBJECT
public:
    explicit PoolHost(const Endpoint& endpoint, const PoolConfig& config,
                      QObject* parent = nullptr);
    ~PoolHost() override; // cancels what is in flight and joins the thread

    ConnectionPool* pool() const { return m_pool; }
    QThread* thread() const { return m_thread; }

    quint64 submit(const ChatRequest& request, qint64 intendedStartUs = 0);
    void cancel(quint64 id);
    void cancelAll();
    void setConfig(const PoolConfig& config);
    void setEndpoint(const Endpoint& endpoint);

private:
    QThread* m_thread = nullptr;
    ConnectionPool* m_pool = nullptr;
};

} // namespace poolscope
