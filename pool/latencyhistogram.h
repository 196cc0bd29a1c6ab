#pragma once

#include <QJsonObject>
#include <QtGlobal>

#include <vector>

namespace poolscope {

// A log-linear histogram of non-negative integer values (µs): exact below 128, above it
// 128 linear buckets per power of two, so any percentile is within 0.4% of the true value.
// Percentiles come from here, never from averaging percentiles; histograms merge exactly.
class LatencyHistogram {
public:
    void record(qint64 value);
    void merge(const LatencyHistogram& other);
    void clear();

    quint64 count() const { return m_count; }
    qint64 min() const { return m_count ? m_min : 0; }
    qint64 max() const { return m_count ? m_max : 0; }
    double mean() const { return m_count ? double(m_sum) / double(m_count) : 0.0; }
    qint64 percentile(double p) const; // p in [0, 100]; 0 when empty

    // {mean,p50,p90,p95,p99,max} in milliseconds (values are µs); nulls when empty.
    QJsonObject summaryMs() const;

    static int bucketIndex(qint64 value);
    static qint64 bucketMidpoint(int index);

private:
    std::vector<quint64> m_buckets;
    quint64 m_count = 0;
    qint64 m_sum = 0;
    qint64 m_min = 0;
    qint64 m_max = 0;
};

} // namespace poolscope
