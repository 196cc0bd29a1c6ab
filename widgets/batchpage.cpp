#include "batchpage.h"

#include "batchsession.h"
#include "durationtext.h"
#include "monotonicclock.h"
#include "poolhost.h"
#include "providercodec.h"
#include "requestlogmodel.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>

using namespace Qt::StringLiterals;

namespace poolscope {

BatchPage::BatchPage(PoolHost* host, const PriceTable& prices,
                     std::function<PoolConfig()> poolConfig, QWidget* parent)
    : QWidget(parent)
    , m_host(host)
    , m_prices(prices)
    , m_poolConfig(std::move(poolConfig))
    , m_session(new BatchSession(host, this))
    , m_path(new QLineEdit(this))
    , m_preview(new QPlainTextEdit(this))
    , m_loop(new QComboBox(this))
    , m_concurrency(new QSpinBox(this))
    , m_rate(new QDoubleSpinBox(this))
    , m_maxTokens(new QSpinBox(this))
    , m_stream(new QCheckBox(tr("Stream"), this))
    , m_budget(new QDoubleSpinBox(this))
    , m_estimate(new QLabel(this))
    , m_start(new QPushButton(tr("Start"), this))
    , m_pause(new QPushButton(tr("Pause"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_compare(new QPushButton(tr("No pool vs pool"), this))
    , m_progress(new QProgressBar(this))
    , m_eta(new QLabel(this))
    , m_results(new RequestLogModel(this))
    , m_resultsView(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_comparisonTable(new QTableWidget(this))
    , m_exportMarkdown(new QPushButton(tr("Export Markdown…"), this))
    , m_exportCsv(new QPushButton(tr("Export CSV…"), this)) {
    setObjectName(u"batchPage"_s);
    m_start->setObjectName(u"startButton"_s);
    m_compare->setObjectName(u"compareButton"_s);
    m_summary->setObjectName(u"summary"_s);
    m_resultsView->setObjectName(u"resultsView"_s);
    m_comparisonTable->setObjectName(u"comparisonTable"_s);
    m_estimate->setObjectName(u"estimate"_s);

    m_path->setReadOnly(true);
    m_path->setPlaceholderText(tr("Open a dataset: .txt (a prompt per line), .jsonl or .csv"));
    auto* open = new QPushButton(tr("Open…"), this);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a dataset (Ctrl+O)"));
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open dataset"), QString(),
            tr("Datasets (*.txt *.jsonl *.ndjson *.csv);;All files (*)"));
        if (!path.isEmpty())
            loadDataset(path);
    });
    m_preview->setReadOnly(true);
    m_preview->setMaximumBlockCount(400);
    m_preview->setPlaceholderText(tr("The first prompts, and any bad lines by number, show here."));

    m_loop->addItem(tr("Closed loop: requests in flight"));
    m_loop->addItem(tr("Open loop: arrivals per second"));
    m_loop->setToolTip(tr("Closed loop keeps N requests in flight. Open loop sends Poisson "
                          "arrivals at a rate and measures latency from each intended start "
                          "(no coordinated omission)."));
    m_concurrency->setRange(1, 10000);
    m_concurrency->setValue(10);
    m_rate->setRange(0.1, 100000);
    m_rate->setValue(10);
    m_rate->setSuffix(tr(" req/s"));
    m_rate->setVisible(false);
    m_maxTokens->setRange(0, 1000000);
    m_maxTokens->setSpecialValueText(tr("API default"));
    m_maxTokens->setValue(256);
    m_budget->setRange(0, 1000000);
    m_budget->setDecimals(4);
    m_budget->setPrefix(u"$"_s);
    m_budget->setSpecialValueText(tr("no budget"));
    m_budget->setToolTip(tr("New requests stop once spent plus the worst case of those in "
                            "flight would pass the budget."));
    m_stream->setChecked(true);

    auto* settings = new QFormLayout;
    auto* datasetRow = new QHBoxLayout;
    datasetRow->addWidget(m_path, 1);
    datasetRow->addWidget(open);
    settings->addRow(tr("Dataset"), datasetRow);
    auto* loadRow = new QHBoxLayout;
    loadRow->addWidget(m_loop);
    loadRow->addWidget(m_concurrency);
    loadRow->addWidget(m_rate);
    loadRow->addStretch();
    settings->addRow(tr("Load"), loadRow);
    auto* requestRow = new QHBoxLayout;
    requestRow->addWidget(new QLabel(tr("Max tokens"), this));
    requestRow->addWidget(m_maxTokens);
    requestRow->addWidget(m_stream);
    requestRow->addSpacing(20);
    requestRow->addWidget(new QLabel(tr("Budget"), this));
    requestRow->addWidget(m_budget);
    requestRow->addStretch();
    settings->addRow(tr("Requests"), requestRow);
    settings->addRow(tr("Pre-flight"), m_estimate);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_cancel);
    buttons->addSpacing(20);
    buttons->addWidget(m_compare);
    buttons->addStretch();
    buttons->addWidget(m_progress, 2);
    buttons->addWidget(m_eta);
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_start->setToolTip(tr("Run the dataset through the pool (Ctrl+R)"));
    m_compare->setToolTip(tr("Run the dataset twice, with a fresh connection per request and "
                             "through the pool, and compare"));

    m_resultsView->setModel(m_results);
    m_resultsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_resultsView->horizontalHeader()->setStretchLastSection(true);
    m_resultsView->verticalHeader()->hide();
    m_resultsView->setWordWrap(false);
    m_resultsView->verticalHeader()->setDefaultSectionSize(m_resultsView->fontMetrics().height() +
                                                           6);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);

    m_comparisonTable->setColumnCount(8);
    m_comparisonTable->setHorizontalHeaderLabels({tr("Client"), tr("Avg (ms)"), tr("p50 (ms)"),
                                                  tr("p95 (ms)"), tr("Success"), tr("Throughput"),
                                                  tr("CPU / request"), tr("Connections")});
    m_comparisonTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_comparisonTable->verticalHeader()->hide();
    m_comparisonTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_comparisonTable->setMaximumHeight(110);
    auto* comparisonBox = new QGroupBox(tr("No pool vs pool"), this);
    auto* comparisonLayout = new QVBoxLayout(comparisonBox);
    comparisonLayout->addWidget(m_comparisonTable);
    auto* exportRow = new QHBoxLayout;
    exportRow->addWidget(new QLabel(tr("CPU is this process's, the built-in simulator included "
                                       "when it is the server."),
                                    this),
                         1);
    exportRow->addWidget(m_exportMarkdown);
    exportRow->addWidget(m_exportCsv);
    comparisonLayout->addLayout(exportRow);
    connect(m_exportMarkdown, &QPushButton::clicked, this, [this] { exportComparison(true); });
    connect(m_exportCsv, &QPushButton::clicked, this, [this] { exportComparison(false); });

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_preview);
    split->addWidget(m_resultsView);
    split->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(settings);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    layout->addWidget(m_summary);
    layout->addWidget(comparisonBox);

    connect(m_loop, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_concurrency->setVisible(index == 0);
        m_rate->setVisible(index == 1);
    });
    connect(m_maxTokens, &QSpinBox::valueChanged, this, &BatchPage::updateEstimate);
    connect(m_start, &QPushButton::clicked, this, &BatchPage::start);
    connect(m_pause, &QPushButton::clicked, this, &BatchPage::togglePause);
    connect(m_cancel, &QPushButton::clicked, this, &BatchPage::cancel);
    connect(m_compare, &QPushButton::clicked, this, &BatchPage::compareNoPoolWithPool);
    connect(m_session, &BatchSession::recordsReady, m_results, &RequestLogModel::addRecords);
    connect(m_session, &BatchSession::progressed, this, &BatchPage::onProgress);
    connect(m_session, &BatchSession::finished, this, &BatchPage::onFinished);
    updateEstimate();
    updateButtons();
}

BatchPage::~BatchPage() = default;

bool BatchPage::loadDataset(const QString& path) {
    setDataset(poolscope::loadDataset(path), path);
    return m_dataset.ok();
}

void BatchPage::setDataset(const Dataset& dataset, const QString& name) {
    m_dataset = dataset;
    m_path->setText(name);
    QString text;
    if (!dataset.fileError.isEmpty())
        text += tr("Cannot use this file: %1\n").arg(dataset.fileError);
    for (const DatasetError& error : dataset.errors.mid(0, 50))
        text += tr("Bad line — %1\n").arg(error.toString());
    if (dataset.errors.size() > 50)
        text += tr("… and %1 more bad lines\n").arg(dataset.errors.size() - 50);
    if (!dataset.errors.isEmpty())
        text += tr("Fix the lines above: nothing runs while the file has errors.\n\n");
    text += tr("%n prompt(s)", nullptr, int(dataset.items.size())) + u'\n';
    for (const DatasetItem& item : dataset.items.mid(0, 20)) {
        const QString prompt = item.request.messages.isEmpty()
                                   ? QString()
                                   : item.request.messages.last().content.simplified();
        text += tr("line %1: %2\n").arg(item.line).arg(prompt.left(160));
    }
    m_preview->setPlainText(text);
    updateEstimate();
    updateButtons();
}

QList<ChatRequest> BatchPage::workList() const {
    QList<ChatRequest> work;
    work.reserve(m_dataset.items.size());
    for (const DatasetItem& item : m_dataset.items) {
        ChatRequest request = item.request;
        request.stream = m_stream->isChecked();
        if (request.maxTokens < 0 && m_maxTokens->value() > 0)
            request.maxTokens = m_maxTokens->value();
        work.append(request);
    }
    return work;
}

RunOptions BatchPage::runOptions() const {
    RunOptions options;
    if (m_loop->currentIndex() == 0)
        options.concurrency = m_concurrency->value();
    else
        options.ratePerSecond = m_rate->value();
    options.budgetUsd = m_budget->value();
    return options;
}

void BatchPage::setDefaultModel(const QString& model) {
    m_defaultModel = model;
    updateEstimate();
}

void BatchPage::setPrices(const PriceTable& prices) {
    m_prices = prices;
    updateEstimate();
}

QString BatchPage::estimateText() const {
    return m_estimate->text();
}

void BatchPage::updateEstimate() {
    if (m_dataset.items.isEmpty()) {
        m_estimate->setText(tr("open a dataset to see what it may cost"));
        return;
    }
    // The model is the dataset's own or, when it names none, the profile's (the pool fills it
    // in); a spin box at 0 leaves max tokens to the API, and the estimate assumes what the
    // budget assumes (pool/costestimate.h).
    const CostEstimate estimate =
        estimateCost(m_dataset.items, m_prices, m_defaultModel,
                     m_maxTokens->value() > 0 ? m_maxTokens->value() : -1);
    QString text;
    if (estimate.pricedRequests() > 0)
        text = tr("about %1, at most %2 if every answer uses max tokens")
                   .arg(formatApproxUsd(estimate.expectedPico, UsdRounding::Nearest),
                        formatApproxUsd(estimate.worstCasePico, UsdRounding::Up));
    if (estimate.unknownPriceRequests > 0) {
        QStringList models;
        for (auto it = estimate.unknownPriceModels.begin(); it != estimate.unknownPriceModels.end();
             ++it)
            models.append(it.key().isEmpty() ? tr("(no model)") : it.key());
        if (!text.isEmpty())
            text += tr(" — ");
        text += tr("%n prompt(s) for models with no price (%1): cost unknown", nullptr,
                   int(estimate.unknownPriceRequests))
                    .arg(models.join(u", "_s));
    }
    m_estimate->setText(text);
}

void BatchPage::start() {
    launch(Phase::Single);
}

void BatchPage::compareNoPoolWithPool() {
    m_comparison.clear();
    m_comparisonTable->setRowCount(0);
    launch(Phase::CompareNoPool);
}

void BatchPage::launch(Phase phase) {
    if (m_session->isRunning())
        return;
    if (!m_dataset.ok() || m_dataset.items.isEmpty()) {
        QMessageBox::information(this, tr("Batch"),
                                 m_dataset.items.isEmpty()
                                     ? tr("Open a dataset first.")
                                     : tr("The dataset has bad lines; they are listed in the "
                                          "preview. Fix them and open it again."));
        return;
    }
    m_phase = phase;
    m_paused = false;
    PoolConfig config = m_poolConfig();
    if (phase == Phase::CompareNoPool)
        config.noPool = true;
    if (phase == Phase::CompareNoPool || phase == Phase::ComparePool)
        m_host->setConfig(config); // queued ahead of the runner's start
    m_results->clear();
    m_results->setTimeOrigin(monotonicNowUs()); // the log counts seconds from this run's start
    m_progress->setRange(0, int(m_dataset.items.size()));
    m_progress->setValue(0);
    m_summary->setText(phase == Phase::CompareNoPool ? tr("Running without a pool…")
                       : phase == Phase::ComparePool ? tr("Running through the pool…")
                                                     : tr("Running…"));
    m_session->start(workList(), runOptions(), m_prices);
    updateButtons();
}

void BatchPage::togglePause() {
    if (!m_session->isRunning())
        return;
    m_paused = !m_paused;
    m_session->setPaused(m_paused);
    updateButtons();
}

void BatchPage::cancel() {
    if (m_phase == Phase::CompareNoPool || m_phase == Phase::ComparePool)
        m_phase = Phase::Single; // do not go on to the second half
    m_session->cancel();
}

bool BatchPage::isRunning() const {
    return m_session->isRunning();
}

QString BatchPage::summaryText() const {
    return m_summary->text();
}

void BatchPage::onProgress(const RunProgress& p) {
    m_progress->setMaximum(int(p.total));
    m_progress->setValue(int(p.completed));
    const double rate = p.elapsedSeconds > 0 ? double(p.completed) / p.elapsedSeconds : 0.0;
    const double eta = rate > 0 ? double(p.total - p.completed) / rate : -1.0;
    m_eta->setText(tr("%1 req/s · ETA %2 · %3 failed")
                       .arg(QString::number(rate, 'f', 1), durationText(eta))
                       .arg(p.failed));
}

void BatchPage::onFinished(const QJsonObject& summary, int runEnd, double cpuSeconds) {
    const Phase phase = std::exchange(m_phase, Phase::Idle);
    const QJsonObject latency = summary.value(u"latency_ms"_s).toObject();
    const double requests = summary.value(u"requests"_s).toDouble();
    const double succeeded = summary.value(u"succeeded"_s).toDouble();
    const QJsonObject tokens = summary.value(u"tokens"_s).toObject();
    QString text =
        tr("%1 of %2 succeeded (%3%) in %4 s · latency avg %5 / p50 %6 / p95 %7 / p99 %8 ms · "
           "%9 req/s · tokens %10 in, %11 out · cost $%12")
            .arg(succeeded)
            .arg(requests)
            .arg(QString::number(requests > 0 ? 100.0 * succeeded / requests : 0.0, 'f', 1))
            .arg(QString::number(summary.value(u"duration_s"_s).toDouble(), 'f', 2))
            .arg(QString::number(latency.value(u"mean"_s).toDouble(), 'f', 1))
            .arg(QString::number(latency.value(u"p50"_s).toDouble(), 'f', 1))
            .arg(QString::number(latency.value(u"p95"_s).toDouble(), 'f', 1))
            .arg(QString::number(latency.value(u"p99"_s).toDouble(), 'f', 1))
            .arg(QString::number(summary.value(u"throughput_rps"_s).toDouble(), 'f', 1))
            .arg(tokens.value(u"prompt"_s).toInteger())
            .arg(tokens.value(u"completion"_s).toInteger())
            .arg(QString::number(summary.value(u"cost_usd"_s).toDouble(), 'f', 6));
    const qint64 unknown = summary.value(u"cost_unknown_requests"_s).toInteger();
    if (unknown > 0)
        text += tr(" + unknown for %n request(s) with no price", nullptr, int(unknown));
    if (runEnd == int(RunEnd::BudgetReached))
        text += tr(" · stopped: the budget was reached");
    else if (runEnd == int(RunEnd::Stopped))
        text += tr(" · cancelled");
    m_summary->setText(text);

    if (phase == Phase::CompareNoPool && runEnd == int(RunEnd::Completed)) {
        m_comparison.append(ComparisonRow::fromSummary(tr("No pool (a new connection per request)"),
                                                       summary, cpuSeconds));
        showComparison();
        launch(Phase::ComparePool);
        return;
    }
    if (phase == Phase::ComparePool) {
        m_host->setConfig(m_poolConfig()); // back to the profile's own settings
        if (runEnd == int(RunEnd::Completed)) {
            m_comparison.append(ComparisonRow::fromSummary(
                tr("Pool (max %1)").arg(m_poolConfig().maxConnections), summary, cpuSeconds));
            showComparison();
            emit comparisonFinished();
        }
    } else if (phase == Phase::CompareNoPool) {
        m_host->setConfig(m_poolConfig());
    }
    updateButtons();
    emit runFinished(summary);
}

void BatchPage::showComparison() {
    m_comparisonTable->setRowCount(int(m_comparison.size()));
    for (int row = 0; row < m_comparison.size(); ++row) {
        const ComparisonRow& r = m_comparison[row];
        const QStringList cells{r.label,
                                QString::number(r.avgMs, 'f', 1),
                                QString::number(r.p50Ms, 'f', 1),
                                QString::number(r.p95Ms, 'f', 1),
                                QString::number(r.successRate * 100.0, 'f', 1) + u" %"_s,
                                QString::number(r.throughputRps, 'f', 1) + u" req/s"_s,
                                QString::number(r.cpuMsPerRequest, 'f', 3) + u" ms"_s,
                                QString::number(r.connectionsOpened)};
        for (int column = 0; column < cells.size(); ++column)
            m_comparisonTable->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
    updateButtons();
}

void BatchPage::exportComparison(bool markdown) {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export comparison"),
                                     markdown ? u"no-pool-vs-pool.md"_s : u"no-pool-vs-pool.csv"_s,
                                     markdown ? tr("Markdown (*.md)") : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        QMessageBox::warning(this, tr("Export"), file.errorString());
        return;
    }
    file.write(
        (markdown ? comparisonMarkdown(m_comparison) : comparisonCsv(m_comparison)).toUtf8());
    if (!file.commit())
        QMessageBox::warning(this, tr("Export"), file.errorString());
}

void BatchPage::updateButtons() {
    const bool running = m_session->isRunning();
    const bool ready = m_dataset.ok() && !m_dataset.items.isEmpty();
    m_start->setEnabled(!running && ready);
    m_compare->setEnabled(!running && ready);
    m_pause->setEnabled(running);
    m_pause->setText(m_paused ? tr("Resume") : tr("Pause"));
    m_cancel->setEnabled(running);
    m_exportMarkdown->setEnabled(!m_comparison.isEmpty() && !running);
    m_exportCsv->setEnabled(!m_comparison.isEmpty() && !running);
}

} // namespace poolscope
