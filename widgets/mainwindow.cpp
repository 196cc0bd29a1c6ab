#include "mainwindow.h"

#include "batchpage.h"
#include "chatcolumn.h"
#include "chatpage.h"
#include "connectionpool.h"
#include "endpointresolver.h"
#include "poolconfigio.h"
#include "poolhost.h"
#include "poolmonitorpage.h"
#include "poolsettingsform.h"
#include "poolstatuslabel.h"
#include "profilespanel.h"
#include "profilestore.h"
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
    , m_chat(new ChatPage(context.host, context.compareHost, this))
    , m_monitor(new PoolMonitorPage(this))
    , m_batch(new BatchPage(
          context.host, context.prices, [this] { return m_context.poolConfig; }, this))
    , m_settings(new SettingsPage(context.scenarios, context.profiles, context.secrets, this))
    , m_status(new PoolStatusLabel(this))
    , m_feed(new RecordFeed(context.host->pool(), context.prices, this))
    , m_profileLabel(new QLabel(this)) {
    m_activeProfile = context.simulatorEndpoint.name.isEmpty() ? Profile::simulatorName()
                                                               : context.simulatorEndpoint.name;
    setWindowTitle(tr("PoolScope — %1").arg(m_activeProfile));
    m_chat->setModel(context.simulatorEndpoint.model);
    m_chat->setPrices(context.prices);
    m_batch->setDefaultModel(context.simulatorEndpoint.model);
    if (context.compareHost)
        m_feed->addPool(context.compareHost->pool()); // side-by-side answers count too
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

    m_profileLabel->setObjectName(u"profileLabel"_s);
    m_profileLabel->setText(
        tr("profile: %1 · model: %2").arg(m_activeProfile, context.simulatorEndpoint.model));
    statusBar()->addWidget(m_profileLabel);
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

    if (!context.historyPath.isEmpty()) {
        m_chat->setHistoryPath(context.historyPath);
        if (!m_chat->historyError().isEmpty())
            showWarning(tr("Chat history"), m_chat->historyError());
    }
    setupProfiles();
}

void MainWindow::setupProfiles() {
    if (!m_context.profiles || !m_context.secrets)
        return;
    m_resolver = new EndpointResolver(m_context.secrets, m_context.simulatorEndpoint, this);
    connect(m_resolver, &EndpointResolver::resolved, this, &MainWindow::onResolved);
    connect(m_resolver, &EndpointResolver::failed, this, &MainWindow::onResolveFailed);
    connect(m_chat, &ChatPage::profileChosen, this, &MainWindow::chooseProfile);
    connect(m_context.profiles, &ProfileStore::profilesChanged, this,
            &MainWindow::onProfilesChanged);
    if (ProfilesPanel* panel = m_settings->profilesPanel()) {
        connect(panel, &ProfilesPanel::keyChanged, this, [this](const QString& name) {
            // A new key takes effect at once for the profiles in use.
            if (name == m_activeProfile)
                chooseProfile(name);
            if (name == m_compareProfile && m_compareResolver)
                chooseCompareProfile(name);
        });
    }
    m_chat->setProfiles(m_context.profiles->names());
    m_chat->mainColumn()->setProfile(m_activeProfile);

    if (m_context.compareHost) {
        m_compareResolver =
            new EndpointResolver(m_context.secrets, m_context.simulatorEndpoint, this);
        connect(m_compareResolver, &EndpointResolver::resolved, this,
                [this](const Profile& profile, const Endpoint& endpoint, const QString&) {
                    m_compareProfile = profile.name;
                    m_context.compareHost->setEndpoint(endpoint);
                    ChatColumn* column = m_chat->compareColumn();
                    column->setProfile(profile.name);
                    if (column->model().isEmpty() || m_compareUserChoice)
                        column->setModel(endpoint.model);
                    QSettings().setValue(u"playground/compareProfile"_s, profile.name);
                });
        connect(m_compareResolver, &EndpointResolver::failed, this,
                [this](const Profile& profile, const QString& error) {
                    m_chat->compareColumn()->setProfile(m_compareProfile);
                    showWarning(tr("Profile %1").arg(profile.name),
                                error + tr(".\n\nSet a key in Settings → Profiles and API keys."));
                });
        connect(m_chat, &ChatPage::compareProfileChosen, this, [this](const QString& name) {
            m_compareUserChoice = true;
            chooseCompareProfile(name);
        });
        connect(m_chat, &ChatPage::sideBySideChanged, this,
                [](bool on) { QSettings().setValue(u"playground/sideBySide"_s, on); });
        QSettings settings;
        m_compareProfile = Profile::simulatorName();
        m_chat->compareColumn()->setProfile(m_compareProfile);
        chooseCompareProfile(
            settings.value(u"playground/compareProfile"_s, Profile::simulatorName()).toString());
        m_chat->setSideBySide(settings.value(u"playground/sideBySide"_s, false).toBool());
    }

    // The profile of the last session, if it still exists.
    const QString saved =
        QSettings().value(u"playground/profile"_s, Profile::simulatorName()).toString();
    if (saved != m_activeProfile && findProfile(saved)) {
        m_userChoice = false;
        m_resolver->resolve(*findProfile(saved));
    } else if (const auto active = findProfile(m_activeProfile)) {
        m_activeDefinition = *active;
    }
}

void MainWindow::showWarning(const QString& title, const QString& text) {
    // Window-modal and not blocking: the pools and the charts go on while it is open.
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setObjectName(u"warning"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

std::optional<Profile> MainWindow::findProfile(const QString& name) const {
    return m_context.profiles ? m_context.profiles->profile(name) : std::nullopt;
}

void MainWindow::chooseProfile(const QString& name) {
    const auto profile = findProfile(name);
    if (!profile || !m_resolver)
        return;
    if (m_batch->isRunning() && name != m_activeProfile) {
        // The batch shares the main pool: switching now would split it across two servers.
        m_chat->mainColumn()->setProfile(m_activeProfile);
        showWarning(tr("Profile %1").arg(name),
                    tr("A batch is running on %1. Cancel it or let it finish, then switch.")
                        .arg(m_activeProfile));
        return;
    }
    m_userChoice = true;
    statusBar()->showMessage(tr("Switching to profile %1…").arg(name));
    m_resolver->resolve(*profile);
}

void MainWindow::chooseCompareProfile(const QString& name) {
    const auto profile = findProfile(name);
    if (profile && m_compareResolver)
        m_compareResolver->resolve(*profile);
}

void MainWindow::onResolved(const Profile& profile, const Endpoint& endpoint,
                            const QString& keySource) {
    const bool switched = profile.name != m_activeProfile || profile != m_activeDefinition;
    m_activeProfile = profile.name;
    m_activeDefinition = profile;
    m_context.host->setEndpoint(endpoint); // new requests only; in-flight ones finish
    m_chat->mainColumn()->setProfile(profile.name);
    // A person's choice brings the profile's model; a restored session keeps the model the
    // conversation used.
    if (m_userChoice || m_chat->mainColumn()->model().isEmpty())
        m_chat->setModel(endpoint.model);
    m_batch->setDefaultModel(endpoint.model);
    setWindowTitle(tr("PoolScope — %1").arg(profile.name));
    m_profileLabel->setText(
        tr("profile: %1 · model: %2 · key: %3").arg(profile.name, endpoint.model, keySource));
    QSettings().setValue(u"playground/profile"_s, profile.name);
    if (switched)
        statusBar()->showMessage(tr("Profile %1: requests go to %2")
                                     .arg(profile.name, profile.usesSimulator()
                                                            ? tr("the built-in simulator")
                                                            : profile.baseUrl.toString()),
                                 5000);
    emit profileActivated(profile.name);
}

void MainWindow::onResolveFailed(const Profile& profile, const QString& error) {
    m_chat->mainColumn()->setProfile(m_activeProfile); // the choice did not happen
    statusBar()->clearMessage();
    emit profileFailed(profile.name, error);
    const QString message =
        error + tr(".\n\nSet a key in Settings → Profiles and API keys, or set the "
                   "environment variable before starting PoolScope.");
    if (m_userChoice)
        showWarning(tr("Profile %1").arg(profile.name), message);
    else
        statusBar()->showMessage(
            tr("Stayed on %1: profile %2 has no key").arg(m_activeProfile, profile.name), 10000);
}

void MainWindow::onProfilesChanged() {
    m_chat->setProfiles(m_context.profiles->names());
    m_chat->mainColumn()->setProfile(m_activeProfile);
    const auto active = findProfile(m_activeProfile);
    if (!active) {
        chooseProfile(Profile::simulatorName()); // the profile in use was removed
    } else if (*active != m_activeDefinition) {
        chooseProfile(m_activeProfile); // edited: its new URL or model applies now
    }
    if (m_compareResolver) {
        if (!findProfile(m_compareProfile))
            chooseCompareProfile(Profile::simulatorName());
        else
            m_chat->compareColumn()->setProfile(m_compareProfile);
    }
}

MainWindow::~MainWindow() = default;

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/tab"_s, m_tabs->currentIndex());
    QMainWindow::closeEvent(event);
}

void MainWindow::applyPoolConfig(const PoolConfig& requested) {
    PoolConfig config = requested;
    // The built-in simulator runs in this process, so each connection costs its end too.
    if (m_context.descriptors.capToFit(config, true))
        showWarning(tr("Max connections"),
                    tr("%1 connections need about %2 file descriptors, and this process may "
                       "open %3 (the system's limit, ulimit -n). The pool will use at most %4 "
                       "connections; further requests wait in its queue.")
                        .arg(requested.maxConnections)
                        .arg(m_context.descriptors.needed(requested.maxConnections, true))
                        .arg(m_context.descriptors.limit)
                        .arg(config.maxConnections));
    m_context.poolConfig = config;
    m_context.host->setConfig(config); // live: a smaller pool lets in-flight requests finish
    m_monitor->setPoolLimits(config.maxConnections, config.requestsPerMinute);
    QSettings settings;
    savePoolConfig(settings, requested); // what was asked: another machine may allow it
    statusBar()->showMessage(tr("Pool settings applied: max %1 connections, min idle %2")
                                 .arg(config.maxConnections)
                                 .arg(config.minIdle),
                             4000);
}

void MainWindow::importPrices(const PriceTable& imported) {
    m_context.prices.merge(imported);
    m_feed->setPrices(m_context.prices);
    m_chat->setPrices(m_context.prices);
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
            showWarning(
                tr("Prices"),
                tr("The prices apply now but could not be saved: %1").arg(file.errorString()));
    }
    statusBar()->showMessage(tr("%n price(s) imported", nullptr, imported.size()), 4000);
}

} // namespace poolscope
