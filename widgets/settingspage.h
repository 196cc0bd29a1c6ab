#pragma once

#include "poolconfig.h"
#include "pricetable.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace poolscope {

class PoolSettingsForm;

// Settings without touching a file: the pool's knobs, the simulator's scenario and the price
// table (bundled, dated prices plus imported LiteLLM prices).
class SettingsPage : public QWidget {
    Q_OBJECT
public:
    SettingsPage(const QStringList& scenarios, QWidget* parent = nullptr);

    PoolSettingsForm* poolForm() const { return m_poolForm; }
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
    QComboBox* m_scenario;
    QTableWidget* m_prices;
    QLabel* m_priceNote;
};

} // namespace poolscope
