#pragma once

#include "costledger.h"
#include "latencyhistogram.h"
#include "poolsnapshot.h"
#include "requestrecord.h"

#include <QJsonObject>
#include <QMap>

namespace poolscope {

// Aggregates request records into the run summary of DESIGN.md (the keys scripts depend on).
// Latency percentiles cover the requests that succeeded, as vLLM and AIPerf report them;
// queue waits cover every request.
class RunStats {
public:
    void add(const RequestRecord& record);

    quint64 requests() const { return m_requests; }
    quint64 succeeded() const { return m_succeeded; }
    quint64 failed() const { return m_requests - m_succeeded; }
    qint64 costPico() const { return m_ledger.total().costPico; }
    quint64 costUnknownRequests() const { return quint64(m_ledger.total().costUnknownRequests); }
    qint64 outputTokens() const { return m_ledger.total().completionTokens; }
    // Tokens and cost per (profile, model); the run's totals are its total().
    const CostLedger& ledger() const { return m_ledger; }
    const LatencyHistogram& latency() const { return m_latency; }
    const LatencyHistogram& ttft() const { return m_ttft; }
    const QMap<QString, quint64>& errors() const { return m_errors; }

    QJsonObject toJson(double durationSeconds, const PoolSnapshot& pool) const;

private:
    quint64 m_requests = 0;
    quint64 m_succeeded = 0;
    quint64 m_retries = 0;
    CostLedger m_ledger;
    quint64 m_estimatedTokenRequests = 0;
    LatencyHistogram m_latency;
    LatencyHistogram m_ttft;
    LatencyHistogram m_itl;
    LatencyHistogram m_tpot;
    LatencyHistogram m_queue;
    QMap<QString, quint64> m_errors;
};

} // namespace poolscope
