#pragma once

#include "monitordata.h"
#include "poolsnapshot.h"
#include "requestrecord.h"

#include <QElapsedTimer>
#include <QList>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace poolscope {

class FigureTable;
class HeadlinePanel;
class LiveChart;
class RequestDetailView;
class RequestLogFilter;
class RequestLogModel;
class SizingAdvisorPanel;

// The live pool monitor: charts of utilization, latency percentiles, throughput, errors and
// spend; headline numbers; a warning while the pool runs above 90%; the request log with a
// detail panel; a sizing advisor; PNG and CSV export.
//
// It receives only value types (snapshots about 10 times a second, finished requests in
// batches) and never reaches into the pool. Arrivals only update MonitorData; one timer
// redraws at most 10 times a second, so a burst of records costs one redraw.
class PoolMonitorPage : public QWidget {
    Q_OBJECT
public:
    explicit PoolMonitorPage(QWidget* parent = nullptr);
    ~PoolMonitorPage() override;

    static constexpr int kRedrawIntervalMs = 100;
    static constexpr qint64 kIdleRedrawIntervalMs = 1000;
    static constexpr qint64 kDormantAfterMs = 10000; // quiet this long: redraw less often
    static constexpr qint64 kDormantRedrawIntervalMs = 5000;

    bool exportCsv(const QString& path, QString* error) const;
    bool exportPng(const QString& path, QString* error) const;

    bool isPaused() const { return m_paused; }
    bool isLiveRedraw() const { return m_liveRedraw; }
    bool isUtilizationWarningShown() const;
    MonitorData::Window latencyWindow() const { return m_window; }
    void setLatencyWindow(MonitorData::Window window);
    void setVisibleSpan(int seconds); // 60, 300, 900, 3600; 0 shows the whole run
    int visibleSpan() const;
    int redrawCount() const { return m_redraws; }

    // Read-only views for tests and for the main window.
    const MonitorData& data() const { return *m_data; }
    LiveChart* utilizationChart() const { return m_utilizationChart; }
    LiveChart* latencyChart() const { return m_latencyChart; }
    LiveChart* throughputChart() const { return m_throughputChart; }
    LiveChart* errorChart() const { return m_errorChart; }
    LiveChart* spendChart() const { return m_spendChart; }
    HeadlinePanel* headline() const { return m_headline; }
    SizingAdvisorPanel* advisor() const { return m_advisor; }
    RequestLogModel* logModel() const { return m_logModel; }
    RequestLogFilter* logFilter() const { return m_logFilter; }
    QTableView* logView() const { return m_logView; }
    RequestDetailView* detailView() const { return m_detail; }

public slots:
    void addSnapshot(const poolscope::PoolSnapshot& snapshot);
    void addRecords(const QList<poolscope::RequestRecord>& records);
    void addRecord(const poolscope::RequestRecord& record);
    // For the sizing advisor: the configured maximum and client-side rate limit (0: off).
    void setPoolLimits(int maxConnections, double rateLimitRpm);
    // Off while the page is not on screen (another tab): data keeps flowing in, nothing is
    // drawn, so an idle window costs next to no CPU; switching it on draws at once.
    void setLiveRedraw(bool live);
    void setPaused(bool paused);
    void clear();   // a new run
    void refresh(); // redraw now (the timer calls it)

private:
    void scheduleRedraw();
    void flushRecords();
    void updateCharts();
    void updateUtilizationChart(double from, double to);
    void updateLatencyChart(double from, double to);
    void updateThroughputChart(double from, double to);
    void updateErrorChart(double from, double to);
    void updateSpendChart(double from, double to);
    void updateBanner();
    void
    updateLatencySummary(const std::array<LatencyHistogram, MonitorData::kMetricCount>& window);
    void updateAdvisor();
    void updateStatus();
    void onZoomChanged();
    void resetZoom();
    void showSelectedRecord();
    void updateLogCount();
    void exportPngInteractive();
    void exportCsvInteractive();
    QList<LiveChart*> charts() const;
    QWidget* buildToolbar();
    QWidget* buildCharts();
    QWidget* buildLog();

    std::unique_ptr<MonitorData> m_data;
    QList<RequestRecord> m_pendingRecords; // arrived since the last redraw (or while paused)
    QTimer m_redrawTimer;
    int m_redraws = 0;
    bool m_paused = false;
    MonitorData::Window m_window = MonitorData::Window::OneMinute;
    int m_limitMax = 0;
    double m_limitRpm = 0;

    QComboBox* m_spanCombo = nullptr;
    QPushButton* m_pauseButton = nullptr;
    QPushButton* m_resetZoomButton = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_banner = nullptr;
    HeadlinePanel* m_headline = nullptr;
    QList<QWidget*> m_chartPanels;
    QList<QWidget*> m_exportPanels; // the chart panels and the advisor
    LiveChart* m_utilizationChart = nullptr;
    LiveChart* m_latencyChart = nullptr;
    QComboBox* m_windowCombo = nullptr;
    FigureTable* m_latencySummary = nullptr;
    LiveChart* m_throughputChart = nullptr;
    QLabel* m_throughputSummary = nullptr;
    LiveChart* m_errorChart = nullptr;
    QLabel* m_errorSummary = nullptr;
    FigureTable* m_errorTable = nullptr;
    QStringList m_errorClassesShown;
    LiveChart* m_spendChart = nullptr;
    FigureTable* m_spendTable = nullptr; // per profile and model
    QLabel* m_spendSummary = nullptr;
    SizingAdvisorPanel* m_advisor = nullptr;
    RequestLogModel* m_logModel = nullptr;
    RequestLogFilter* m_logFilter = nullptr;
    QTableView* m_logView = nullptr;
    QComboBox* m_statusFilter = nullptr;
    QComboBox* m_modelFilter = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_logCount = nullptr;
    RequestDetailView* m_detail = nullptr;
    bool m_liveRedraw = true;
    QElapsedTimer m_sinceRefresh;
    QElapsedTimer m_quietSince; // invalid while the pool is doing something
    static bool sameActivity(const PoolSnapshot& a, const PoolSnapshot& b);
    bool m_dirty = false;
};

} // namespace poolscope
