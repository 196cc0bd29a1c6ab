#pragma once

#include "tokenusage.h"

#include <QByteArray>
#include <QHash>
#include <QMetaType>
#include <QString>

#include <optional>

namespace poolscope {

// Prices in picodollars (1e-12 USD) per token: integers, so totals are exact sums.
struct ModelPrice {
    qint64 inputPico = 0;
    qint64 outputPico = 0;
    qint64 cachedInputPico = -1; // -1: cached input costs the same as input
    QString source;              // where the number comes from
    QString date;                // when it was checked
    // Writing to the prompt cache (Anthropic: 1.25× input for 5-minute entries); -1: the input
    // price (OpenAI and Gemini charge nothing extra). Last, so older aggregate inits still fit.
    qint64 cacheWriteInputPico = -1;
    // Writing a one-hour cache entry (Anthropic: 2× input); -1: the cache-write price above.
    qint64 cacheWrite1hInputPico = -1;
};

// Prices per model in LiteLLM's field names (input_cost_per_token, output_cost_per_token,
// cache_read_input_token_cost, cache_creation_input_token_cost,
// cache_creation_input_token_cost_above_1hr), so its
// model_prices_and_context_window.json imports as is.
class PriceTable {
public:
    // Reads LiteLLM-shaped JSON; entries without token prices (images, audio) are skipped.
    static std::optional<PriceTable> fromJson(const QByteArray& json, QString* error);
    QByteArray toJson() const;

    void setPrice(const QString& model, const ModelPrice& price);
    void merge(const PriceTable& overrides); // overrides win
    std::optional<ModelPrice> find(const QString& model) const;
    int size() const { return int(m_prices.size()); }
    QStringList models() const;

    // Cost of one request; none when the model has no price (shown as "unknown", never $0).
    // Fresh prompt tokens at input, cached at cache-read, cacheWrite at cache-write (its
    // one-hour part at the one-hour write price), and all of completion (reasoning included)
    // at output.
    std::optional<qint64> costPico(const QString& model, const TokenUsage& usage) const;

    static qint64 picoFromUsdPerToken(double usdPerToken);
    static QString formatUsd(qint64 pico, int decimals = 6);

private:
    QHash<QString, ModelPrice> m_prices; // keyed by lower-case model name
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::PriceTable)
