#include "settingspage.h"

#include "poolsettingsform.h"
#include "profilespanel.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {
QString perMillion(qint64 pico) {
    // pico-USD per token × 1e6 tokens = micro-USD per MTok: shown as dollars per MTok.
    return PriceTable::formatUsd(pico * 1000000, 4);
}
} // namespace

SettingsPage::SettingsPage(const QStringList& scenarios, ProfileStore* profiles,
                           SecretStore* secrets, QWidget* parent)
    : QWidget(parent)
    , m_poolForm(new PoolSettingsForm(this))
    , m_scenario(new QComboBox(this))
    , m_prices(new QTableWidget(this))
    , m_priceNote(new QLabel(this)) {
    setObjectName(u"settingsPage"_s);
    auto* poolBox = new QGroupBox(tr("Connection pool"), this);
    auto* poolLayout = new QVBoxLayout(poolBox);
    poolLayout->addWidget(m_poolForm);
    connect(m_poolForm, &PoolSettingsForm::configApplied, this, &SettingsPage::poolConfigApplied);

    auto* simBox = new QGroupBox(tr("Built-in simulator"), this);
    auto* simLayout = new QFormLayout(simBox);
    m_scenario->setObjectName(u"scenario"_s);
    m_scenario->addItems(scenarios);
    m_scenario->setToolTip(tr("How the built-in simulator behaves: latency, connection cost, "
                              "rate limits and faults. Applies at once."));
    simLayout->addRow(tr("Scenario"), m_scenario);
    connect(m_scenario, &QComboBox::textActivated, this, &SettingsPage::scenarioChosen);

    auto* priceBox = new QGroupBox(tr("Prices (USD per million tokens)"), this);
    auto* priceLayout = new QVBoxLayout(priceBox);
    m_prices->setObjectName(u"priceTable"_s);
    m_prices->setColumnCount(6);
    m_prices->setHorizontalHeaderLabels(
        {tr("Model"), tr("Input"), tr("Cached input"), tr("Output"), tr("Source"), tr("Date")});
    m_prices->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_prices->horizontalHeader()->setStretchLastSection(true);
    m_prices->verticalHeader()->hide();
    m_prices->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_priceNote->setWordWrap(true);
    m_priceNote->setText(tr("A model with no price shows \"unknown\" wherever cost appears; it is "
                            "never counted as $0. Import LiteLLM's "
                            "model_prices_and_context_window.json to add or override prices."));
    auto* import = new QPushButton(tr("Import LiteLLM prices…"), this);
    connect(import, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Import prices"), QString(), tr("JSON (*.json)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!importPrices(path, &error))
            QMessageBox::warning(this, tr("Import prices"), error);
    });
    priceLayout->addWidget(m_prices);
    auto* priceButtons = new QHBoxLayout;
    priceButtons->addWidget(m_priceNote, 1);
    priceButtons->addWidget(import);
    priceLayout->addLayout(priceButtons);

    auto* left = new QVBoxLayout;
    if (profiles && secrets) {
        auto* profileBox = new QGroupBox(tr("Profiles and API keys"), this);
        auto* profileLayout = new QVBoxLayout(profileBox);
        m_profilesPanel = new ProfilesPanel(profiles, secrets, profileBox);
        profileLayout->addWidget(m_profilesPanel);
        left->addWidget(profileBox, 1);
    }
    left->addWidget(poolBox);
    auto* right = new QVBoxLayout;
    right->addWidget(simBox);
    right->addWidget(priceBox, 1);
    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 1);
    layout->addLayout(right, 1);
}

void SettingsPage::setScenario(const QString& name) {
    m_scenario->setCurrentText(name);
}

void SettingsPage::setPrices(const PriceTable& prices) {
    const QStringList models = prices.models();
    m_prices->setRowCount(int(models.size()));
    for (int row = 0; row < models.size(); ++row) {
        const ModelPrice price = *prices.find(models[row]);
        const QStringList cells{models[row],
                                perMillion(price.inputPico),
                                price.cachedInputPico >= 0 ? perMillion(price.cachedInputPico)
                                                           : tr("as input"),
                                perMillion(price.outputPico),
                                price.source,
                                price.date};
        for (int column = 0; column < cells.size(); ++column)
            m_prices->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
}

bool SettingsPage::importPrices(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    const auto table = PriceTable::fromJson(file.readAll(), error);
    if (!table)
        return false;
    if (table->size() == 0) {
        *error = tr("%1 has no token prices in LiteLLM's format").arg(path);
        return false;
    }
    emit pricesImported(*table);
    return true;
}

} // namespace poolscope
