#include "monitordata.h"

#include <QSaveFile>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

constexpr qint64 kUsPerS = 1'000'000;
constexpr qint64 kCounterHistoryUs = 60 * kUsPerS; // rates and hold time over the last minute
constexpr qint64 kBlockSeconds = 10;
constexpr size_t kClosedKept = 300 + kBlockSeconds; // the 5 min window and the second leaving it
constexpr size_t kBlocksKept = 32;

using Ring = TimeSeriesRing;
using Aggregation = TimeSeriesRing::Aggregation;

std::unique_ptr<Ring> makeRing(Aggregation aggregation, bool fine = false) {
    return std::make_unique<Ring>(aggregation, fine ? Ring::fineTiers() : Ring::defaultTiers());
}

qint64 floorDiv(qint64 a, qint64 b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

QString csvNumber(double value) {
    return QString::number(value, 'g', 10);
}

} // namespace

bool MonitorData::SecondStats::hasLatency() const {
    return std::any_of(latency.begin(), latency.end(),
                       [](const LatencyHistogram& h) { return h.count() > 0; });
}

int MonitorData::windowSeconds(Window window) {
    switch (window) {
    case Window::TenSeconds:
        return 10;
    case Window::OneMinute:
        return 60;
    case Window::FiveMinutes:
        return 300;
    case Window::WholeRun:
        return 0;
    }
    return 0;
}

QString MonitorData::windowKey(Window window) {
    switch (window) {
    case Window::TenSeconds:
        return u"10s"_s;
    case Window::OneMinute:
        return u"60s"_s;
    case Window::FiveMinutes:
        return u"300s"_s;
    case Window::WholeRun:
        return u"run"_s;
    }
    return {};
}

QString MonitorData::metricKey(Metric metric) {
    switch (metric) {
    case Metric::E2e:
        return u"e2e"_s;
    case Metric::Ttft:
        return u"ttft"_s;
    case Metric::Queue:
        return u"queue"_s;
    }
    return {};
}

MonitorData::MonitorData(double graceS)
    : m_graceS(graceS) {
    for (int g = 0; g < kGaugeCount; ++g) {
        // Pending peaks matter more than its mean; max is a setting, its last value is it.
        const auto gauge = Gauge(g);
        const Aggregation aggregation = gauge == Gauge::Pending ? Aggregation::Max
                                        : gauge == Gauge::Max   ? Aggregation::Last
                                                                : Aggregation::Mean;
        m_gauges[size_t(g)] = makeRing(aggregation, true);
    }
    for (int r = 0; r < kRateCount; ++r)
        m_rates[size_t(r)] =
            makeRing(Rate(r) == Rate::CostUsd ? Aggregation::Last : Aggregation::Mean);
    // Percentiles are never averaged: a coarser bucket keeps the worst one, so spikes survive.
    for (auto& window : m_latency)
        for (auto& metric : window)
            for (auto& ring : metric)
                ring = makeRing(Aggregation::Max);
}

MonitorData::~MonitorData() = default;

void MonitorData::clear() {
    m_hasOrigin = false;
    m_originUs = m_nowUs = 0;
    m_nextClose = 0;
    m_hasSnapshot = false;
    m_lastSnapshot = PoolSnapshot();
    m_watch.clear();
    m_counterHistory.clear();
    for (auto& ring : m_gauges)
        ring->clear();
    for (auto& ring : m_rates)
        ring->clear();
    for (auto& window : m_latency)
        for (auto& metric : window)
            for (auto& ring : metric)
                ring->clear();
    m_windowCache = {};
    m_classes.clear();
    m_classSeries.clear();
    m_open.clear();
    m_closed.clear();
    m_blocks.clear();
    m_wholeRun = {};
    m_costLastMinute.clear();
    m_costLastMinuteSum = 0;
    m_closedCostPico = 0;
    m_recordCount = 0;
    m_ledger = CostLedger{};
}

void MonitorData::ensureOrigin(qint64 us) {
    if (m_hasOrigin)
        return;
    m_hasOrigin = true;
    m_originUs = us;
    m_nowUs = us;
}

void MonitorData::advance(qint64 nowUs) {
    m_nowUs = std::max(m_nowUs, nowUs);
    const qint64 graceUs = qint64(m_graceS * double(kUsPerS));
    // Second s closes once the clock has passed s + 1 + grace.
    const qint64 closable = floorDiv(m_nowUs - m_originUs - graceUs, kUsPerS);
    while (m_nextClose < closable)
        closeSecond(m_nextClose++);
}

void MonitorData::addSnapshot(const PoolSnapshot& snapshot) {
    ensureOrigin(snapshot.takenAtUs);
    advance(snapshot.takenAtUs);
    const double x = toSeconds(snapshot.takenAtUs);
    m_gauges[size_t(Gauge::Active)]->add(x, snapshot.active);
    m_gauges[size_t(Gauge::Idle)]->add(x, snapshot.idle);
    m_gauges[size_t(Gauge::ActivePlusIdle)]->add(x, snapshot.active + snapshot.idle);
    m_gauges[size_t(Gauge::Pending)]->add(x, snapshot.pending);
    m_gauges[size_t(Gauge::Total)]->add(x, snapshot.total);
    m_gauges[size_t(Gauge::Max)]->add(x, snapshot.max);
    m_gauges[size_t(Gauge::UtilizationPct)]->add(x, snapshot.utilization() * 100.0);
    m_watch.update(snapshot.takenAtUs, snapshot.utilization());

    // A counter going backwards means a new pool: rates restart from here.
    if (!m_counterHistory.empty() && snapshot.requestsFinished < m_counterHistory.back().finished)
        m_counterHistory.clear();
    m_counterHistory.push_back(
        {snapshot.takenAtUs, snapshot.requestsFinished, snapshot.usageUsSum});
    while (m_counterHistory.size() > 2 &&
           m_counterHistory[1].takenAtUs <= snapshot.takenAtUs - kCounterHistoryUs)
        m_counterHistory.pop_front();
    m_lastSnapshot = snapshot;
    m_hasSnapshot = true;
}

MonitorData::SecondStats& MonitorData::openSecond(qint64 second) {
    second = std::max(second, m_nextClose);
    SecondStats& stats = m_open[second];
    stats.second = second;
    return stats;
}

MonitorData::ClassSeries& MonitorData::classSeries(const QString& errorClass) {
    auto it = m_classSeries.find(errorClass);
    if (it != m_classSeries.end())
        return it->second;
    m_classes.append(errorClass);
    ClassSeries series;
    series.errors = makeRing(Aggregation::Mean);
    series.retries = makeRing(Aggregation::Mean);
    return m_classSeries.emplace(errorClass, std::move(series)).first->second;
}

void MonitorData::addRecord(const RequestRecord& record) {
    const RequestTimeline& tl = record.timeline;
    qint64 at = tl.finishedAt > 0 ? tl.finishedAt : (m_hasOrigin ? m_nowUs : tl.queuedAt);
    if (!m_hasOrigin && at <= 0)
        return; // nothing to place it in time with
    ensureOrigin(tl.queuedAt > 0 ? std::min(tl.queuedAt, at) : at);
    advance(at);
    SecondStats& stats = openSecond(std::max<qint64>(0, floorDiv(at - m_originUs, kUsPerS)));

    ++m_recordCount;
    if (record.ok) {
        ++stats.ok;
        // Latency of successes only: a failure's "latency" is its timeout, not service time.
        if (tl.queuedAt > 0 && tl.finishedAt > 0)
            stats.latency[size_t(Metric::E2e)].record(tl.finishedAt - tl.queuedAt);
        if (tl.queuedAt > 0 && tl.firstTokenAt > 0)
            stats.latency[size_t(Metric::Ttft)].record(tl.firstTokenAt - tl.queuedAt);
    } else {
        ++stats.failed;
        QString name = errorClassName(record.errorClass);
        if (name.isEmpty())
            name = u"error"_s;
        ++stats.errorsByClass[name];
        ++classSeries(name).errorTotal;
    }
    // Every wait for a connection counts, an acquire timeout's most of all.
    if (record.queueMs() >= 0)
        stats.latency[size_t(Metric::Queue)].record(record.queueUs);
    if (record.tokens.completion > 0)
        stats.outputTokens += record.tokens.completion;
    // attemptLog ends with the final attempt; the ones before it were retried.
    for (qsizetype i = 0; i + 1 < record.attemptLog.size(); ++i) {
        QString name = errorClassName(record.attemptLog[i].errorClass);
        if (name.isEmpty())
            name = u"error"_s;
        ++stats.retries;
        ++stats.retriesByClass[name];
        ++classSeries(name).retryTotal;
    }
    if (record.costPicoUsd)
        stats.costPico += *record.costPicoUsd;
    m_ledger.add(record);
}

const MonitorData::SecondStats* MonitorData::closedSecond(qint64 second) const {
    if (m_closed.empty() || second < m_closed.front().second || second > m_closed.back().second)
        return nullptr;
    return &m_closed[size_t(second - m_closed.front().second)];
}

void MonitorData::mergeClosed(qint64 first, qint64 last, Histograms& into) const {
    if (m_closed.empty())
        return;
    first = std::max(first, m_closed.front().second);
    last = std::min(last, m_closed.back().second);
    for (qint64 s = first; s <= last;) {
        if (s % kBlockSeconds == 0 && s + kBlockSeconds - 1 <= last && !m_blocks.empty()) {
            const qint64 index = s / kBlockSeconds;
            const qint64 offset = index - m_blocks.front().index;
            if (offset >= 0 && offset < qint64(m_blocks.size())) {
                for (int m = 0; m < kMetricCount; ++m)
                    into[size_t(m)].merge(m_blocks[size_t(offset)].latency[size_t(m)]);
                s += kBlockSeconds;
                continue;
            }
        }
        if (const SecondStats* stats = closedSecond(s))
            for (int m = 0; m < kMetricCount; ++m)
                into[size_t(m)].merge(stats->latency[size_t(m)]);
        ++s;
    }
}

void MonitorData::recomputeWindow(int windowIndex, qint64 second) {
    WindowCache& cache = m_windowCache[size_t(windowIndex)];
    auto fill = [&cache](const Histograms& histograms) {
        for (int m = 0; m < kMetricCount; ++m) {
            const LatencyHistogram& h = histograms[size_t(m)];
            cache.valid[size_t(m)] = h.count() > 0;
            for (size_t p = 0; p < kPercentiles.size(); ++p)
                cache.values[size_t(m)][p] = double(h.percentile(kPercentiles[p])) / 1000.0;
        }
    };
    const int seconds = windowSeconds(Window(windowIndex));
    if (seconds == 0) {
        fill(m_wholeRun);
        return;
    }
    Histograms merged;
    mergeClosed(second - seconds + 1, second, merged);
    fill(merged);
}

void MonitorData::closeSecond(qint64 second) {
    SecondStats stats;
    if (auto it = m_open.find(second); it != m_open.end()) {
        stats = std::move(it->second);
        m_open.erase(it);
    }
    stats.second = second;
    const double x = double(second + 1); // the point stands for the second ending at x

    m_rates[size_t(Rate::RequestsPerS)]->add(x, double(stats.ok));
    m_rates[size_t(Rate::OutputTokensPerS)]->add(x, double(stats.outputTokens));
    m_rates[size_t(Rate::ErrorsPerS)]->add(x, double(stats.failed));
    m_rates[size_t(Rate::RetriesPerS)]->add(x, double(stats.retries));
    for (const QString& name : std::as_const(m_classes)) {
        ClassSeries& series = m_classSeries.at(name);
        series.errors->add(x, stats.errorsByClass.value(name));
        series.retries->add(x, stats.retriesByClass.value(name));
    }

    m_closedCostPico += stats.costPico;
    m_costLastMinute.push_back(stats.costPico);
    m_costLastMinuteSum += stats.costPico;
    if (m_costLastMinute.size() > 60) {
        m_costLastMinuteSum -= m_costLastMinute.front();
        m_costLastMinute.pop_front();
    }
    // In the first minute the rate is scaled from the seconds seen so far.
    const double perMinutePico =
        double(m_costLastMinuteSum) * 60.0 / double(m_costLastMinute.size());
    m_rates[size_t(Rate::CostUsd)]->add(x, double(m_closedCostPico) / 1e12);
    m_rates[size_t(Rate::CostUsdPerMin)]->add(x, perMinutePico / 1e12);

    const bool hasLatency = stats.hasLatency();
    if (hasLatency)
        for (int m = 0; m < kMetricCount; ++m)
            m_wholeRun[size_t(m)].merge(stats.latency[size_t(m)]);
    const qint64 blockIndex = second / kBlockSeconds;
    if (m_blocks.empty() || m_blocks.back().index != blockIndex) {
        m_blocks.push_back(LatencyBlock{blockIndex, {}});
        if (m_blocks.size() > kBlocksKept)
            m_blocks.pop_front();
    }
    if (hasLatency)
        for (int m = 0; m < kMetricCount; ++m)
            m_blocks.back().latency[size_t(m)].merge(stats.latency[size_t(m)]);
    m_closed.push_back(std::move(stats));
    if (m_closed.size() > kClosedKept)
        m_closed.pop_front();

    for (int w = 0; w < kWindowCount; ++w) {
        const int seconds = windowSeconds(Window(w));
        // A window's percentiles change only when a second with samples enters or leaves it.
        const SecondStats* leaving = seconds > 0 ? closedSecond(second - seconds) : nullptr;
        if (hasLatency || (leaving && leaving->hasLatency()))
            recomputeWindow(w, second);
        const WindowCache& cache = m_windowCache[size_t(w)];
        for (int m = 0; m < kMetricCount; ++m) {
            if (!cache.valid[size_t(m)])
                continue;
            for (size_t p = 0; p < kPercentiles.size(); ++p)
                m_latency[size_t(w)][size_t(m)][p]->add(x, cache.values[size_t(m)][p]);
        }
    }
}

const TimeSeriesRing& MonitorData::latency(Metric metric, int percentileIndex,
                                           Window window) const {
    return *m_latency[size_t(window)][size_t(metric)][size_t(percentileIndex)];
}

const TimeSeriesRing* MonitorData::errorSeries(const QString& errorClass) const {
    auto it = m_classSeries.find(errorClass);
    return it == m_classSeries.end() ? nullptr : it->second.errors.get();
}

const TimeSeriesRing* MonitorData::retrySeries(const QString& errorClass) const {
    auto it = m_classSeries.find(errorClass);
    return it == m_classSeries.end() ? nullptr : it->second.retries.get();
}

quint64 MonitorData::errorTotal(const QString& errorClass) const {
    auto it = m_classSeries.find(errorClass);
    return it == m_classSeries.end() ? 0 : it->second.errorTotal;
}

quint64 MonitorData::retryTotal(const QString& errorClass) const {
    auto it = m_classSeries.find(errorClass);
    return it == m_classSeries.end() ? 0 : it->second.retryTotal;
}

MonitorData::Histograms MonitorData::windowHistograms(Window window) const {
    const int seconds = windowSeconds(window);
    Histograms result;
    qint64 first = 0;
    if (seconds == 0) {
        result = m_wholeRun;
    } else {
        const qint64 nowSecond = floorDiv(m_nowUs - m_originUs, kUsPerS);
        first = nowSecond - seconds + 1;
        mergeClosed(first, nowSecond, result);
    }
    for (const auto& [second, stats] : m_open)
        if (second >= first)
            for (int m = 0; m < kMetricCount; ++m)
                result[size_t(m)].merge(stats.latency[size_t(m)]);
    return result;
}

LatencyHistogram MonitorData::windowHistogram(Metric metric, Window window) const {
    return windowHistograms(window)[size_t(metric)];
}

double MonitorData::observedRatePerS() const {
    if (m_counterHistory.size() < 2)
        return 0.0;
    const CounterSample& a = m_counterHistory.front();
    const CounterSample& b = m_counterHistory.back();
    if (b.takenAtUs <= a.takenAtUs)
        return 0.0;
    return double(b.finished - a.finished) / (double(b.takenAtUs - a.takenAtUs) / 1e6);
}

double MonitorData::meanHoldS() const {
    if (m_counterHistory.size() >= 2) {
        const CounterSample& a = m_counterHistory.front();
        const CounterSample& b = m_counterHistory.back();
        if (b.finished > a.finished)
            return double(b.usageUsSum - a.usageUsSum) / double(b.finished - a.finished) / 1e6;
    }
    // Nothing finished in the last minute: the whole run's mean is the best estimate left.
    if (m_hasSnapshot && m_lastSnapshot.requestsFinished > 0)
        return double(m_lastSnapshot.usageUsSum) / double(m_lastSnapshot.requestsFinished) / 1e6;
    return -1.0;
}

qsizetype MonitorData::bucketCount() const {
    qsizetype count = 0;
    for (const auto& ring : m_gauges)
        count += ring->bucketCount();
    for (const auto& ring : m_rates)
        count += ring->bucketCount();
    for (const auto& window : m_latency)
        for (const auto& metric : window)
            for (const auto& ring : metric)
                count += ring->bucketCount();
    for (const auto& [name, series] : m_classSeries)
        count += series.errors->bucketCount() + series.retries->bucketCount();
    return count;
}

QByteArray MonitorData::csv(Window latencyWindow) const {
    struct Column {
        QString name;
        const TimeSeriesRing* ring;
    };
    QList<Column> columns{
        {u"active"_s, &gauge(Gauge::Active)},
        {u"idle"_s, &gauge(Gauge::Idle)},
        {u"pending"_s, &gauge(Gauge::Pending)},
        {u"total"_s, &gauge(Gauge::Total)},
        {u"max"_s, &gauge(Gauge::Max)},
        {u"utilization_pct"_s, &gauge(Gauge::UtilizationPct)},
        {u"requests_per_s"_s, &rate(Rate::RequestsPerS)},
        {u"output_tokens_per_s"_s, &rate(Rate::OutputTokensPerS)},
        {u"errors_per_s"_s, &rate(Rate::ErrorsPerS)},
        {u"retries_per_s"_s, &rate(Rate::RetriesPerS)},
        {u"cost_usd"_s, &rate(Rate::CostUsd)},
        {u"cost_usd_per_min"_s, &rate(Rate::CostUsdPerMin)},
    };
    const QString window = windowKey(latencyWindow);
    for (int m = 0; m < kMetricCount; ++m)
        for (size_t p = 0; p < kPercentiles.size(); ++p)
            columns.append({metricKey(Metric(m)) + u"_p"_s + QString::number(kPercentiles[p]) +
                                u"_ms_"_s + window,
                            &latency(Metric(m), int(p), latencyWindow)});
    for (const QString& name : m_classes) {
        columns.append({u"errors_"_s + name + u"_per_s"_s, errorSeries(name)});
        columns.append({u"retries_"_s + name + u"_per_s"_s, retrySeries(name)});
    }

    // Rows keyed by the time in ms, so series sampled at the same instants share a row.
    std::map<qint64, QStringList> rows;
    for (qsizetype c = 0; c < columns.size(); ++c) {
        const QList<QPointF> points = columns[c].ring->allPoints(1.0);
        for (const QPointF& point : points) {
            QStringList& row = rows[qRound64(point.x() * 1000.0)];
            if (row.isEmpty())
                row.resize(columns.size());
            row[c] = csvNumber(point.y());
        }
    }
    QString text = u"t_s"_s;
    for (const Column& column : columns)
        text += u',' + column.name;
    text += u'\n';
    for (const auto& [ms, cells] : rows)
        text += QString::number(double(ms) / 1000.0, 'f', 1) + u',' + cells.join(u',') + u'\n';
    return text.toUtf8();
}

bool MonitorData::exportCsv(const QString& path, Window latencyWindow, QString* error) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    const QByteArray bytes = csv(latencyWindow);
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

} // namespace poolscope
