#pragma once

#include "costledger.h"
#include "latencyhistogram.h"
#include "poolsnapshot.h"
#include "requestrecord.h"
#include "timeseriesring.h"
#include "utilizationwatch.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <array>
#include <deque>
#include <map>
#include <memory>

namespace poolscope {

// Everything the live monitor plots, computed from the value types the pool publishes:
// gauges from snapshots, per-second rates and rolling-window latency percentiles from request
// records, all in bounded TimeSeriesRings. No widgets, so tests drive it with scripted time.
//
// Time is the pool's monotonic clock: x = seconds since the first timestamp seen. A second of
// records is closed (turned into points at x = its end) once the clock has passed its end by a
// grace period, because records arrive in batches; a record arriving after its second closed
// counts in the oldest open one.
class MonitorData {
public:
    enum class Window { TenSeconds, OneMinute, FiveMinutes, WholeRun };
    static constexpr int kWindowCount = 4;
    static int windowSeconds(Window window); // 0 for the whole run
    static QString windowKey(Window window); // "10s", "60s", "300s", "run"

    enum class Metric { E2e, Ttft, Queue };
    static constexpr int kMetricCount = 3;
    static QString metricKey(Metric metric); // "e2e", "ttft", "queue"
    static constexpr std::array<int, 3> kPercentiles{50, 95, 99};

    enum class Gauge { Active, Idle, ActivePlusIdle, Pending, Total, Max, UtilizationPct };
    static constexpr int kGaugeCount = 7;
    enum class Rate {
        RequestsPerS,
        OutputTokensPerS,
        ErrorsPerS,
        RetriesPerS,
        CostUsd,
        CostUsdPerMin
    };
    static constexpr int kRateCount = 6;

    explicit MonitorData(double graceS = 1.0);
    ~MonitorData();
    MonitorData(const MonitorData&) = delete;
    MonitorData& operator=(const MonitorData&) = delete;

    void addSnapshot(const PoolSnapshot& snapshot);
    void addRecord(const RequestRecord& record);
    void clear();

    bool hasOrigin() const { return m_hasOrigin; }
    qint64 originUs() const { return m_originUs; }
    double toSeconds(qint64 us) const { return double(us - m_originUs) / 1e6; }
    double nowS() const { return m_hasOrigin ? toSeconds(m_nowUs) : 0.0; }
    qint64 closedSeconds() const { return m_nextClose; }

    bool hasSnapshot() const { return m_hasSnapshot; }
    const PoolSnapshot& lastSnapshot() const { return m_lastSnapshot; }
    const UtilizationWatch& utilizationWatch() const { return m_watch; }

    const TimeSeriesRing& gauge(Gauge gauge) const { return *m_gauges[size_t(gauge)]; }
    const TimeSeriesRing& rate(Rate rate) const { return *m_rates[size_t(rate)]; }
    // Rolling-window percentile (index into kPercentiles) in milliseconds.
    const TimeSeriesRing& latency(Metric metric, int percentileIndex, Window window) const;
    // Failed requests and retried attempts per second, by error class name, in order of
    // first appearance.
    QStringList errorClasses() const { return m_classes; }
    const TimeSeriesRing* errorSeries(const QString& errorClass) const;
    const TimeSeriesRing* retrySeries(const QString& errorClass) const;
    quint64 errorTotal(const QString& errorClass) const;
    quint64 retryTotal(const QString& errorClass) const;

    // The records of the window ending now (open seconds included), merged exactly.
    LatencyHistogram windowHistogram(Metric metric, Window window) const;
    std::array<LatencyHistogram, kMetricCount> windowHistograms(Window window) const;

    quint64 recordCount() const { return m_recordCount; }
    // Spend so far, per profile and model; the totals below are its total().
    const CostLedger& costLedger() const { return m_ledger; }
    qint64 totalCostPico() const { return m_ledger.total().costPico; }
    quint64 unknownCostRequests() const { return quint64(m_ledger.total().costUnknownRequests); }

    // From the snapshots of the last minute: finished requests per second, and the mean time
    // one request held a connection (retries included), in seconds; -1 when unknown.
    double observedRatePerS() const;
    double meanHoldS() const;

    // The time series at 1 s resolution (coarser for older parts), latency for one window.
    QByteArray csv(Window latencyWindow) const;
    bool exportCsv(const QString& path, Window latencyWindow, QString* error) const;

    qsizetype bucketCount() const; // all points held by all rings: bounded on any run length

private:
    using Histograms = std::array<LatencyHistogram, kMetricCount>;
    struct SecondStats {
        qint64 second = 0;
        quint64 ok = 0;
        quint64 failed = 0;
        quint64 retries = 0;
        qint64 outputTokens = 0;
        qint64 costPico = 0;
        QHash<QString, quint32> errorsByClass;
        QHash<QString, quint32> retriesByClass;
        Histograms latency;
        bool hasLatency() const;
    };
    struct LatencyBlock {
        qint64 index = 0; // seconds [10 * index, 10 * index + 9]
        Histograms latency;
    };
    struct ClassSeries {
        std::unique_ptr<TimeSeriesRing> errors;
        std::unique_ptr<TimeSeriesRing> retries;
        quint64 errorTotal = 0;
        quint64 retryTotal = 0;
    };
    struct WindowCache {
        std::array<std::array<double, 3>, kMetricCount> values{};
        std::array<bool, kMetricCount> valid{};
    };

    void ensureOrigin(qint64 us);
    void advance(qint64 nowUs);
    void closeSecond(qint64 second);
    SecondStats& openSecond(qint64 second);
    ClassSeries& classSeries(const QString& errorClass);
    const SecondStats* closedSecond(qint64 second) const;
    void mergeClosed(qint64 first, qint64 last, Histograms& into) const;
    void recomputeWindow(int windowIndex, qint64 second);

    double m_graceS;
    bool m_hasOrigin = false;
    qint64 m_originUs = 0;
    qint64 m_nowUs = 0;
    qint64 m_nextClose = 0;

    bool m_hasSnapshot = false;
    PoolSnapshot m_lastSnapshot;
    UtilizationWatch m_watch;
    struct CounterSample {
        qint64 takenAtUs = 0;
        quint64 finished = 0;
        qint64 usageUsSum = 0;
    };
    std::deque<CounterSample> m_counterHistory; // the last minute of snapshots

    std::array<std::unique_ptr<TimeSeriesRing>, kGaugeCount> m_gauges;
    std::array<std::unique_ptr<TimeSeriesRing>, kRateCount> m_rates;
    // [window][metric][percentile]
    std::array<std::array<std::array<std::unique_ptr<TimeSeriesRing>, 3>, kMetricCount>,
               kWindowCount>
        m_latency;
    std::array<WindowCache, kWindowCount> m_windowCache;

    QStringList m_classes;
    std::map<QString, ClassSeries> m_classSeries;

    std::map<qint64, SecondStats> m_open;
    std::deque<SecondStats> m_closed;    // the last 5 minutes (+ a block), contiguous seconds
    std::deque<LatencyBlock> m_blocks;   // 10 s merges of m_closed, so windows merge fewer
    Histograms m_wholeRun;               // every closed second
    std::deque<qint64> m_costLastMinute; // picodollars per closed second
    qint64 m_costLastMinuteSum = 0;
    qint64 m_closedCostPico = 0;

    quint64 m_recordCount = 0;
    CostLedger m_ledger;
};

} // namespace poolscope
