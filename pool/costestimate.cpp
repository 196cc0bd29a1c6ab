#include "costestimate.h"

#include "providercodec.h"

#include <QStringList>

#include <limits>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

void addSaturating(qint64& sum, qint64 value) {
    if (__builtin_add_overflow(sum, value, &sum))
        sum = std::numeric_limits<qint64>::max();
}

QString plural(qint64 count, const QString& one, const QString& many) {
    return groupedNumber(count) + u' ' + (count == 1 ? one : many);
}

} // namespace

qint64 estimatedPromptTokens(const ChatRequest& request) {
    qint64 tokens = 16; // role and framing tokens
    for (const ChatMessage& message : request.messages)
        tokens += estimateTokens(message.content);
    return tokens;
}

CostEstimate estimateCost(const QList<ChatRequest>& requests, const PriceTable& prices,
                          const QString& defaultModel, int defaultMaxTokens) {
    CostEstimate estimate;
    for (const ChatRequest& request : requests) {
        ++estimate.requests;
        const qint64 prompt = estimatedPromptTokens(request);
        addSaturating(estimate.promptTokens, prompt);
        const QString model = request.model.isEmpty() ? defaultModel : request.model;
        if (!prices.find(model)) {
            ++estimate.unknownPriceRequests;
            ++estimate.unknownPriceModels[model];
            continue;
        }
        qint64 maxTokens = request.maxTokens >= 0 ? request.maxTokens : defaultMaxTokens;
        if (maxTokens < 0) {
            maxTokens = DefaultWorstCaseOutputTokens;
            ++estimate.assumedMaxTokensRequests;
        }
        TokenUsage usage;
        usage.prompt = prompt;
        usage.completion = maxTokens;
        const std::optional<qint64> worst = prices.costPico(model, usage);
        // A quarter of the limit: answers rarely run into it (the widget's long-standing guess).
        usage.completion = std::min(maxTokens, std::max<qint64>(1, maxTokens / 4));
        const std::optional<qint64> expected = prices.costPico(model, usage);
        if (!worst || !expected ||
            __builtin_add_overflow(estimate.worstCasePico, *worst, &estimate.worstCasePico) ||
            __builtin_add_overflow(estimate.expectedPico, *expected, &estimate.expectedPico))
            estimate.overflowed = true;
    }
    return estimate;
}

CostEstimate estimateCost(const QList<DatasetItem>& items, const PriceTable& prices,
                          const QString& defaultModel, int defaultMaxTokens) {
    QList<ChatRequest> requests;
    requests.reserve(items.size());
    for (const DatasetItem& item : items)
        requests.append(item.request);
    return estimateCost(requests, prices, defaultModel, defaultMaxTokens);
}

QString CostEstimate::toText() const {
    QString text = plural(requests, u"request"_s, u"requests"_s) + u", ~"_s +
                   plural(promptTokens, u"prompt token"_s, u"prompt tokens"_s);
    if (pricedRequests() > 0) {
        text += u", about "_s + formatApproxUsd(expectedPico, UsdRounding::Nearest) +
                u", at most "_s + formatApproxUsd(worstCasePico, UsdRounding::Up) +
                u" if every answer uses max tokens"_s;
        if (assumedMaxTokensRequests > 0)
            text += u" ("_s + groupedNumber(DefaultWorstCaseOutputTokens) +
                    u" assumed where none is set)"_s;
        if (overflowed)
            text += u" (sums too large to add up: more than shown)"_s;
        if (unknownPriceRequests > 0)
            text += u", for the "_s + groupedNumber(pricedRequests()) + u" with a price"_s;
    }
    if (unknownPriceRequests > 0) {
        QStringList models;
        for (auto it = unknownPriceModels.begin(); it != unknownPriceModels.end(); ++it)
            models.append((it.key().isEmpty() ? u"(none)"_s : u'"' + it.key() + u'"') + u" ("_s +
                          groupedNumber(it.value()) + u')');
        text += u"; cost UNKNOWN for "_s +
                plural(unknownPriceRequests, u"request"_s, u"requests"_s) +
                u", no price for model "_s + models.join(u", "_s);
    }
    return text;
}

QString formatApproxUsd(qint64 pico, UsdRounding rounding) {
    constexpr qint64 picoPerUsd = 1000000000000LL;
    if (pico < 0)
        return u'-' + formatApproxUsd(pico == std::numeric_limits<qint64>::min()
                                          ? std::numeric_limits<qint64>::max()
                                          : -pico,
                                      rounding);
    // Two significant digits, but never fewer than 4 decimals.
    const int digits = pico == 0 ? 12 : int(QString::number(pico).size());
    const int decimals = std::clamp(12 - digits + 2, 4, 12);
    qint64 scale = 1;
    for (int i = decimals; i < 12; ++i)
        scale *= 10;
    qint64 units = pico / scale;
    const qint64 rest = pico % scale;
    if (rounding == UsdRounding::Up ? rest > 0 : rest * 2 >= scale)
        ++units;
    const qint64 unitsPerUsd = picoPerUsd / scale;
    const QString fraction = QString::number(units % unitsPerUsd).rightJustified(decimals, u'0');
    return u'$' + groupedNumber(units / unitsPerUsd) + u'.' + fraction;
}

QString groupedNumber(qint64 value) {
    const quint64 magnitude = value < 0 ? 0 - quint64(value) : quint64(value);
    QString digits = QString::number(magnitude);
    for (qsizetype at = digits.size() - 3; at > 0; at -= 3)
        digits.insert(at, u',');
    return value < 0 ? u'-' + digits : digits;
}

} // namespace poolscope
