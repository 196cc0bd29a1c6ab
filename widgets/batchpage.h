#pragma once

#include "batchrunner.h"
#include "comparisontable.h"
#include "dataset.h"
#include "poolconfig.h"
#include "pricetable.h"

#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;

namespace poolscope {

class BatchSession;
class PoolHost;
class RequestLogModel;

// Runs a dataset through the pool (the same BatchRunner as `poolscope run`): preview with
// line-numbered errors, closed or open loop, a budget and a pre-flight cost estimate, start /
// pause / resume / cancel, progress with ETA, live results and a summary. "No pool vs pool"
// runs the dataset both ways and shows the httpx article's table.
class BatchPage : public QWidget {
    Q_OBJECT
public:
    BatchPage(PoolHost* host, const PriceTable& prices, std::function<PoolConfig()> poolConfig,
              QWidget* parent = nullptr);
    ~BatchPage() override;

    bool loadDataset(const QString& path); // false: the file has errors (shown on the page)
    void setDataset(const Dataset& dataset, const QString& name);
    void setDefaultModel(const QString& model); // the profile's model, for the estimate
    void setPrices(const PriceTable& prices);
    QString estimateText() const;
    bool isRunning() const;
    QList<ComparisonRow> comparison() const { return m_comparison; }
    QString summaryText() const;

public slots:
    void start();
    void togglePause();
    void cancel();
    void compareNoPoolWithPool();

signals:
    void runFinished(const QJsonObject& summary);
    void comparisonFinished();

private:
    enum class Phase { Idle, Single, CompareNoPool, ComparePool };
    QList<ChatRequest> workList() const;
    RunOptions runOptions() const;
    void launch(Phase phase);
    void onProgress(const RunProgress& progress);
    void onFinished(const QJsonObject& summary, int runEnd, double cpuSeconds);
    void updateEstimate();
    void updateButtons();
    void showComparison();
    void exportComparison(bool markdown);

    PoolHost* m_host;
    PriceTable m_prices;
    QString m_defaultModel;
    std::function<PoolConfig()> m_poolConfig;
    BatchSession* m_session;
    Dataset m_dataset;
    Phase m_phase = Phase::Idle;
    bool m_paused = false;
    QList<ComparisonRow> m_comparison;

    QLineEdit* m_path;
    QPlainTextEdit* m_preview;
    QComboBox* m_loop;
    QSpinBox* m_concurrency;
    QDoubleSpinBox* m_rate;
    QSpinBox* m_maxTokens;
    QCheckBox* m_stream;
    QDoubleSpinBox* m_budget;
    QLabel* m_estimate;
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_cancel;
    QPushButton* m_compare;
    QProgressBar* m_progress;
    QLabel* m_eta;
    RequestLogModel* m_results;
    QTableView* m_resultsView;
    QLabel* m_summary;
    QTableWidget* m_comparisonTable;
    QPushButton* m_exportMarkdown;
    QPushButton* m_exportCsv;
};

} // namespace poolscope
