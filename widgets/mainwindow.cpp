#include "mainwindow.h"

#include "batchpage.h"
#include "chatpage.h"
#include "connectionpool.h"
#include "poolconfigio.h"
#include "poolhost.h"
#include "poolmonitorpage.h"
#include "poolsettingsform.h"
#include "poolstatuslabel.h"
#include "recordfeed.h"
#include "settingspage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

using namespace Qt::StringLiterals;

namespace poolscope {

MainWindow::MainWindow(const MainWindowContext& context, QWidget* parent)
    : QMainWindow(parent)
    , m_context(context)
    , m_tabs(new QTabWidget(this))
    , m_chat(new ChatPage(context.host, this))
    , m_monitor(new PoolMonitorPage(this))
    , m_batch(new BatchPage(
          context.host, context.prices, [this] { return m_context.poolConfig; }, this))
    , m_settings(new SettingsPage(context.scenarios, this))
    , m_status(new PoolStatusLabel(this))
    , m_feed(new RecordFeed(context.host->pool(), context.prices, this)) {
    setWindowTitle(tr("PoolScope — %1").arg(context.profileName));
    m_chat->setModel(context.model);
    m_batch->setDefaultModel(context.model);
    m_tabs->addTab(m_chat, tr("Playground"));
    m_tabs->addTab(m_monitor, tr("Monitor"));
    m_tabs->addTab(m_batch, tr("Batch"));
    m_tabs->addTab(m_settings, tr("Settings"));
    setCentralWidget(m_tabs);

    // The monitor sees every request, the chat's and the batch's alike.
    ConnectionPool* pool = context.host->pool();
    connect(pool, &ConnectionPool::snapshotReady, m_status, &PoolStatusLabel::showSnapshot);
    connect(pool, &ConnectionPool::snapshotReady, m_monitor, &PoolMonitorPage::addSnapshot);
    connect(m_feed, &RecordFeed::recordsReady, m_monitor, &PoolMonitorPage::addRecords);
    m_monitor->setPoolLimits(context.poolConfig.maxConnections,
                             context.poolConfig.requestsPerMinute);
    connect(m_tabs, &QTabWidget::currentChanged, this,
            [this] { m_monitor->setLiveRedraw(m_tabs->currentWidget() == m_monitor); });

    m_settings->poolForm()->setConfig(context.poolConfig);
    m_settings->setScenario(context.scenario);
    m_settings->setPrices(context.prices);
    m_settings->setEnabled(true);
    connect(m_settings, &SettingsPage::poolConfigApplied, this, &MainWindow::applyPoolConfig);
    connect(m_settings, &SettingsPage::pricesImported, this, &MainWindow::importPrices);
    connect(m_settings, &SettingsPage::scenarioChosen, this, [this](const QString& name) {
        if (m_context.setScenario) {
            m_context.setScenario(name);
            QSettings().setValue(u"simulator/scenario"_s, name);
            statusBar()->showMessage(tr("Simulator scenario: %1").arg(name), 4000);
        }
    });

    auto* profile =
        new QLabel(tr("profile: %1 · model: %2").arg(context.profileName, context.model), this);
    statusBar()->addWidget(profile);
    statusBar()->addPermanentWidget(m_status);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open =
        file->addAction(tr("&Open dataset…"), this, [this] { m_tabs->setCurrentWidget(m_batch); });
    open->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction* clear = file->addAction(tr("&Clear conversation"), m_chat, &ChatPage::clear);
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction* go =
            view->addAction(m_tabs->tabText(i), this, [this, i] { m_tabs->setCurrentIndex(i); });
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About PoolScope"), this, [this] {
        QMessageBox::about(this, tr("About PoolScope"),
                           tr("<b>PoolScope %1</b><p>A monitor and playground for LLM API "
                              "traffic: every request goes through a measured connection "
                              "pool.</p>")
                               .arg(QStringLiteral(POOLSCOPE_VERSION)));
    });

    QSettings settings;
    if (!restoreGeometry(settings.value(u"window/geometry"_s).toByteArray())) {
        // First start: most of the screen, so every chart of the monitor has room.
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1280, 860);
        resize(std::max(1100, available.width() * 9 / 10),
               std::max(760, available.height() * 9 / 10));
    }
    restoreState(settings.value(u"window/state"_s).toByteArray());
    m_tabs->setCurrentIndex(settings.value(u"window/tab"_s, 0).toInt());
    m_monitor->setLiveRedraw(m_tabs->currentWidget() == m_monitor);
}

MainWindow::~MainWindow() = default;

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/tab"_s, m_tabs->currentIndex());
    QMainWindow::closeEvent(event);
}

void MainWindow::applyPoolConfig(const PoolConfig& config) {
    m_context.poolConfig = config;
    m_context.host->setConfig(config); // live: a smaller pool lets in-flight requests finish
    m_monitor->setPoolLimits(config.maxConnections, config.requestsPerMinute);
    QSettings settings;
    savePoolConfig(settings, config);
    statusBar()->showMessage(tr("Pool settings applied: max %1 connections, min idle %2")
                                 .arg(config.maxConnections)
                                 .arg(config.minIdle),
                             4000);
}

void MainWindow::importPrices(const PriceTable& imported) {
    m_context.prices.merge(imported);
    m_feed->setPrices(m_context.prices);
    m_batch->setPrices(m_context.prices);
    m_settings->setPrices(m_context.prices);
    // Imported prices outlive the session, beside the settings; written atomically.
    if (!m_context.priceOverridesPath.isEmpty()) {
        PriceTable overrides;
        QFile existing(m_context.priceOverridesPath);
        if (existing.open(QIODevice::ReadOnly)) {
            QString error;
            overrides = PriceTable::fromJson(existing.readAll(), &error).value_or(PriceTable{});
        }
        overrides.merge(imported);
        QDir().mkpath(QFileInfo(m_context.priceOverridesPath).absolutePath());
        QSaveFile file(m_context.priceOverridesPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(overrides.toJson()) < 0 ||
            !file.commit())
            QMessageBox::warning(
                this, tr("Prices"),
                tr("The prices apply now but could not be saved: %1").arg(file.errorString()));
    }
    statusBar()->showMessage(tr("%n price(s) imported", nullptr, imported.size()), 4000);
}

} // namespace poolscope
