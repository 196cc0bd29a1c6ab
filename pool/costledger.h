#pragma once

#include "requestrecord.h"

#include <QJsonArray>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>

#include <optional>
#include <utility>

namespace poolscope {

// What a run spent, per (profile, model): a value type fed with finished RequestRecords (their
// costPicoUsd already filled in from the price table). Sums are exact integers in picodollars;
// a request whose cost is unknown (no price, or a total that would not fit) is counted apart,
// never as $0. Like RunStats, tokens and cost come from the requests that succeeded, so the
// rows add up to the summary's "tokens", "cost_usd" and "cost_unknown_requests".
class CostLedger {
public:
    struct Row {
        QString profile; // "" when the endpoint has no name (a bare --base-url)
        QString model;
        qint64 requests = 0; // every request, failed ones too
        qint64 succeeded = 0;
        qint64 promptTokens = 0; // cached and cache writes included
        qint64 cachedTokens = 0;
        qint64 cacheWriteTokens = 0;
        qint64 completionTokens = 0; // reasoning included
        qint64 reasoningTokens = 0;
        qint64 costPico = 0;            // of the requests whose cost is known
        qint64 costUnknownRequests = 0; // succeeded, but no price (or an unrepresentable sum)

        // The known part is all there is: none when nothing in this row had a price.
        std::optional<qint64> knownCostPico() const;
        bool costComplete() const { return costUnknownRequests == 0; }
        // Adds another row's counts (the total, or rows folded into one for a display).
        void merge(const Row& other);
        QJsonObject toJson() const;
    };

    void add(const RequestRecord& record);

    bool isEmpty() const { return m_rows.isEmpty(); }
    QList<Row> rows() const; // ordered by profile, then model
    Row total() const;       // every row together; profile and model empty
    // One object per row, in rows() order: {profile, model, requests, succeeded, tokens
    // {prompt, cached, cache_write, completion, reasoning}, cost_usd, cost_pico_usd,
    // cost_unknown_requests}; cost_usd and cost_pico_usd are null when no request had a price.
    QJsonArray toJson() const;

private:
    QMap<std::pair<QString, QString>, Row> m_rows;
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::CostLedger)
