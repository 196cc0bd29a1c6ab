#include "costledger.h"

#include <QJsonObject>

#include <limits>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

// Token counts come from servers: absurd ones saturate instead of overflowing.
void addSaturating(qint64& sum, qint64 value) {
    if (value <= 0)
        return;
    if (__builtin_add_overflow(sum, value, &sum))
        sum = std::numeric_limits<qint64>::max();
}

// Cost is exact or unknown: a sum that would not fit counts the request as unknown.
void addCost(CostLedger::Row& row, std::optional<qint64> pico, qint64 requests = 1) {
    qint64 sum = 0;
    if (pico && *pico >= 0 && !__builtin_add_overflow(row.costPico, *pico, &sum))
        row.costPico = sum;
    else
        row.costUnknownRequests += requests;
}

} // namespace

std::optional<qint64> CostLedger::Row::knownCostPico() const {
    if (costUnknownRequests > 0 && costUnknownRequests >= succeeded)
        return std::nullopt;
    return costPico;
}

QJsonObject CostLedger::Row::toJson() const {
    const std::optional<qint64> known = knownCostPico();
    return QJsonObject{
        {u"profile"_s, profile.isEmpty() ? QJsonValue() : QJsonValue(profile)},
        {u"model"_s, model},
        {u"requests"_s, requests},
        {u"succeeded"_s, succeeded},
        {u"tokens"_s,
         QJsonObject{
             {u"prompt"_s, promptTokens},
             {u"cached"_s, cachedTokens},
             {u"cache_write"_s, cacheWriteTokens},
             {u"completion"_s, completionTokens},
             {u"reasoning"_s, reasoningTokens},
         }},
        {u"cost_usd"_s, known ? QJsonValue(double(*known) / 1e12) : QJsonValue()},
        {u"cost_pico_usd"_s, known ? QJsonValue(*known) : QJsonValue()},
        {u"cost_unknown_requests"_s, costUnknownRequests},
    };
}

void CostLedger::add(const RequestRecord& record) {
    const std::pair key{record.profile, record.model};
    auto it = m_rows.find(key);
    if (it == m_rows.end()) {
        Row row;
        row.profile = record.profile;
        row.model = record.model;
        it = m_rows.insert(key, row);
    }
    Row& row = *it;
    ++row.requests;
    if (!record.ok)
        return; // a failed request is not billed (RunStats counts it the same way)
    ++row.succeeded;
    addSaturating(row.promptTokens, record.tokens.prompt);
    addSaturating(row.cachedTokens, record.tokens.cached);
    addSaturating(row.cacheWriteTokens, record.tokens.cacheWrite);
    addSaturating(row.completionTokens, record.tokens.completion);
    addSaturating(row.reasoningTokens, record.tokens.reasoning);
    addCost(row, record.costPicoUsd);
}

QList<CostLedger::Row> CostLedger::rows() const {
    return m_rows.values(); // QMap keeps (profile, model) order
}

void CostLedger::Row::merge(const Row& other) {
    requests += other.requests;
    succeeded += other.succeeded;
    addSaturating(promptTokens, other.promptTokens);
    addSaturating(cachedTokens, other.cachedTokens);
    addSaturating(cacheWriteTokens, other.cacheWriteTokens);
    addSaturating(completionTokens, other.completionTokens);
    addSaturating(reasoningTokens, other.reasoningTokens);
    costUnknownRequests += other.costUnknownRequests;
    // The known requests of a row whose sum does not fit into this one become unknown.
    addCost(*this, other.costPico, other.succeeded - other.costUnknownRequests);
}

CostLedger::Row CostLedger::total() const {
    Row total;
    for (const Row& row : m_rows)
        total.merge(row);
    return total;
}

QJsonArray CostLedger::toJson() const {
    QJsonArray array;
    for (const Row& row : m_rows)
        array.append(row.toJson());
    return array;
}

} // namespace poolscope
