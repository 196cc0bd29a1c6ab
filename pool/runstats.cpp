#include "runstats.h"

#include "pricetable.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

void RunStats::add(const RequestRecord& record) {
    ++m_requests;
    m_retries += quint64(std::max(0, record.attempts - 1));
    if (record.queueMs() >= 0)
        m_queue.record(record.queueUs);
    m_ledger.add(record); // tokens and cost, of the requests that succeeded
    if (!record.ok) {
        ++m_errors[errorClassName(record.errorClass)];
        return;
    }
    ++m_succeeded;
    if (record.e2eMs() >= 0)
        m_latency.record(record.timeline.finishedAt - record.timeline.queuedAt);
    if (record.ttftMs() >= 0)
        m_ttft.record(record.timeline.firstTokenAt - record.timeline.queuedAt);
    for (qint64 gap : record.interTokenGapsUs)
        m_itl.record(gap);
    if (const double tpot = record.tpotMs(); tpot >= 0)
        m_tpot.record(qint64(std::llround(tpot * 1000.0)));
    if (record.tokens.estimated)
        ++m_estimatedTokenRequests;
}

QJsonObject RunStats::toJson(double durationSeconds, const PoolSnapshot& pool) const {
    const double duration = std::max(durationSeconds, 1e-9);
    auto rounded = [](double value, int digits) {
        const double scale = std::pow(10.0, digits);
        return std::round(value * scale) / scale;
    };
    const CostLedger::Row total = m_ledger.total();
    QJsonObject errors;
    for (auto it = m_errors.begin(); it != m_errors.end(); ++it)
        errors.insert(it.key(), qint64(it.value()));
    return QJsonObject{
        {u"requests"_s, qint64(m_requests)},
        {u"succeeded"_s, qint64(m_succeeded)},
        {u"failed"_s, qint64(failed())},
        {u"duration_s"_s, rounded(durationSeconds, 3)},
        {u"throughput_rps"_s, rounded(double(m_succeeded) / duration, 2)},
        {u"output_tokens_per_s"_s, rounded(double(total.completionTokens) / duration, 2)},
        {u"latency_ms"_s, m_latency.summaryMs()},
        {u"ttft_ms"_s, m_ttft.summaryMs()},
        {u"itl_ms"_s, m_itl.summaryMs()},
        {u"tpot_ms"_s, m_tpot.summaryMs()},
        {u"queue_ms"_s, m_queue.summaryMs()},
        {u"tokens"_s,
         QJsonObject{
             {u"prompt"_s, total.promptTokens},
             {u"completion"_s, total.completionTokens},
             {u"cached"_s, total.cachedTokens},
             {u"cache_write"_s, total.cacheWriteTokens},
             {u"reasoning"_s, total.reasoningTokens},
             {u"total"_s, total.promptTokens + total.completionTokens},
             {u"estimated_requests"_s, qint64(m_estimatedTokenRequests)},
         }},
        {u"cost_usd"_s, double(total.costPico) / 1e12},
        {u"cost_unknown_requests"_s, total.costUnknownRequests},
        {u"cost_by_model"_s, m_ledger.toJson()},
        {u"pool"_s,
         QJsonObject{
             {u"max_connections"_s, pool.max},
             {u"connections_opened"_s, qint64(pool.connectionsOpened)},
             {u"connections_closed"_s, qint64(pool.connectionsClosed)},
             {u"requests_on_reused_connections"_s, qint64(pool.requestsOnReusedConnections)},
             {u"max_active"_s, pool.maxActive},
             {u"max_pending"_s, pool.maxPending},
             {u"acquire_timeouts"_s, qint64(pool.acquireTimeouts)},
             {u"leaks"_s, qint64(pool.leaks)},
         }},
        {u"retries"_s, qint64(m_retries)},
        {u"errors"_s, errors},
    };
}

} // namespace poolscope
