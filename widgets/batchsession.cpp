#include "batchsession.h"

#include "comparisontable.h"
#include "poolhost.h"

#include <QTimerEvent>

namespace poolscope {

BatchSession::BatchSession(PoolHost* host, QObject* parent)
    : QObject(parent)
    , m_host(host) {}

BatchSession::~BatchSession() {
    disposeRunner();
}

void BatchSession::start(const QList<ChatRequest>& work, const RunOptions& options,
                         const PriceTable& prices) {
    if (m_runner)
        return;
    m_runner = new BatchRunner(m_host->pool(), work, options, prices);
    m_runner->moveToThread(m_host->thread());
    connect(m_runner, &BatchRunner::recordReady, this,
            [this](const RequestRecord& record) { m_buffer.append(record); });
    connect(m_runner, &BatchRunner::progressed, this, &BatchSession::progressed);
    connect(m_runner, &BatchRunner::finished, this, [this](const QJsonObject& summary, int runEnd) {
        flush();
        const double cpu = processCpuSeconds() - m_cpuAtStart;
        disposeRunner();
        emit finished(summary, runEnd, cpu);
    });
    m_cpuAtStart = processCpuSeconds();
    m_flushTimer.start(100, this);
    QMetaObject::invokeMethod(m_runner, &BatchRunner::start, Qt::QueuedConnection);
}

void BatchSession::setPaused(bool paused) {
    if (BatchRunner* runner = m_runner)
        QMetaObject::invokeMethod(
            runner, [runner, paused] { runner->setPaused(paused); }, Qt::QueuedConnection);
}

void BatchSession::cancel() {
    if (m_runner)
        QMetaObject::invokeMethod(m_runner, &BatchRunner::stop, Qt::QueuedConnection);
}

void BatchSession::timerEvent(QTimerEvent* event) {
    if (event->timerId() == m_flushTimer.timerId())
        flush();
}

void BatchSession::flush() {
    if (m_buffer.isEmpty())
        return;
    const QList<RequestRecord> records = std::exchange(m_buffer, {});
    emit recordsReady(records);
}

void BatchSession::disposeRunner() {
    m_flushTimer.stop();
    if (!m_runner)
        return;
    BatchRunner* runner = std::exchange(m_runner, nullptr);
    runner->disconnect(this);
    // Deleted on its own thread; a still-running batch stops first.
    QMetaObject::invokeMethod(
        runner,
        [runner] {
            runner->stop();
            runner->deleteLater();
        },
        Qt::QueuedConnection);
}

} // namespace poolscope
