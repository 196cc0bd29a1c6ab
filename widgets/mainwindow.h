#pragma once

#include "poolconfig.h"
#include "pricetable.h"

#include <QMainWindow>

#include <functional>

class QTabWidget;

namespace poolscope {

class BatchPage;
class ChatPage;
class PoolHost;
class PoolMonitorPage;
class PoolStatusLabel;
class RecordFeed;
class SettingsPage;

// What the composition root hands the window: the pool (on its own thread), prices, the
// profile, and how to steer the built-in simulator. The window owns no network object.
struct MainWindowContext {
    PoolHost* host = nullptr;
    PoolConfig poolConfig;
    PriceTable prices;
    QString profileName;
    QString model;
    QStringList scenarios;
    QString scenario;
    std::function<void(const QString&)> setScenario; // empty: not on the simulator
    QString priceOverridesPath;                      // where imported prices are kept
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

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void applyPoolConfig(const PoolConfig& config);
    void importPrices(const PriceTable& imported);

    MainWindowContext m_context;
    QTabWidget* m_tabs;
    ChatPage* m_chat;
    PoolMonitorPage* m_monitor;
    BatchPage* m_batch;
    SettingsPage* m_settings;
    PoolStatusLabel* m_status;
    RecordFeed* m_feed;
};

} // namespace poolscope
