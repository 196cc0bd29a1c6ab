#include "batchrunner.h"

#include "connectionpool.h"
#include "monotonicclock.h"

#include <QDateTime>
#include <QTimerEvent>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

BatchRunner::BatchRunner(ConnectionPool* pool, QList<ChatRequest> work, const RunOptions& options,
                         const PriceTable& prices, QObject* parent)
    : QObject(parent)
    , m_pool(pool)
    , m_work(std::move(work))
    , m_options(options)
    , m_prices(prices)
    , m_random(options.seed ? options.seed : std::random_device{}()) {
    qRegisterMetaType<poolscope::RunProgress>();
    qRegisterMetaType<poolscope::TimeSeriesRow>();
    connect(m_pool, &ConnectionPool::requestFinished, this, &BatchRunner::onRequestFinished);
}

void BatchRunner::start() {
    if (m_running)
        return;
    m_running = true;
    m_startedAtUs = monotonicNowUs();
    m_pool->resetHighWaterMarks();
    m_poolAtStart = m_pool->snapshot();
    m_progressTimer.start(250, this);
    m_secondTimer.start(1000, Qt::PreciseTimer, this);
    if (m_options.ratePerSecond > 0) {
        m_nextArrivalUs = m_startedAtUs;
        scheduleArrival();
    } else {
        pump();
    }
    maybeFinish();
}

void BatchRunner::stop() {
    if (!m_running || m_stopping)
        return;
    m_stopping = true;
    if (m_end == RunEnd::Completed)
        m_end = RunEnd::Stopped;
    m_arrivalTimer.stop();
    for (const auto& [id, worst] : std::unordered_map(m_inFlightWorstCase))
        m_pool->cancel(id);
    maybeFinish();
}

void BatchRunner::setPaused(bool paused) {
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (paused) {
        m_arrivalTimer.stop();
        return;
    }
    if (m_options.ratePerSecond > 0) {
        m_nextArrivalUs = monotonicNowUs(); // arrivals missed while paused are not owed
        scheduleArrival();
    } else {
        pump();
    }
}

qint64 BatchRunner::worstCasePico(const ChatRequest& request) const {
    TokenUsage worst;
    worst.prompt = estimatedPromptTokens(request); // as the pre-flight estimate counts it
    worst.completion = request.maxTokens >= 0 ? request.maxTokens : m_options.worstCaseOutputTokens;
    return m_prices.costPico(request.model, worst).value_or(0);
}

bool BatchRunner::budgetAllowsNext() const {
    if (m_options.budgetUsd <= 0 || m_next >= m_work.size())
        return true;
    const qint64 budgetPico = std::llround(m_options.budgetUsd * 1e12);
    const qint64 next = worstCasePico(m_work[m_next]);
    return m_stats.costPico() + m_inFlightWorstPico + next <= budgetPico;
}

void BatchRunner::submitNext(qint64 intendedStartUs) {
    const ChatRequest& request = m_work[m_next++];
    const quint64 id = m_pool->reserveId();
    const qint64 worst = worstCasePico(request);
    m_inFlightWorstCase.emplace(id, worst);
    m_inFlightWorstPico += worst;
    m_pool->submit(id, request, intendedStartUs);
}

void BatchRunner::pump() {
    if (!m_running || m_stopping || m_paused || m_options.ratePerSecond > 0)
        return;
    const int concurrency = std::max(1, m_options.concurrency);
    while (m_next < m_work.size() && int(m_inFlightWorstCase.size()) < concurrency) {
        if (!budgetAllowsNext()) {
            m_end = RunEnd::BudgetReached;
            m_stopping = true;
            break;
        }
        submitNext();
    }
}

void BatchRunner::scheduleArrival() {
    if (m_stopping || m_paused || m_next >= m_work.size())
        return;
    const qint64 waitUs = std::max<qint64>(0, m_nextArrivalUs - monotonicNowUs());
    m_arrivalTimer.start(int(waitUs / 1000), Qt::PreciseTimer, this);
}

void BatchRunner::timerEvent(QTimerEvent* event) {
    if (event->timerId() == m_progressTimer.timerId()) {
        emit progressed(progress());
        return;
    }
    if (event->timerId() == m_secondTimer.timerId()) {
        closeSecond();
        return;
    }
    if (event->timerId() != m_arrivalTimer.timerId())
        return;
    m_arrivalTimer.stop();
    const qint64 now = monotonicNowUs();
    std::exponential_distribution<double> gap(m_options.ratePerSecond);
    // Every arrival that is due goes out now, stamped with the time it was due.
    while (m_next < m_work.size() && m_nextArrivalUs <= now && !m_stopping) {
        if (!budgetAllowsNext()) {
            m_end = RunEnd::BudgetReached;
            m_stopping = true;
            break;
        }
        submitNext(m_nextArrivalUs);
        m_nextArrivalUs += qint64(std::llround(gap(m_random) * 1e6));
    }
    scheduleArrival();
    maybeFinish();
}

void BatchRunner::onRequestFinished(const RequestRecord& finished) {
    auto it = m_inFlightWorstCase.find(finished.id);
    if (it == m_inFlightWorstCase.end())
        return; // not ours
    m_inFlightWorstPico -= it->second;
    m_inFlightWorstCase.erase(it);
    RequestRecord record = finished;
    record.costPicoUsd = m_prices.costPico(record.model, record.tokens);
    m_stats.add(record);
    TimeSeriesRow& row = m_second.row;
    ++row.completed;
    (record.ok ? row.succeeded : row.failed) += 1;
    row.retries += std::max(0, record.attempts - 1);
    if (record.queueMs() >= 0)
        m_second.queue.record(record.queueUs);
    if (record.ok) {
        row.outputTokens += std::max<qint64>(0, record.tokens.completion);
        m_second.e2e.record(record.timeline.finishedAt - record.timeline.queuedAt);
        if (record.timeline.firstTokenAt > 0)
            m_second.ttft.record(record.timeline.firstTokenAt - record.timeline.queuedAt);
    }
    emit recordReady(record);
    pump();
    maybeFinish();
}

void BatchRunner::maybeFinish() {
    if (m_finished || !m_running || !m_inFlightWorstCase.empty())
        return;
    const bool allSent = m_next >= m_work.size();
    if (!allSent && !m_stopping)
        return;
    m_finished = true;
    m_arrivalTimer.stop();
    m_progressTimer.stop();
    m_secondTimer.stop();
    closeSecond(); // the partial last second
    m_endedAtUs = monotonicNowUs();
    m_summary = summary();
    emit progressed(progress());
    emit finished(m_summary, int(m_end));
}

void BatchRunner::closeSecond() {
    TimeSeriesRow row = m_second.row;
    row.second = (monotonicNowUs() - m_startedAtUs + 500000) / 1000000;
    row.wallClockMs = QDateTime::currentMSecsSinceEpoch();
    auto ms = [](const LatencyHistogram& h, double p) {
        return h.count() ? double(h.percentile(p)) / 1000.0 : -1.0;
    };
    row.e2eP50Ms = ms(m_second.e2e, 50);
    row.e2eP95Ms = ms(m_second.e2e, 95);
    row.e2eP99Ms = ms(m_second.e2e, 99);
    row.ttftP50Ms = ms(m_second.ttft, 50);
    row.ttftP95Ms = ms(m_second.ttft, 95);
    row.queueP95Ms = ms(m_second.queue, 95);
    const PoolSnapshot pool = m_pool->snapshot();
    row.active = pool.active;
    row.idle = pool.idle;
    row.pending = pool.pending;
    row.total = pool.total;
    row.max = pool.max;
    row.connectionsOpened = pool.connectionsOpened;
    row.costUsdTotal = double(m_stats.costPico()) / 1e12;
    m_second = {};
    emit secondClosed(row);
}

RunProgress BatchRunner::progress() const {
    RunProgress p;
    p.total = m_work.size();
    p.submitted = m_next;
    p.completed = qint64(m_stats.requests());
    p.succeeded = qint64(m_stats.succeeded());
    p.failed = qint64(m_stats.failed());
    p.inFlight = int(m_inFlightWorstCase.size());
    const qint64 end = m_endedAtUs ? m_endedAtUs : monotonicNowUs();
    p.elapsedSeconds = m_startedAtUs ? double(end - m_startedAtUs) / 1e6 : 0.0;
    p.costUsd = double(m_stats.costPico()) / 1e12;
    return p;
}

QJsonObject BatchRunner::summary() const {
    if (!m_summary.isEmpty())
        return m_summary;
    const qint64 end = m_endedAtUs ? m_endedAtUs : monotonicNowUs();
    PoolSnapshot pool = m_pool->snapshot();
    pool.connectionsOpened -= m_poolAtStart.connectionsOpened;
    pool.connectionsClosed -= m_poolAtStart.connectionsClosed;
    pool.requestsOnReusedConnections -= m_poolAtStart.requestsOnReusedConnections;
    pool.acquireTimeouts -= m_poolAtStart.acquireTimeouts;
    pool.leaks -= m_poolAtStart.leaks;
    QJsonObject json = m_stats.toJson(double(end - m_startedAtUs) / 1e6, pool);
    json.insert(u"stopped"_s, m_end == RunEnd::Completed       ? QJsonValue()
                              : m_end == RunEnd::BudgetReached ? QJsonValue(u"budget"_s)
                                                               : QJsonValue(u"stopped"_s));
    return json;
}

} // namespace poolscope
