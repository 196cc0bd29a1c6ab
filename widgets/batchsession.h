#pragma once

#include "batchrunner.h"
#include "pricetable.h"
#include "requestrecord.h"

#include <QBasicTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>

namespace poolscope {

class PoolHost;

// Runs one batch through a PoolHost for the GUI: the BatchRunner lives on the pool's thread,
// and what reaches this (GUI) thread are value types, records coalesced about 10 times a second.
class BatchSession : public QObject {
    Q_OBJECT
public:
    explicit BatchSession(PoolHost* host, QObject* parent = nullptr);
    ~BatchSession() override;

    bool isRunning() const { return m_runner != nullptr; }
    void start(const QList<ChatRequest>& work, const RunOptions& options, const PriceTable& prices);
    void setPaused(bool paused);
    void cancel();

signals:
    void recordsReady(const QList<poolscope::RequestRecord>& records);
    void progressed(const poolscope::RunProgress& progress);
    // runEnd is a RunEnd; cpuSeconds is this process's CPU time during the run.
    void finished(const QJsonObject& summary, int runEnd, double cpuSeconds);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    void flush();
    void disposeRunner();

    PoolHost* m_host;
    BatchRunner* m_runner = nullptr; // lives on the pool thread
    QList<RequestRecord> m_buffer;
    QBasicTimer m_flushTimer;
    double m_cpuAtStart = 0;
};

} // namespace poolscope
