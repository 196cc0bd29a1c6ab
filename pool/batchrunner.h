#pragma once

#include "chatrequest.h"
#include "costestimate.h"
#include "costledger.h"
#include "poolsnapshot.h"
#include "pricetable.h"
#include "requestrecord.h"
#include "runstats.h"
#include "timeseriesrow.h"

#include <QBasicTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>

#include <random>
#include <unordered_map>

namespace poolscope {

class ConnectionPool;

struct RunOptions {
    int concurrency = 10;     // closed loop: requests kept in flight
    double ratePerSecond = 0; // > 0: open loop, Poisson arrivals at this mean rate
    double budgetUsd = 0;     // 0: no budget
    int worstCaseOutputTokens = DefaultWorstCaseOutputTokens; // budget: requests without max
    quint64 seed = 0;                                         // arrivals; 0 picks one
};

struct RunProgress {
    qint64 total = 0;
    qint64 submitted = 0;
    qint64 completed = 0;
    qint64 succeeded = 0;
    qint64 failed = 0;
    int inFlight = 0;
    double elapsedSeconds = 0;
    double costUsd = 0;
};

enum class RunEnd { Completed, Stopped, BudgetReached };

// Drives a list of requests through a ConnectionPool, closed loop (a fixed number in flight) or
// open loop (Poisson arrivals; latencies count from each request's intended start, so a slow
// server cannot hide its queue: no coordinated omission). Lives on the pool's thread.
class BatchRunner : public QObject {
    Q_OBJECT
public:
    BatchRunner(ConnectionPool* pool, QList<ChatRequest> work, const RunOptions& options,
                const PriceTable& prices, QObject* parent = nullptr);

    void start();
    void stop(); // no new requests; in-flight ones are cancelled
    void setPaused(bool paused);
    RunProgress progress() const;
    QJsonObject summary() const; // RunStats' keys (cost_by_model included) and stopped
    const CostLedger& ledger() const { return m_stats.ledger(); }
    RunEnd end() const { return m_end; }

signals:
    void recordReady(const poolscope::RequestRecord& record); // cost filled in
    void progressed(const poolscope::RunProgress& progress);
    void secondClosed(const poolscope::TimeSeriesRow& row); // once a second, and at the end
    void finished(const QJsonObject& summary, int runEnd);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    void onRequestFinished(const RequestRecord& record);
    void submitNext(qint64 intendedStartUs = 0);
    void pump();
    void scheduleArrival();
    bool budgetAllowsNext() const;
    qint64 worstCasePico(const ChatRequest& request) const;
    void maybeFinish();
    void closeSecond();

    ConnectionPool* m_pool;
    QList<ChatRequest> m_work;
    RunOptions m_options;
    PriceTable m_prices;
    RunStats m_stats;
    std::mt19937_64 m_random;
    std::unordered_map<quint64, qint64> m_inFlightWorstCase; // id → pico
    qint64 m_inFlightWorstPico = 0;
    qint64 m_next = 0;
    qint64 m_startedAtUs = 0;
    qint64 m_endedAtUs = 0;
    qint64 m_nextArrivalUs = 0;
    QBasicTimer m_arrivalTimer;
    QBasicTimer m_progressTimer;
    QBasicTimer m_secondTimer;
    struct SecondBucket {
        TimeSeriesRow row;
        LatencyHistogram e2e, ttft, queue;
    } m_second;
    bool m_running = false;
    bool m_paused = false;
    bool m_stopping = false;
    bool m_finished = false;
    RunEnd m_end = RunEnd::Completed;
    QJsonObject m_summary;
    PoolSnapshot m_poolAtStart; // the run reports the pool's counters since it started
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::RunProgress)
