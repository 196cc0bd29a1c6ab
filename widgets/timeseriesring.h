#pragma once

#include <QList>
#include <QPointF>

#include <deque>
#include <limits>

namespace poolscope {

// A time series with bounded memory on a run of any length: several tiers, each holding
// buckets of one resolution (e.g. 0.1 s for the last minute, 1 s for the last hour, 10 s
// beyond). Every tier aggregates every sample, so each is complete on its own; the coarsest tier
// never drops data but doubles its resolution when full, so the whole run stays visible.
class TimeSeriesRing {
public:
    enum class Aggregation {
        Mean, // gauges and rates
        Max,  // peaks (pending, percentiles: never averaged)
        Last, // cumulative counters
    };
    struct Tier {
        double resolutionS = 1.0;
        int capacity = 3600;
    };

    explicit TimeSeriesRing(Aggregation aggregation = Aggregation::Mean,
                            const QList<Tier>& tiers = defaultTiers());

    // 1 s for the last hour, then 10 s (doubling when full) for the rest of the run.
    static QList<Tier> defaultTiers();
    // defaultTiers() with a 0.1 s tier in front for the last minute of 10 Hz gauges.
    static QList<Tier> fineTiers();

    // t in seconds, non-decreasing; an older t is folded into the newest bucket.
    void add(double t, double value);
    void clear();

    bool isEmpty() const { return m_tiers.front().buckets.empty(); }
    QPointF last() const;
    double lastTime() const { return m_lastT; }

    // Points with x in [from, to], from the finest tier that gives at most maxPoints in that
    // span, completed by coarser tiers where the finer one no longer reaches back; re-binned
    // when even the coarsest is too dense. x is the start of each bucket.
    QList<QPointF> points(double from, double to, int maxPoints = 1000) const;
    // Every point at resolution >= minResolutionS (what the CSV export writes).
    QList<QPointF> allPoints(double minResolutionS = 1.0) const;

    int tierCount() const { return int(m_tiers.size()); }
    double tierResolution(int tier) const { return m_tiers[size_t(tier)].resolutionS; }
    int tierSize(int tier) const { return int(m_tiers[size_t(tier)].buckets.size()); }
    int tierCapacity(int tier) const { return m_tiers[size_t(tier)].capacity; }
    qsizetype bucketCount() const; // memory: everything the ring holds

private:
    struct Bucket {
        double start = 0;
        double value = 0;
        quint32 count = 0;
    };
    struct TierData {
        double resolutionS = 1.0;
        int capacity = 0;
        std::deque<Bucket> buckets;
        bool dropped = false; // it has lost its oldest buckets: coarser tiers reach further
    };

    void combine(Bucket& into, const Bucket& from) const;
    void compact(TierData& tier);
    void collect(int tier, double from, double to, QList<QPointF>& out) const;
    QList<QPointF> rebin(const QList<QPointF>& points, double from, double to, int maxPoints) const;

    Aggregation m_aggregation;
    std::deque<TierData> m_tiers; // finest first
    double m_lastT = -std::numeric_limits<double>::infinity();
};

} // namespace poolscope
