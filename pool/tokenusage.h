#pragma once

#include <QtGlobal>

namespace poolscope {

// Token counts as the provider reports them. -1 means "not reported".
// prompt is every input token, whatever its price: cached and cacheWrite are parts of it
// (disjoint), as are reasoning tokens of completion.
struct TokenUsage {
    qint64 prompt = -1;
    qint64 completion = -1;
    qint64 cached = 0;     // prompt tokens served from the provider's cache (read)
    qint64 cacheWrite = 0; // prompt tokens written to the cache (Anthropic bills them above input)
    qint64 cacheWrite1h = 0; // the part of cacheWrite kept for an hour (Anthropic: 2× input)
    qint64 reasoning = 0;    // completion tokens spent on hidden reasoning (already in completion)
    bool estimated = false;

    bool hasCounts() const { return prompt >= 0 || completion >= 0; }
    friend bool operator==(const TokenUsage&, const TokenUsage&) = default;
};

} // namespace poolscope
