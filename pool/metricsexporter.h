#pragma once

#include "poolsnapshot.h"
#include "requestrecord.h"

#include <QHostAddress>
#include <QMap>
#include <QObject>
#include <QString>

#include <array>

class QTcpServer;

namespace poolscope {

// Serves the pool's gauges and the run's counters and latency histograms in the Prometheus text
// exposition format (version 0.0.4) at GET /metrics, so a team can scrape PoolScope when one
// screen is not enough. Fed with value types on the thread it lives on.
class MetricsExporter : public QObject {
    Q_OBJECT
public:
    explicit MetricsExporter(QObject* parent = nullptr);

    bool listen(const QHostAddress& address, quint16 port, QString* error);
    quint16 port() const;

    void updateSnapshot(const poolscope::PoolSnapshot& snapshot);
    void addRecord(const poolscope::RequestRecord& record);
    QByteArray exposition() const;

private:
    // Cumulative buckets in seconds, as Prometheus histograms expect.
    static constexpr std::array<double, 16> kBuckets = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300};
    struct Histogram {
        std::array<quint64, kBuckets.size()> counts{};
        quint64 count = 0;
        double sum = 0;
        void observe(double seconds);
    };
    void serve();

    QTcpServer* m_server = nullptr;
    PoolSnapshot m_snapshot;
    QMap<QString, quint64> m_requests; // "ok" or the error class
    Histogram m_e2e, m_ttft, m_queue;
    qint64 m_promptTokens = 0, m_completionTokens = 0, m_cachedTokens = 0, m_cacheWriteTokens = 0,
           m_reasoningTokens = 0;
    qint64 m_costPico = 0;
    quint64 m_costUnknown = 0;
};

} // namespace poolscope
