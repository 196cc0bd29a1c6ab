#include "timeseriesring.h"

#include <algorithm>
#include <cmath>

namespace poolscope {

namespace {

// Bucket starts are multiples of the resolution; the epsilon keeps 0.3 / 0.1 in bucket 3.
double bucketStart(double t, double resolution) {
    return std::floor(t / resolution + 1e-9) * resolution;
}

} // namespace

TimeSeriesRing::TimeSeriesRing(Aggregation aggregation, const QList<Tier>& tiers)
    : m_aggregation(aggregation) {
    for (const Tier& tier : tiers)
        m_tiers.push_back(TierData{tier.resolutionS, std::max(2, tier.capacity), {}});
    if (m_tiers.empty())
        m_tiers.push_back(TierData{1.0, 3600, {}});
}

QList<TimeSeriesRing::Tier> TimeSeriesRing::defaultTiers() {
    return {{1.0, 3600}, {10.0, 2160}};
}

QList<TimeSeriesRing::Tier> TimeSeriesRing::fineTiers() {
    return {{0.1, 600}, {1.0, 3600}, {10.0, 2160}};
}

void TimeSeriesRing::combine(Bucket& into, const Bucket& from) const {
    switch (m_aggregation) {
    case Aggregation::Mean: {
        const double total = double(into.count) + double(from.count);
        if (total > 0)
            into.value =
                (into.value * double(into.count) + from.value * double(from.count)) / total;
        break;
    }
    case Aggregation::Max:
        into.value = std::max(into.value, from.value);
        break;
    case Aggregation::Last:
        into.value = from.value;
        break;
    }
    into.count += from.count;
}

void TimeSeriesRing::add(double t, double value) {
    if (!std::isfinite(t) || !std::isfinite(value))
        return;
    m_lastT = std::max(m_lastT, t);
    const size_t lastTier = m_tiers.size() - 1;
    for (size_t i = 0; i < m_tiers.size(); ++i) {
        TierData& tier = m_tiers[i];
        const Bucket sample{bucketStart(t, tier.resolutionS), value, 1};
        if (!tier.buckets.empty() && sample.start <= tier.buckets.back().start) {
            combine(tier.buckets.back(), sample);
            continue;
        }
        tier.buckets.push_back(sample);
        if (int(tier.buckets.size()) > tier.capacity) {
            if (i == lastTier)
                compact(tier);
            else {
                tier.buckets.pop_front();
                tier.dropped = true;
            }
        }
    }
}

void TimeSeriesRing::compact(TierData& tier) {
    const double resolution = tier.resolutionS * 2.0;
    std::deque<Bucket> merged;
    for (const Bucket& bucket : tier.buckets) {
        const Bucket moved{bucketStart(bucket.start, resolution), bucket.value, bucket.count};
        if (!merged.empty() && merged.back().start == moved.start)
            combine(merged.back(), moved);
        else
            merged.push_back(moved);
    }
    tier.buckets = std::move(merged);
    tier.resolutionS = resolution;
}

void TimeSeriesRing::clear() {
    for (TierData& tier : m_tiers) {
        tier.buckets.clear();
        tier.dropped = false;
    }
    m_lastT = -std::numeric_limits<double>::infinity();
}

QPointF TimeSeriesRing::last() const {
    if (isEmpty())
        return {};
    const Bucket& bucket = m_tiers.front().buckets.back();
    return {bucket.start, bucket.value};
}

qsizetype TimeSeriesRing::bucketCount() const {
    qsizetype count = 0;
    for (const TierData& tier : m_tiers)
        count += qsizetype(tier.buckets.size());
    return count;
}

void TimeSeriesRing::collect(int tierIndex, double from, double to, QList<QPointF>& out) const {
    const TierData& tier = m_tiers[size_t(tierIndex)];
    if (tier.buckets.empty())
        return;
    const double oldest = tier.buckets.front().start;
    // Older than this tier reaches: take it from the next, coarser one, up to where this starts.
    if (tier.dropped && oldest > from && tierIndex + 1 < int(m_tiers.size())) {
        const qsizetype before = out.size();
        collect(tierIndex + 1, from, to, out);
        auto firstOverlap = std::find_if(out.begin() + before, out.end(),
                                         [oldest](const QPointF& p) { return p.x() >= oldest; });
        out.erase(firstOverlap, out.end());
    }
    // The bucket straddling `from` is included so a line enters the left edge of the view.
    auto it = std::lower_bound(tier.buckets.begin(), tier.buckets.end(), from - tier.resolutionS,
                               [](const Bucket& b, double t) { return b.start < t; });
    for (; it != tier.buckets.end() && it->start <= to; ++it) {
        if (it->start + tier.resolutionS >= from)
            out.append(QPointF(it->start, it->value));
    }
}

QList<QPointF> TimeSeriesRing::points(double from, double to, int maxPoints) const {
    QList<QPointF> out;
    if (isEmpty() || to < from)
        return out;
    maxPoints = std::max(2, maxPoints);
    const double firstT = m_tiers.back().buckets.front().start;
    const double span = std::min(to, m_lastT) - std::max(from, firstT);
    int tier = 0;
    while (tier + 1 < int(m_tiers.size()) && span / m_tiers[size_t(tier)].resolutionS > maxPoints)
        ++tier;
    collect(tier, from, to, out);
    if (out.size() > maxPoints) {
        const double end = m_lastT + m_tiers.front().resolutionS; // the newest bucket's end
        out = rebin(out, std::max(from, firstT), std::min(to, end), maxPoints);
    }
    return out;
}

QList<QPointF> TimeSeriesRing::allPoints(double minResolutionS) const {
    QList<QPointF> out;
    if (isEmpty())
        return out;
    int tier = 0;
    while (tier + 1 < int(m_tiers.size()) &&
           m_tiers[size_t(tier)].resolutionS < minResolutionS - 1e-9)
        ++tier;
    collect(tier, -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
            out);
    return out;
}

QList<QPointF> TimeSeriesRing::rebin(const QList<QPointF>& points, double from, double to,
                                     int maxPoints) const {
    const double width = std::max(1e-9, (to - from) / double(maxPoints));
    QList<QPointF> out;
    out.reserve(maxPoints + 2);
    double groupKey = std::numeric_limits<double>::quiet_NaN();
    double sum = 0;
    int count = 0;
    for (const QPointF& p : points) {
        const double key = std::floor((p.x() - from) / width);
        if (count == 0 || key != groupKey) {
            if (count > 0 && m_aggregation == Aggregation::Mean)
                out.last().setY(sum / count);
            out.append(p);
            groupKey = key;
            sum = p.y();
            count = 1;
            continue;
        }
        ++count;
        sum += p.y();
        if (m_aggregation == Aggregation::Max)
            out.last().setY(std::max(out.last().y(), p.y()));
        else if (m_aggregation == Aggregation::Last)
            out.last().setY(p.y());
    }
    if (count > 0 && m_aggregation == Aggregation::Mean)
        out.last().setY(sum / count);
    return out;
}

} // namespace poolscope
