#include "latencyhistogram.h"

#include <QJsonValue>

#include <algorithm>
#include <bit>
#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {
constexpr int kSubBits = 7;
constexpr qint64 kSub = qint64(1) << kSubBits; // 128 buckets per power of two
} // namespace

int LatencyHistogram::bucketIndex(qint64 value) {
    if (value < kSub)
        return int(std::max<qint64>(0, value));
    const int exponent = int(std::bit_width(quint64(value))) - 1; // >= kSubBits
    const int shift = exponent - kSubBits;
    const qint64 sub = (value >> shift) - kSub; // 0 … 127
    return int(kSub + qint64(shift) * kSub + sub);
}

qint64 LatencyHistogram::bucketMidpoint(int index) {
    if (index < kSub)
        return index;
    const int shift = int((index - kSub) / kSub);
    const qint64 sub = (index - kSub) % kSub;
    const qint64 lower = (kSub + sub) << shift;
    return lower + ((qint64(1) << shift) >> 1);
}

void LatencyHistogram::record(qint64 value) {
    value = std::max<qint64>(0, value);
    const int index = bucketIndex(value);
    if (size_t(index) >= m_buckets.size())
        m_buckets.resize(size_t(index) + 1, 0);
    ++m_buckets[size_t(index)];
    if (m_count == 0 || value < m_min)
        m_min = value;
    if (m_count == 0 || value > m_max)
        m_max = value;
    ++m_count;
    m_sum += value;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    if (other.m_count == 0)
        return;
    if (other.m_buckets.size() > m_buckets.size())
        m_buckets.resize(other.m_buckets.size(), 0);
    for (size_t i = 0; i < other.m_buckets.size(); ++i)
        m_buckets[i] += other.m_buckets[i];
    m_min = m_count ? std::min(m_min, other.m_min) : other.m_min;
    m_max = m_count ? std::max(m_max, other.m_max) : other.m_max;
    m_count += other.m_count;
    m_sum += other.m_sum;
}

void LatencyHistogram::clear() {
    std::fill(m_buckets.begin(), m_buckets.end(), 0);
    m_count = 0;
    m_sum = m_min = m_max = 0;
}

qint64 LatencyHistogram::percentile(double p) const {
    if (m_count == 0)
        return 0;
    p = std::clamp(p, 0.0, 100.0);
    // The nearest-rank definition: the smallest value with at least p% of values at or below.
    const quint64 rank = std::max<quint64>(1, quint64(std::ceil(p / 100.0 * double(m_count))));
    quint64 seen = 0;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= rank)
            return std::clamp(bucketMidpoint(int(i)), m_min, m_max);
    }
    return m_max;
}

QJsonObject LatencyHistogram::summaryMs() const {
    auto ms = [this](qint64 us) {
        return m_count ? QJsonValue(std::round(double(us)) / 1000.0) : QJsonValue();
    };
    return QJsonObject{
        {u"mean"_s, m_count ? QJsonValue(std::round(mean()) / 1000.0) : QJsonValue()},
        {u"p50"_s, ms(percentile(50))},
        {u"p90"_s, ms(percentile(90))},
        {u"p95"_s, ms(percentile(95))},
        {u"p99"_s, ms(percentile(99))},
        {u"max"_s, ms(max())},
    };
}

} // namespace poolscope
