#include "pricetable.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace poolscope {

qint64 PriceTable::picoFromUsdPerToken(double usdPerToken) {
    // Above $1,000 a token is not a price but a typo (and would not fit the integers).
    if (!std::isfinite(usdPerToken) || usdPerToken < 0 || usdPerToken > 1000.0)
        return -1;
    return std::llround(usdPerToken * 1e12);
}

QString PriceTable::formatUsd(qint64 pico, int decimals) {
    const bool negative = pico < 0;
    quint64 magnitude = negative ? 0 - quint64(pico) : quint64(pico);
    // Rounded to the nearest shown digit (half up), like printf: truncating would understate.
    if (decimals >= 0 && decimals < 12) {
        quint64 unit = 1;
        for (int i = decimals; i < 12; ++i)
            unit *= 10;
        if (magnitude <= std::numeric_limits<quint64>::max() - unit / 2)
            magnitude += unit / 2;
        magnitude -= magnitude % unit;
    }
    const quint64 whole = magnitude / 1000000000000ULL;
    const quint64 fraction = magnitude % 1000000000000ULL;
    QString text = QString::number(whole);
    if (decimals > 0) {
        const QString digits = QString::number(fraction).rightJustified(12, u'0');
        text += u'.' + digits.left(std::min(decimals, 12));
    }
    return (negative ? u"-$"_s : u"$"_s) + text;
}

std::optional<PriceTable> PriceTable::fromJson(const QByteArray& json, QString* error) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        if (error)
            *error = u"price table is not a JSON object: "_s + parseError.errorString() +
                     u" at offset "_s + QString::number(parseError.offset);
        return std::nullopt;
    }
    PriceTable table;
    const QJsonObject root = document.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!it.value().isObject())
            continue; // LiteLLM's "sample_spec" and friends
        const QJsonObject entry = it.value().toObject();
        const QJsonValue input = entry.value(u"input_cost_per_token"_s);
        const QJsonValue output = entry.value(u"output_cost_per_token"_s);
        if (!input.isDouble() || !output.isDouble())
            continue;
        ModelPrice price;
        price.inputPico = picoFromUsdPerToken(input.toDouble());
        price.outputPico = picoFromUsdPerToken(output.toDouble());
        const QJsonValue cached = entry.value(u"cache_read_input_token_cost"_s);
        price.cachedInputPico = cached.isDouble() ? picoFromUsdPerToken(cached.toDouble()) : -1;
        const QJsonValue write = entry.value(u"cache_creation_input_token_cost"_s);
        price.cacheWriteInputPico = write.isDouble() ? picoFromUsdPerToken(write.toDouble()) : -1;
        const QJsonValue write1h = entry.value(u"cache_creation_input_token_cost_above_1hr"_s);
        price.cacheWrite1hInputPico =
            write1h.isDouble() ? picoFromUsdPerToken(write1h.toDouble()) : -1;
        price.source = entry.value(u"source"_s).toString();
        price.date = entry.value(u"date"_s).toString();
        if (price.inputPico < 0 || price.outputPico < 0)
            continue;
        table.setPrice(it.key(), price);
    }
    return table;
}

QByteArray PriceTable::toJson() const {
    QJsonObject root;
    for (auto it = m_prices.begin(); it != m_prices.end(); ++it) {
        QJsonObject entry{
            {u"input_cost_per_token"_s, double(it->inputPico) / 1e12},
            {u"output_cost_per_token"_s, double(it->outputPico) / 1e12},
        };
        if (it->cachedInputPico >= 0)
            entry.insert(u"cache_read_input_token_cost"_s, double(it->cachedInputPico) / 1e12);
        if (it->cacheWriteInputPico >= 0)
            entry.insert(u"cache_creation_input_token_cost"_s,
                         double(it->cacheWriteInputPico) / 1e12);
        if (it->cacheWrite1hInputPico >= 0)
            entry.insert(u"cache_creation_input_token_cost_above_1hr"_s,
                         double(it->cacheWrite1hInputPico) / 1e12);
        if (!it->source.isEmpty())
            entry.insert(u"source"_s, it->source);
        if (!it->date.isEmpty())
            entry.insert(u"date"_s, it->date);
        root.insert(it.key(), entry);
    }
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

void PriceTable::setPrice(const QString& model, const ModelPrice& price) {
    m_prices.insert(model.trimmed().toLower(), price);
}

void PriceTable::merge(const PriceTable& overrides) {
    for (auto it = overrides.m_prices.begin(); it != overrides.m_prices.end(); ++it)
        m_prices.insert(it.key(), it.value());
}

QStringList PriceTable::models() const {
    QStringList names = m_prices.keys();
    names.sort();
    return names;
}

std::optional<ModelPrice> PriceTable::find(const QString& model) const {
    const QString key = model.trimmed().toLower();
    if (auto it = m_prices.find(key); it != m_prices.end())
        return *it;
    // "openai/gpt-4.1" (OpenRouter, LiteLLM) and "models/gemini-2.5-flash" name the same model.
    const qsizetype slash = key.lastIndexOf(u'/');
    if (slash >= 0) {
        if (auto it = m_prices.find(key.mid(slash + 1)); it != m_prices.end())
            return *it;
    }
    return std::nullopt;
}

std::optional<qint64> PriceTable::costPico(const QString& model, const TokenUsage& usage) const {
    const std::optional<ModelPrice> price = find(model);
    if (!price)
        return std::nullopt;
    const qint64 prompt = std::max<qint64>(0, usage.prompt);
    const qint64 cached = std::clamp<qint64>(usage.cached, 0, prompt);
    const qint64 written = std::clamp<qint64>(usage.cacheWrite, 0, prompt - cached);
    const qint64 writtenForAnHour = std::clamp<qint64>(usage.cacheWrite1h, 0, written);
    const qint64 completion = std::max<qint64>(0, usage.completion); // reasoning included
    const qint64 cachedPrice =
        price->cachedInputPico >= 0 ? price->cachedInputPico : price->inputPico;
    const qint64 writePrice =
        price->cacheWriteInputPico >= 0 ? price->cacheWriteInputPico : price->inputPico;
    const qint64 hourWritePrice =
        price->cacheWrite1hInputPico >= 0 ? price->cacheWrite1hInputPico : writePrice;
    // Exact integers, checked: a total that does not fit is unknown, never a wrapped number.
    qint64 fresh = 0, cachedCost = 0, writeCost = 0, hourWriteCost = 0, output = 0, total = 0;
    if (__builtin_mul_overflow(prompt - cached - written, price->inputPico, &fresh) ||
        __builtin_mul_overflow(cached, cachedPrice, &cachedCost) ||
        __builtin_mul_overflow(written - writtenForAnHour, writePrice, &writeCost) ||
        __builtin_mul_overflow(writtenForAnHour, hourWritePrice, &hourWriteCost) ||
        __builtin_mul_overflow(completion, price->outputPico, &output) ||
        __builtin_add_overflow(fresh, cachedCost, &total) ||
        __builtin_add_overflow(total, writeCost, &total) ||
        __builtin_add_overflow(total, hourWriteCost, &total) ||
        __builtin_add_overflow(total, output, &total))
        return std::nullopt;
    return total;
}

} // namespace poolscope
