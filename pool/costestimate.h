#pragma once

#include "chatrequest.h"
#include "dataset.h"
#include "pricetable.h"

#include <QList>
#include <QMap>
#include <QString>

namespace poolscope {

// The answer length a worst case assumes for a request that sets no max tokens (the budget's
// too: RunOptions::worstCaseOutputTokens).
inline constexpr int DefaultWorstCaseOutputTokens = 4096;

// What a batch may cost, before anything is sent. Prompt tokens are estimated from the text
// (about 4 characters a token, plus 16 for roles and framing: the budget's worst case uses the
// same count); the expected cost assumes an answer uses a quarter of its max tokens, the worst
// case that every answer uses all of them. Requests for models with no price are counted
// apart, by model, and are in neither sum: their cost is unknown, never $0.
struct CostEstimate {
    qint64 requests = 0;
    qint64 promptTokens = 0; // estimated, every request (priced or not)
    qint64 expectedPico = 0; // the requests with a price
    qint64 worstCasePico = 0;
    qint64 unknownPriceRequests = 0;
    QMap<QString, qint64> unknownPriceModels; // model ("" when none is set) → requests
    qint64 assumedMaxTokensRequests = 0;      // no max tokens anywhere: 4096 assumed
    bool overflowed = false;                  // a sum did not fit: the known sums are lower bounds

    qint64 pricedRequests() const { return requests - unknownPriceRequests; }

    // One line for people: "300 requests, ~4,800 prompt tokens, about $0.0012, at most $0.0046
    // if every answer uses max tokens", naming the models with no price.
    QString toText() const;
};

// Each request's own model and max tokens, else defaultModel and defaultMaxTokens; a negative
// defaultMaxTokens means none is set, and DefaultWorstCaseOutputTokens is assumed.
CostEstimate estimateCost(const QList<ChatRequest>& requests, const PriceTable& prices,
                          const QString& defaultModel, int defaultMaxTokens);
CostEstimate estimateCost(const QList<DatasetItem>& items, const PriceTable& prices,
                          const QString& defaultModel, int defaultMaxTokens);

// The prompt tokens the estimate and the budget assume for one request.
qint64 estimatedPromptTokens(const ChatRequest& request);

// Dollars for an estimate: at least 4 decimals and 2 significant digits ("$0.0012",
// "$0.000092", "$12.3400"); RoundUp for a bound that must not be understated.
enum class UsdRounding { Nearest, Up };
QString formatApproxUsd(qint64 pico, UsdRounding rounding);
// 4800 → "4,800": the grouping of the examples, independent of the locale.
QString groupedNumber(qint64 value);

} // namespace poolscope
