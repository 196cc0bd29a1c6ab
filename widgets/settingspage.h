#pragma once

#include "poolconfig.h"
#include "pricetable.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace poolscope {

class PoolSettingsForm;
class ProfileStore;
class ProfilesPanel;
class SecretStore;

// Settings without touching a file: profiles and their keys, the pool's knobs, the simulator's
// scenario and the price table (bundled, dated prices plus imported LiteLLM prices).
class SettingsPage : public QWidget {
    Q_OBJECT
public:
    // Without a profile store (tests of the other parts) there is no profiles panel.
    SettingsPage(const QStringList& scenarios, ProfileStore* profiles = nullptr,
                 SecretStore* secrets = nullptr, QWidget* parent = nullptr);

    PoolSettingsForm* poolForm() const { return m_poolForm; }
    ProfilesPanel* profilesPanel() const { return m_profilesPanel; }
    void setScenario(const QString& name);
    void setPrices(const PriceTable& prices);
    // Reads a LiteLLM-shaped price file; on success emits pricesImported.
    bool importPrices(const QString& path, QString* error);

signals:
    void poolConfigApplied(const poolscope::PoolConfig& config);
    void scenarioChosen(const QString& name);
    void pricesImported(const poolscope::PriceTable& imported);

private:
    PoolSettingsForm* m_poolForm;
    ProfilesPanel* m_profilesPanel = nullptr;
    QComboBox* m_scenario;
    QTableWidget* m_prices;
    QLabel* m_priceNote;
};

} // namespace poolscope
