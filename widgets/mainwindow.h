#pragma once

#include "descriptorbudget.h"
#include "endpoint.h"
#include "poolconfig.h"
#include "pricetable.h"
#include "profile.h"

#include <QMainWindow>

#include <functional>
#include <optional>

class QLabel;
class QTabWidget;

namespace poolscope {

class BatchPage;
class ChatPage;
class EndpointResolver;
class PoolHost;
class PoolMonitorPage;
class PoolStatusLabel;
class ProfileStore;
class RecordFeed;
class SecretStore;
class SettingsPage;

// What the composition root hands the window: the pools (on their own threads), prices,
// profiles and keys, and how to steer the built-in simulator. The window owns no network
// object.
struct MainWindowContext {
    PoolHost* host = nullptr;        // the pool every page uses
    PoolHost* compareHost = nullptr; // the playground's side-by-side pool; null: none
    PoolConfig poolConfig;
    PriceTable prices;
    ProfileStore* profiles = nullptr; // null: only the simulator (no profile UI)
    SecretStore* secrets = nullptr;
    Endpoint simulatorEndpoint; // what the "simulator" profile maps to
    QString historyPath;        // the playground's history file; empty: not kept
    QStringList scenarios;
    QString scenario;
    std::function<void(const QString&)> setScenario; // empty: not on the simulator
    QString priceOverridesPath;                      // where imported prices are kept
    DescriptorBudget descriptors; // caps max connections to what the process may open
};

// The main window: Playground, Monitor, Batch and Settings in tabs, the pool's state in the
// status bar; layout, knobs and imported prices persist.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const MainWindowContext& context, QWidget* parent = nullptr);
    ~MainWindow() override;

    ChatPage* chatPage() const { return m_chat; }
    PoolMonitorPage* monitorPage() const { return m_monitor; }
    BatchPage* batchPage() const { return m_batch; }
    SettingsPage* settingsPage() const { return m_settings; }
    QTabWidget* tabs() const { return m_tabs; }
    QString activeProfile() const { return m_activeProfile; }

protected:
    void closeEvent(QCloseEvent* event) override;

public slots:
    // Points every page at this profile once its key is found (asynchronously); on failure
    // the previous profile stays and the reason is shown.
    void chooseProfile(const QString& name);
    void chooseCompareProfile(const QString& name);

signals:
    void profileActivated(const QString& name);
    void profileFailed(const QString& name, const QString& error);

private:
    void applyPoolConfig(const PoolConfig& requested);
    void importPrices(const PriceTable& imported);
    void setupProfiles();
    void onResolved(const Profile& profile, const Endpoint& endpoint, const QString& keySource);
    void onResolveFailed(const Profile& profile, const QString& error);
    void onProfilesChanged();
    std::optional<Profile> findProfile(const QString& name) const;
    void showWarning(const QString& title, const QString& text);

    MainWindowContext m_context;
    QTabWidget* m_tabs;
    ChatPage* m_chat;
    PoolMonitorPage* m_monitor;
    BatchPage* m_batch;
    SettingsPage* m_settings;
    PoolStatusLabel* m_status;
    RecordFeed* m_feed;
    QLabel* m_profileLabel;
    EndpointResolver* m_resolver = nullptr;
    EndpointResolver* m_compareResolver = nullptr;
    QString m_activeProfile;    // what the main pool talks to now
    bool m_userChoice = false;  // the pending choice came from a person, not the last session
    Profile m_activeDefinition; // to notice when the active profile is edited
    QString m_compareProfile;
    bool m_compareUserChoice = false; // a person picked it: its model follows the profile
};

} // namespace poolscope
