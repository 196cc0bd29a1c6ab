#include "poolmonitorpage.h"

#include "figuretable.h"
#include "headlinepanel.h"
#include "livechart.h"
#include "pricetable.h"
#include "requestdetailview.h"
#include "requestlogfilter.h"
#include "requestlogmodel.h"
#include "sizingadvisorpanel.h"
#include "spendbreakdown.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

using Window = MonitorData::Window;
using Metric = MonitorData::Metric;
using Gauge = MonitorData::Gauge;
using Rate = MonitorData::Rate;

constexpr int kMaxChartPoints = 800; // about one per pixel column of a chart
// Per-second error counts are spikes of 1: fewer, averaged points read as a rate.
constexpr int kErrorChartPoints = 100;

const QList<QColor>& classColors() {
    static const QList<QColor> colors{
        QColor(0xc6, 0x28, 0x28), QColor(0x6a, 0x1b, 0x9a), QColor(0xef, 0x6c, 0x00),
        QColor(0x00, 0x83, 0x8f), QColor(0x5d, 0x40, 0x37), QColor(0xad, 0x14, 0x57),
        QColor(0x28, 0x35, 0x93), QColor(0x55, 0x8b, 0x2f),
    };
    return colors;
}

// Latency lines and their table rows: one color per metric.
QColor metricColor(Metric metric) {
    static const QColor colors[] = {QColor(0x15, 0x65, 0xc0), QColor(0x8e, 0x24, 0xaa),
                                    QColor(0xef, 0x6c, 0x00)};
    return colors[int(metric)];
}

QString durationText(double ms) {
    if (ms < 0)
        return u"\u2014"_s;
    if (ms >= 10000)
        return QString::number(ms / 1000.0, 'f', 1) + u" s"_s;
    if (ms >= 1000)
        return QString::number(ms / 1000.0, 'f', 2) + u" s"_s;
    return QString::number(ms, 'f', ms < 10 ? 1 : 0) + u" ms"_s;
}

// A table that sits beside a chart as its legend or its numbers.
FigureTable* makeLegendTable(const QString& objectName) {
    auto* table = new FigureTable();
    table->setObjectName(objectName);
    return table;
}

QWidget* besideLegend(QWidget* chart, FigureTable* legend) {
    auto* body = new QWidget();
    auto* row = new QHBoxLayout(body);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);
    // A third of a 1600-pixel window holds both only if the chart gives up some of its usual
    // minimum width.
    chart->setMinimumWidth(240);
    row->addWidget(chart, 1);
    row->addWidget(legend);
    return body;
}

QString usdText(double usd) {
    const double magnitude = std::abs(usd);
    const int decimals = magnitude >= 100 ? 2 : magnitude >= 1 ? 3 : magnitude >= 0.01 ? 4 : 6;
    return u"$"_s + QString::number(usd, 'f', decimals);
}

QString metricTitle(Metric metric) {
    switch (metric) {
    case Metric::E2e:
        return PoolMonitorPage::tr("E2E");
    case Metric::Ttft:
        return PoolMonitorPage::tr("TTFT");
    case Metric::Queue:
        return PoolMonitorPage::tr("Queue");
    }
    return {};
}

QString latencyWindowName(Window window) {
    switch (window) {
    case Window::TenSeconds:
        return PoolMonitorPage::tr("10 s");
    case Window::OneMinute:
        return PoolMonitorPage::tr("60 s");
    case Window::FiveMinutes:
        return PoolMonitorPage::tr("5 min");
    case Window::WholeRun:
        return PoolMonitorPage::tr("whole run");
    }
    return {};
}

QString latencyKey(Metric metric, int percentileIndex) {
    return MonitorData::metricKey(metric) + u"_p"_s +
           QString::number(MonitorData::kPercentiles[size_t(percentileIndex)]);
}

// A titled frame around one chart, with room for a summary or controls in its header.
QFrame* makePanel(const QString& objectName, const QString& title, QWidget* content,
                  const QList<QWidget*>& headerWidgets, QWidget* parent) {
    auto* panel = new QFrame(parent);
    panel->setObjectName(objectName);
    panel->setFrameShape(QFrame::StyledPanel);
    panel->setStyleSheet(u"QFrame#"_s + objectName +
                         u" { background: white; border: 1px solid #d0d0d0;"
                         u" border-radius: 4px; }"_s);
    auto* titleLabel = new QLabel(title, panel);
    QFont font = titleLabel->font();
    font.setBold(true);
    titleLabel->setFont(font);
    auto* header = new QHBoxLayout();
    header->setContentsMargins(8, 6, 8, 0);
    header->addWidget(titleLabel);
    header->addStretch(1);
    for (QWidget* widget : headerWidgets)
        header->addWidget(widget);
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(1, 1, 1, 1);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(content, 1);
    return panel;
}

QLabel* makeSummaryLabel(const QString& objectName, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setStyleSheet(u"color: #555555;"_s);
    return label;
}

} // namespace

PoolMonitorPage::PoolMonitorPage(QWidget* parent)
    : QWidget(parent)
    , m_data(std::make_unique<MonitorData>()) {
    setObjectName(u"poolMonitorPage"_s);
    m_redrawTimer.setSingleShot(true);
    m_redrawTimer.setInterval(kRedrawIntervalMs);
    connect(&m_redrawTimer, &QTimer::timeout, this, &PoolMonitorPage::refresh);

    m_banner = new QLabel(this);
    m_banner->setObjectName(u"utilizationWarning"_s);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(u"QLabel { background: #fdecea; color: #8e1b1b;"
                            u" border: 1px solid #e57373; border-radius: 4px; padding: 6px 10px;"
                            u" font-weight: 600; }"_s);
    m_banner->hide();

    m_headline = new HeadlinePanel(this);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"monitorSplitter"_s);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(buildCharts());
    splitter->addWidget(buildLog());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addWidget(buildToolbar());
    layout->addWidget(m_banner);
    layout->addWidget(m_headline);
    layout->addWidget(splitter, 1);

    refresh();
}

PoolMonitorPage::~PoolMonitorPage() = default;

QWidget* PoolMonitorPage::buildToolbar() {
    auto* bar = new QWidget(this);
    m_spanCombo = new QComboBox(bar);
    m_spanCombo->setObjectName(u"timeSpan"_s);
    m_spanCombo->addItem(tr("Last minute"), 60);
    m_spanCombo->addItem(tr("Last 5 minutes"), 300);
    m_spanCombo->addItem(tr("Last 15 minutes"), 900);
    m_spanCombo->addItem(tr("Last hour"), 3600);
    m_spanCombo->addItem(tr("Whole run"), 0);
    m_spanCombo->setCurrentIndex(1);
    connect(m_spanCombo, &QComboBox::currentIndexChanged, this, &PoolMonitorPage::refresh);

    m_pauseButton = new QPushButton(tr("Pause"), bar);
    m_pauseButton->setObjectName(u"pause"_s);
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Freeze the charts and the request log to look at them; data "
                                 "keeps being collected and appears on resume. The numbers "
                                 "above the charts stay live."));
    connect(m_pauseButton, &QPushButton::toggled, this, &PoolMonitorPage::setPaused);

    m_resetZoomButton = new QPushButton(tr("Reset zoom"), bar);
    m_resetZoomButton->setObjectName(u"resetZoom"_s);
    m_resetZoomButton->setEnabled(false);
    m_resetZoomButton->setToolTip(tr("Drag across a chart to zoom into a time span; this (or a "
                                     "right click on the chart) returns to the live view"));
    connect(m_resetZoomButton, &QPushButton::clicked, this, &PoolMonitorPage::resetZoom);

    m_status = new QLabel(bar);
    m_status->setObjectName(u"monitorStatus"_s);
    m_status->setStyleSheet(u"color: #555555;"_s);

    auto* exportPng = new QPushButton(tr("Export PNG\u2026"), bar);
    exportPng->setObjectName(u"exportPng"_s);
    exportPng->setToolTip(tr("Save the charts as one image"));
    connect(exportPng, &QPushButton::clicked, this, &PoolMonitorPage::exportPngInteractive);
    auto* exportCsv = new QPushButton(tr("Export CSV\u2026"), bar);
    exportCsv->setObjectName(u"exportCsv"_s);
    exportCsv->setToolTip(tr("Save the time series (1 s resolution, coarser for older parts)"));
    connect(exportCsv, &QPushButton::clicked, this, &PoolMonitorPage::exportCsvInteractive);

    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Show"), bar));
    layout->addWidget(m_spanCombo);
    layout->addWidget(m_pauseButton);
    layout->addWidget(m_resetZoomButton);
    layout->addSpacing(12);
    layout->addWidget(m_status, 1);
    layout->addWidget(exportPng);
    layout->addWidget(exportCsv);
    return bar;
}

QWidget* PoolMonitorPage::buildCharts() {
    auto* grid = new QWidget();
    grid->setObjectName(u"chartsGrid"_s);

    // Utilization: active and idle stacked under the max, with the 90% line.
    m_utilizationChart = new LiveChart(tr("connections"), grid);
    m_utilizationChart->setObjectName(u"utilizationChart"_s);
    m_utilizationChart->addArea(u"active"_s, tr("active"), QColor(0x1e, 0x88, 0xe5));
    m_utilizationChart->addArea(u"idle"_s, tr("idle"), QColor(0x90, 0xca, 0xf9), u"active"_s);
    m_utilizationChart->addLine(u"pending"_s, tr("pending"), QColor(0xef, 0x6c, 0x00));
    m_utilizationChart->addLine(u"max"_s, tr("max"), QColor(0x42, 0x42, 0x42), Qt::DashLine, 1.5);
    m_utilizationChart->addLine(u"limit90"_s, tr("90% of max"), QColor(0xe5, 0x39, 0x35),
                                Qt::DotLine, 1.5);
    m_utilizationChart->setValueFormatter(LiveChart::Axis::Left,
                                          [](double v) { return QString::number(v, 'f', 1); });

    // Latency: color by metric, dash by percentile.
    m_latencyChart = new LiveChart(tr("milliseconds"), grid);
    m_latencyChart->setObjectName(u"latencyChart"_s);
    const Qt::PenStyle percentileStyles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine};
    for (int m = 0; m < MonitorData::kMetricCount; ++m)
        for (int p = 0; p < 3; ++p)
            m_latencyChart->addLine(latencyKey(Metric(m), p),
                                    metricTitle(Metric(m)) + u" p"_s +
                                        QString::number(MonitorData::kPercentiles[size_t(p)]),
                                    metricColor(Metric(m)), percentileStyles[p],
                                    p == 0 ? 2.0 : 1.5);
    m_latencyChart->setValueFormatter(LiveChart::Axis::Left, durationText);
    // Nine entries do not fit under the chart: the table beside it is the legend.
    m_latencyChart->chart()->legend()->hide();
    m_latencyChart->setYFloor(LiveChart::Axis::Left, 10);
    m_windowCombo = new QComboBox();
    m_windowCombo->setObjectName(u"latencyWindow"_s);
    m_windowCombo->setToolTip(tr("Each point is a percentile over this window ending at it"));
    for (Window window :
         {Window::TenSeconds, Window::OneMinute, Window::FiveMinutes, Window::WholeRun})
        m_windowCombo->addItem(tr("window %1").arg(latencyWindowName(window)), int(window));
    m_windowCombo->setCurrentIndex(int(m_window));
    connect(m_windowCombo, &QComboBox::currentIndexChanged, this,
            [this] { setLatencyWindow(Window(m_windowCombo->currentData().toInt())); });
    m_latencySummary = makeLegendTable(u"latencySummary"_s);
    QWidget* latencyBody = besideLegend(m_latencyChart, m_latencySummary);

    m_throughputChart = new LiveChart(tr("requests/s"), grid);
    m_throughputChart->setObjectName(u"throughputChart"_s);
    m_throughputChart->addLine(u"requests"_s, tr("requests/s (ok)"), QColor(0x2e, 0x7d, 0x32));
    m_throughputChart->addLine(u"tokens"_s, tr("output tokens/s"), QColor(0x15, 0x65, 0xc0),
                               Qt::SolidLine, 1.5, LiveChart::Axis::Right);
    m_throughputChart->setRightAxisTitle(tr("tokens/s"));
    m_throughputSummary = makeSummaryLabel(u"throughputSummary"_s, grid);

    m_errorChart = new LiveChart(tr("per second"), grid);
    m_errorChart->setObjectName(u"errorChart"_s);
    m_errorChart->setValueFormatter(LiveChart::Axis::Left, [](double v) -> QString {
        return QString::number(v, 'g', 3) + u"/s"_s;
    });
    m_errorSummary = makeSummaryLabel(u"errorSummary"_s, grid);
    // Two entries per class do not fit under the chart: the table beside it is the legend.
    m_errorChart->chart()->legend()->hide();
    m_errorTable = makeLegendTable(u"errorTable"_s);
    QWidget* errorBody = besideLegend(m_errorChart, m_errorTable);

    m_spendChart = new LiveChart(tr("USD, cumulative"), grid);
    m_spendChart->setObjectName(u"spendChart"_s);
    m_spendChart->addLine(u"cost"_s, tr("spent (USD)"), QColor(0x2e, 0x7d, 0x32));
    m_spendChart->addLine(u"costPerMin"_s, tr("USD per minute"), QColor(0xef, 0x6c, 0x00),
                          Qt::SolidLine, 1.5, LiveChart::Axis::Right);
    m_spendChart->setRightAxisTitle(tr("USD/min"));
    m_spendChart->setValueFormatter(LiveChart::Axis::Left, usdText, u"$"_s);
    m_spendChart->setValueFormatter(LiveChart::Axis::Right, usdText, u"$"_s);
    m_spendChart->setYFloor(LiveChart::Axis::Left, 0.001);
    m_spendChart->setYFloor(LiveChart::Axis::Right, 0.001);
    m_spendSummary = makeSummaryLabel(u"spendSummary"_s, grid);
    m_spendSummary->setTextFormat(Qt::RichText);
    // Who spent it: per profile and model, beside the curve.
    m_spendTable = makeLegendTable(u"spendTable"_s);
    m_spendTable->setElidedColumn(0, 90); // long profile and model names
    QWidget* spendBody = besideLegend(m_spendChart, m_spendTable);

    m_advisor = new SizingAdvisorPanel(grid);

    for (LiveChart* chart : charts())
        connect(chart, &LiveChart::zoomedChanged, this, &PoolMonitorPage::onZoomChanged);

    m_chartPanels = {
        makePanel(u"utilizationPanel"_s, tr("Pool utilization"), m_utilizationChart, {}, grid),
        makePanel(u"latencyPanel"_s, tr("Latency percentiles"), latencyBody, {m_windowCombo}, grid),
        makePanel(u"throughputPanel"_s, tr("Throughput"), m_throughputChart, {m_throughputSummary},
                  grid),
        makePanel(u"errorPanel"_s, tr("Errors and retries by class"), errorBody, {m_errorSummary},
                  grid),
        makePanel(u"spendPanel"_s, tr("Spend"), spendBody, {m_spendSummary}, grid),
    };
    QFrame* advisorPanel = makePanel(u"advisorPanel"_s, tr("Sizing advisor"), m_advisor, {}, grid);

    // Three across, like a dashboard: the pool's state on top, what it costs below.
    auto* layout = new QGridLayout(grid);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    for (int i = 0; i < m_chartPanels.size(); ++i)
        layout->addWidget(m_chartPanels[i], i / 3, i % 3);
    layout->addWidget(advisorPanel, 1, 2);
    m_exportPanels = m_chartPanels;
    m_exportPanels.append(advisorPanel); // the verdict belongs with the picture it explains
    for (int column = 0; column < 3; ++column)
        layout->setColumnStretch(column, 1);

    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(u"chartsScroll"_s);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(grid);
    scroll->setMinimumHeight(260);
    return scroll;
}

QWidget* PoolMonitorPage::buildLog() {
    auto* box = new QWidget(this);
    m_logModel = new RequestLogModel(this);
    m_logFilter = new RequestLogFilter(this);
    m_logFilter->setSourceModel(m_logModel);

    m_statusFilter = new QComboBox(box);
    m_statusFilter->setObjectName(u"statusFilter"_s);
    m_statusFilter->addItem(tr("All statuses"), int(RequestLogFilter::Status::All));
    m_statusFilter->addItem(tr("OK only"), int(RequestLogFilter::Status::Ok));
    m_statusFilter->addItem(tr("Errors only"), int(RequestLogFilter::Status::Error));
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_logFilter->setStatusFilter(
            RequestLogFilter::Status(m_statusFilter->currentData().toInt()));
        updateLogCount();
    });
    m_modelFilter = new QComboBox(box);
    m_modelFilter->setObjectName(u"modelFilter"_s);
    m_modelFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_modelFilter->addItem(tr("All models"), QString());
    connect(m_modelFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_logFilter->setModelFilter(m_modelFilter->currentData().toString());
        updateLogCount();
    });
    connect(m_logModel, &RequestLogModel::modelsChanged, this, [this](const QStringList& models) {
        const QString current = m_modelFilter->currentData().toString();
        const QSignalBlocker blocker(m_modelFilter);
        m_modelFilter->clear();
        m_modelFilter->addItem(tr("All models"), QString());
        for (const QString& model : models)
            m_modelFilter->addItem(model, model);
        m_modelFilter->setCurrentIndex(std::max(0, m_modelFilter->findData(current)));
    });
    m_search = new QLineEdit(box);
    m_search->setObjectName(u"logSearch"_s);
    m_search->setPlaceholderText(tr("Search request id, index, error\u2026"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_logFilter->setSearchText(text);
        updateLogCount();
    });
    m_logCount = new QLabel(box);
    m_logCount->setObjectName(u"logCount"_s);
    m_logCount->setStyleSheet(u"color: #555555;"_s);

    m_logView = new QTableView(box);
    m_logView->setObjectName(u"requestLog"_s);
    m_logView->setModel(m_logFilter);
    m_logView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_logView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_logView->setAlternatingRowColors(true);
    m_logView->setWordWrap(false);
    m_logView->setTextElideMode(Qt::ElideMiddle); // long request ids keep both ends
    m_logView->verticalHeader()->hide();
    m_logView->verticalHeader()->setDefaultSectionSize(m_logView->fontMetrics().height() + 6);
    QHeaderView* header = m_logView->horizontalHeader();
    header->setSortIndicatorClearable(true); // a third click returns to newest first
    header->setSortIndicator(-1, Qt::DescendingOrder);
    m_logView->setSortingEnabled(true);
    header->setStretchLastSection(true);
    // Widths from the font: what each column holds is short and predictable.
    const QFontMetrics fm = m_logView->fontMetrics();
    const QString samples[RequestLogModel::ColumnCount] = {u"0000.000"_s,
                                                           u"psr-0123\u2026-0000"_s,
                                                           u"error"_s,
                                                           u"HTTP"_s,
                                                           u"rate_limited"_s,
                                                           u"claude-sonnet-4.5"_s,
                                                           u"Conn."_s,
                                                           u"Reused"_s,
                                                           u"Tries"_s,
                                                           u"Queue ms"_s,
                                                           u"TTFT ms"_s,
                                                           u"E2E ms"_s,
                                                           u"~0000 \u2192 0000"_s,
                                                           u"$0.000000"_s};
    for (int c = 0; c < RequestLogModel::ColumnCount; ++c)
        m_logView->setColumnWidth(c, fm.horizontalAdvance(samples[c]) + 16);
    connect(m_logView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &PoolMonitorPage::showSelectedRecord);
    connect(m_logFilter, &QAbstractItemModel::rowsInserted, this, &PoolMonitorPage::updateLogCount);
    connect(m_logFilter, &QAbstractItemModel::rowsRemoved, this, &PoolMonitorPage::updateLogCount);
    connect(m_logFilter, &QAbstractItemModel::modelReset, this, &PoolMonitorPage::updateLogCount);

    m_detail = new RequestDetailView(box);
    m_detail->setObjectName(u"requestDetail"_s);

    auto* filters = new QHBoxLayout();
    filters->addWidget(new QLabel(tr("Request log"), box));
    filters->addWidget(m_statusFilter);
    filters->addWidget(m_modelFilter);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_logCount);
    auto* logSide = new QWidget(box);
    auto* logLayout = new QVBoxLayout(logSide);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addLayout(filters);
    logLayout->addWidget(m_logView, 1);

    auto* split = new QSplitter(Qt::Horizontal, box);
    split->setObjectName(u"logSplitter"_s);
    split->setChildrenCollapsible(false);
    split->addWidget(logSide);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    updateLogCount();
    return box;
}

QList<LiveChart*> PoolMonitorPage::charts() const {
    return {m_utilizationChart, m_latencyChart, m_throughputChart, m_errorChart, m_spendChart};
}

void PoolMonitorPage::scheduleRedraw() {
    if (!m_liveRedraw) {
        m_dirty = true;
        return;
    }
    // One pending redraw at a time: arrivals in between only update the data.
    if (!m_redrawTimer.isActive())
        m_redrawTimer.start();
}

void PoolMonitorPage::setLiveRedraw(bool live) {
    if (m_liveRedraw == live)
        return;
    m_liveRedraw = live;
    if (live && std::exchange(m_dirty, false))
        refresh();
}

void PoolMonitorPage::addSnapshot(const PoolSnapshot& snapshot) {
    // An idle pool sends the same numbers ten times a second: then once a second is enough
    // to scroll the time axis, and after a while of nothing at all, once every few seconds,
    // so a window left open on a quiet pool stays cheap. Any change redraws at once.
    const bool quiet = m_data->hasSnapshot() && sameActivity(m_data->lastSnapshot(), snapshot);
    if (!quiet)
        m_quietSince.invalidate();
    else if (!m_quietSince.isValid())
        m_quietSince.start();
    m_data->addSnapshot(snapshot);
    updateBanner(); // cheap, and a warning should not wait for a frozen view
    const qint64 interval = m_quietSince.isValid() && m_quietSince.elapsed() > kDormantAfterMs
                                ? kDormantRedrawIntervalMs
                                : kIdleRedrawIntervalMs;
    if (quiet && m_sinceRefresh.isValid() && m_sinceRefresh.elapsed() < interval) {
        if (m_liveRedraw && !m_redrawTimer.isActive())
            m_redrawTimer.start(int(interval - m_sinceRefresh.elapsed()));
        else if (!m_liveRedraw)
            m_dirty = true;
        return;
    }
    scheduleRedraw();
}

bool PoolMonitorPage::sameActivity(const PoolSnapshot& a, const PoolSnapshot& b) {
    return a.active == b.active && a.idle == b.idle && a.pending == b.pending &&
           a.total == b.total && a.max == b.max && a.requestsFinished == b.requestsFinished &&
           a.requestsSubmitted == b.requestsSubmitted && a.waitingRetry == b.waitingRetry;
}

void PoolMonitorPage::addRecords(const QList<RequestRecord>& records) {
    for (const RequestRecord& record : records)
        m_data->addRecord(record);
    m_pendingRecords.append(records);
    // Paused, the log holds back at most what it could show anyway.
    const qsizetype excess = m_pendingRecords.size() - m_logModel->capacity();
    if (excess > 0)
        m_pendingRecords.remove(0, excess);
    scheduleRedraw();
}

void PoolMonitorPage::addRecord(const RequestRecord& record) {
    addRecords({record});
}

void PoolMonitorPage::setPoolLimits(int maxConnections, double rateLimitRpm) {
    m_limitMax = maxConnections;
    m_limitRpm = rateLimitRpm;
    updateAdvisor();
}

void PoolMonitorPage::setPaused(bool paused) {
    if (paused == m_paused)
        return;
    m_paused = paused;
    {
        const QSignalBlocker blocker(m_pauseButton);
        m_pauseButton->setChecked(paused);
    }
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    refresh();
}

void PoolMonitorPage::clear() {
    m_redrawTimer.stop();
    m_data->clear();
    m_spendTable->clear();
    m_pendingRecords.clear();
    m_logModel->clear();
    m_detail->clear();
    m_errorChart->removeAllSeries();
    m_errorTable->clear();
    m_latencySummary->clear();
    m_errorClassesShown.clear();
    for (LiveChart* chart : charts())
        chart->resetZoom();
    m_headline->clear();
    m_banner->hide();
    refresh();
}

void PoolMonitorPage::setLatencyWindow(Window window) {
    m_window = window;
    {
        const QSignalBlocker blocker(m_windowCombo);
        m_windowCombo->setCurrentIndex(m_windowCombo->findData(int(window)));
    }
    refresh();
}

void PoolMonitorPage::setVisibleSpan(int seconds) {
    const int index = m_spanCombo->findData(seconds);
    if (index >= 0)
        m_spanCombo->setCurrentIndex(index); // refreshes
}

int PoolMonitorPage::visibleSpan() const {
    return m_spanCombo->currentData().toInt();
}

bool PoolMonitorPage::isUtilizationWarningShown() const {
    return !m_banner->isHidden();
}

void PoolMonitorPage::refresh() {
    m_redrawTimer.stop();
    m_redrawTimer.setInterval(kRedrawIntervalMs);
    m_sinceRefresh.start();
    ++m_redraws;
    flushRecords();
    if (m_data->hasSnapshot())
        m_headline->showSnapshot(m_data->lastSnapshot());
    // One merge of the window per redraw serves the table and the acquire wait.
    const auto window = m_data->windowHistograms(m_window);
    const LatencyHistogram& queue = window[size_t(Metric::Queue)];
    m_headline->setAcquireWaitP95(queue.count() ? double(queue.percentile(95)) / 1000.0 : -1.0,
                                  latencyWindowName(m_window));
    updateBanner();
    updateLatencySummary(window);
    updateAdvisor();
    if (!m_paused)
        updateCharts();
    updateStatus();
}

void PoolMonitorPage::flushRecords() {
    if (m_paused || m_pendingRecords.isEmpty())
        return;
    m_logModel->setTimeOrigin(m_data->originUs());
    m_logModel->addRecords(m_pendingRecords);
    m_pendingRecords.clear();
}

void PoolMonitorPage::updateCharts() {
    const double now = m_data->nowS();
    const int span = visibleSpan();
    // A young run fills the first minute from the left, then the view scrolls.
    double to = std::max(now, span > 0 ? std::min(double(span), 60.0) : 60.0);
    double from = span > 0 ? std::max(0.0, to - span) : 0.0;
    updateUtilizationChart(from, to);
    updateLatencyChart(from, to);
    updateThroughputChart(from, to);
    updateErrorChart(from, to);
    updateSpendChart(from, to);
}

void PoolMonitorPage::updateUtilizationChart(double from, double to) {
    LiveChart* chart = m_utilizationChart;
    chart->setTimeRange(from, to);
    const auto [a, b] = chart->dataRangeS();
    chart->setPoints(u"active"_s, m_data->gauge(Gauge::Active).points(a, b, kMaxChartPoints));
    chart->setPoints(u"idle"_s, m_data->gauge(Gauge::ActivePlusIdle).points(a, b, kMaxChartPoints));
    chart->setPoints(u"pending"_s, m_data->gauge(Gauge::Pending).points(a, b, kMaxChartPoints));
    QList<QPointF> max = m_data->gauge(Gauge::Max).points(a, b, kMaxChartPoints);
    chart->setPoints(u"max"_s, max);
    for (QPointF& point : max)
        point.setY(point.y() * 0.9);
    chart->setPoints(u"limit90"_s, max);
    const int maxConnections = m_data->hasSnapshot() ? m_data->lastSnapshot().max : m_limitMax;
    chart->setYFloor(LiveChart::Axis::Left, std::max(4, maxConnections + 1));
    chart->rescale();
}

void PoolMonitorPage::updateLatencyChart(double from, double to) {
    LiveChart* chart = m_latencyChart;
    chart->setTimeRange(from, to);
    const auto [a, b] = chart->dataRangeS();
    for (int m = 0; m < MonitorData::kMetricCount; ++m)
        for (int p = 0; p < 3; ++p)
            chart->setPoints(latencyKey(Metric(m), p),
                             m_data->latency(Metric(m), p, m_window).points(a, b, kMaxChartPoints));
    chart->rescale();
}

void PoolMonitorPage::updateThroughputChart(double from, double to) {
    LiveChart* chart = m_throughputChart;
    chart->setTimeRange(from, to);
    const auto [a, b] = chart->dataRangeS();
    const TimeSeriesRing& requests = m_data->rate(Rate::RequestsPerS);
    const TimeSeriesRing& tokens = m_data->rate(Rate::OutputTokensPerS);
    chart->setPoints(u"requests"_s, requests.points(a, b, kMaxChartPoints));
    chart->setPoints(u"tokens"_s, tokens.points(a, b, kMaxChartPoints));
    chart->rescale();
    m_throughputSummary->setText(requests.isEmpty() ? QString()
                                                    : tr("last second: %1 req/s \u00b7 %2 tokens/s")
                                                          .arg(requests.last().y(), 0, 'f', 0)
                                                          .arg(tokens.last().y(), 0, 'f', 0));
}

void PoolMonitorPage::updateErrorChart(double from, double to) {
    LiveChart* chart = m_errorChart;
    const QStringList classes = m_data->errorClasses();
    for (const QString& name : classes) {
        if (m_errorClassesShown.contains(name))
            continue;
        const QColor color = classColors()[m_errorClassesShown.size() % classColors().size()];
        chart->addLine(u"error_"_s + name, name, color, Qt::SolidLine, 2.0);
        chart->addLine(u"retry_"_s + name, tr("%1 (retried)").arg(name), color, Qt::DashLine, 1.5);
        m_errorClassesShown.append(name);
    }
    chart->setTimeRange(from, to);
    const auto [a, b] = chart->dataRangeS();
    quint64 errors = 0;
    quint64 retries = 0;
    for (const QString& name : classes) {
        chart->setPoints(u"error_"_s + name,
                         m_data->errorSeries(name)->points(a, b, kErrorChartPoints));
        chart->setPoints(u"retry_"_s + name,
                         m_data->retrySeries(name)->points(a, b, kErrorChartPoints));
        errors += m_data->errorTotal(name);
        retries += m_data->retryTotal(name);
    }
    chart->rescale();

    QList<FigureTable::Row> rows;
    QStringList notes;
    if (!classes.isEmpty()) {
        rows.append({{}, {tr("failed"), {}, true}, {tr("retried"), {}, true}});
        for (qsizetype i = 0; i < m_errorClassesShown.size(); ++i) {
            const QString& name = m_errorClassesShown[i];
            rows.append({{name, classColors()[i % classColors().size()], true, Qt::AlignLeft},
                         {QString::number(m_data->errorTotal(name))},
                         {QString::number(m_data->retryTotal(name))}});
        }
        notes = QStringList{tr("per second, averaged"), tr("failed solid, retried dashed")};
    }
    m_errorTable->setRows(rows);
    m_errorTable->setNotes(notes);
    m_errorSummary->setText(classes.isEmpty()
                                ? tr("no errors")
                                : tr("%1 failed \u00b7 %2 retries").arg(errors).arg(retries));
}

void PoolMonitorPage::updateSpendChart(double from, double to) {
    LiveChart* chart = m_spendChart;
    chart->setTimeRange(from, to);
    const auto [a, b] = chart->dataRangeS();
    chart->setPoints(u"cost"_s, m_data->rate(Rate::CostUsd).points(a, b, kMaxChartPoints));
    chart->setPoints(u"costPerMin"_s,
                     m_data->rate(Rate::CostUsdPerMin).points(a, b, kMaxChartPoints));
    chart->rescale();
}

void PoolMonitorPage::updateBanner() {
    const UtilizationWatch& watch = m_data->utilizationWatch();
    if (watch.isWarning()) {
        m_banner->setText(
            tr("\u26a0 Pool utilization has been above %1% for %2 s: requests are about to wait "
               "for connections. Consider a larger pool (see the sizing advisor) or less "
               "concurrency.")
                .arg(qRound(watch.threshold() * 100))
                .arg(double(watch.aboveForUs()) / 1e6, 0, 'f', 0));
    }
    if (m_banner->isHidden() == watch.isWarning())
        m_banner->setVisible(watch.isWarning());
}

void PoolMonitorPage::updateLatencySummary(
    const std::array<LatencyHistogram, MonitorData::kMetricCount>& window) {
    QList<FigureTable::Row> rows;
    FigureTable::Row header{{}};
    for (int percentile : MonitorData::kPercentiles)
        header.append({u"p"_s + QString::number(percentile), {}, true});
    rows.append(header);
    for (int m = 0; m < MonitorData::kMetricCount; ++m) {
        const LatencyHistogram& histogram = window[size_t(m)];
        FigureTable::Row row{{metricTitle(Metric(m)), metricColor(Metric(m)), true, Qt::AlignLeft}};
        for (int percentile : MonitorData::kPercentiles) {
            const double ms =
                histogram.count() ? double(histogram.percentile(percentile)) / 1000.0 : -1.0;
            row.append(durationText(ms));
        }
        rows.append(row);
    }
    m_latencySummary->setRows(rows);
    m_latencySummary->setNotes({tr("over the last %1").arg(latencyWindowName(m_window)),
                                tr("p50 solid, p95 dashed, p99 dotted")});
}

void PoolMonitorPage::updateAdvisor() {
    SizingInput input;
    input.observedRatePerS = m_data->observedRatePerS();
    input.meanHoldS = m_data->meanHoldS();
    const PoolSnapshot& snapshot = m_data->lastSnapshot();
    input.maxConnections = snapshot.max > 0 ? snapshot.max : m_limitMax;
    input.rateLimitRpm = m_limitRpm;
    input.rateLimitHeadroom = m_data->hasSnapshot() ? snapshot.rateLimitHeadroom : -1.0;
    m_advisor->setInput(input);

    QString spend = PriceTable::formatUsd(m_data->totalCostPico(), 6);
    QString html = tr("%1 total").arg(spend);
    if (m_data->unknownCostRequests() > 0)
        html +=
            u" \u00b7 <span style='color:#b35c00; font-weight:600'>"_s +
            (m_data->unknownCostRequests() == 1 ? tr("1 request with unknown price, not included")
                                                : tr("%1 requests with unknown price, not included")
                                                      .arg(m_data->unknownCostRequests())) +
            u"</span>"_s;
    m_spendSummary->setText(html);
    m_spendTable->setRows(spendBreakdownRows(m_data->costLedger()));
}

void PoolMonitorPage::updateStatus() {
    QString text;
    if (!m_data->hasOrigin()) {
        text = tr("Waiting for the pool\u2019s first snapshot\u2026");
    } else {
        const qint64 seconds = qint64(m_data->nowS());
        text = tr("t = %1:%2 \u00b7 %3 requests")
                   .arg(seconds / 60)
                   .arg(seconds % 60, 2, 10, QLatin1Char('0'))
                   .arg(m_data->recordCount());
    }
    if (m_paused)
        text += u" \u00b7 "_s + tr("paused");
    m_status->setText(text);
}

void PoolMonitorPage::onZoomChanged() {
    const QList<LiveChart*> all = charts();
    m_resetZoomButton->setEnabled(
        std::any_of(all.begin(), all.end(), [](LiveChart* chart) { return chart->isZoomed(); }));
}

void PoolMonitorPage::resetZoom() {
    for (LiveChart* chart : charts())
        chart->resetZoom();
    refresh();
}

void PoolMonitorPage::showSelectedRecord() {
    const QModelIndex current = m_logView->currentIndex();
    if (!current.isValid()) {
        m_detail->clear();
        return;
    }
    const QModelIndex source = m_logFilter->mapToSource(current);
    m_detail->showRecord(m_logModel->recordAt(source.row()));
}

void PoolMonitorPage::updateLogCount() {
    m_logCount->setText(
        tr("%1 of %2 shown").arg(m_logFilter->rowCount()).arg(m_logModel->rowCount()));
}

bool PoolMonitorPage::exportCsv(const QString& path, QString* error) const {
    return m_data->exportCsv(path, m_window, error);
}

bool PoolMonitorPage::exportPng(const QString& path, QString* error) const {
    // The chart panels and the advisor in their on-screen grid, as one image.
    QList<QPixmap> shots;
    for (QWidget* panel : m_exportPanels)
        shots.append(panel->grab());
    if (shots.isEmpty())
        return false;
    const qreal dpr = shots.first().devicePixelRatio();
    int cellWidth = 0;
    int cellHeight = 0;
    for (const QPixmap& shot : std::as_const(shots)) {
        cellWidth = std::max(cellWidth, shot.width());
        cellHeight = std::max(cellHeight, shot.height());
    }
    const int gap = int(8 * dpr);
    constexpr int kColumns = 3; // as on screen
    const int rows = int((shots.size() + kColumns - 1) / kColumns);
    QImage image(kColumns * cellWidth + (kColumns + 1) * gap, rows * cellHeight + (rows + 1) * gap,
                 QImage::Format_RGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        for (int i = 0; i < shots.size(); ++i) {
            const int x = gap + (i % kColumns) * (cellWidth + gap);
            const int y = gap + (i / kColumns) * (cellHeight + gap);
            QPixmap shot = shots[i];
            shot.setDevicePixelRatio(1.0); // place by device pixels
            painter.drawPixmap(x, y, shot);
        }
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    if (!image.save(&file, "PNG") || !file.commit()) {
        if (error)
            *error =
                file.errorString().isEmpty() ? tr("could not write the image") : file.errorString();
        return false;
    }
    return true;
}

void PoolMonitorPage::exportPngInteractive() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export charts"), u"poolscope-charts.png"_s, tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportPng(path, &error))
        QMessageBox::warning(this, tr("Export charts"),
                             tr("Could not save %1: %2").arg(path, error));
}

void PoolMonitorPage::exportCsvInteractive() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export time series"), u"poolscope-timeseries.csv"_s, tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error))
        QMessageBox::warning(this, tr("Export time series"),
                             tr("Could not save %1: %2").arg(path, error));
}

} // namespace poolscope
