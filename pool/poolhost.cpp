#include "poolhost.h"

#include "connectionpool.h"

namespace poolscope {

PoolHost::PoolHost(const Endpoint& endpoint, const PoolConfig& config, QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_pool(new ConnectionPool(endpoint, config)) {
    m_thread->setObjectName(QStringLiteral("poolscope-pool"));
    m_pool->moveToThread(m_thread);
    // The pool and its network managers must be destroyed on their own thread.
    connect(m_thread, &QThread::finished, m_pool, &QObject::deleteLater);
    m_thread->start();
}

PoolHost::~PoolHost() {
    QMetaObject::invokeMethod(m_pool, &ConnectionPool::cancelAll, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

quint64 PoolHost::submit(const ChatRequest& request, qint64 intendedStartUs) {
    const quint64 id = m_pool->reserveId();
    ConnectionPool* pool = m_pool;
    QMetaObject::invokeMethod(
        m_pool,
        [pool, id, request, intendedStartUs] { pool->submit(id, request, intendedStartUs); },
        Qt::QueuedConnection);
    return id;
}

void PoolHost::cancel(quint64 id) {
    ConnectionPool* pool = m_pool;
    QMetaObject::invokeMethod(
        m_pool, [pool, id] { pool->cancel(id); }, Qt::QueuedConnection);
}

void PoolHost::cancelAll() {
    QMetaObject::invokeMethod(m_pool, &ConnectionPool::cancelAll, Qt::QueuedConnection);
}

void PoolHost::setConfig(const PoolConfig& config) {
    ConnectionPool* pool = m_pool;
    QMetaObject::invokeMethod(
        m_pool, [pool, config] { pool->setConfig(config); }, Qt::QueuedConnection);
}

void PoolHost::setEndpoint(const Endpoint& endpoint) {
    ConnectionPool* pool = m_pool;
    QMetaObject::invokeMethod(
        m_pool, [pool, endpoint] { pool->setEndpoint(endpoint); }, Qt::QueuedConnection);
}

} // namespace poolscope
