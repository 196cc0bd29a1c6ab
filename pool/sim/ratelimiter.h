#pragma once

#include <QtGlobal>

namespace poolscope::sim {

// Where the limits stand after a decision; what the x-ratelimit-* headers report.
struct RateLimitState {
    bool requestsLimited = false; // an rpm limit is configured
    int requestLimit = 0;
    qint64 requestsRemaining = 0;
    qint64 requestsResetUs = 0; // until the request budget is full again
    bool tokensLimited = false; // a tpm limit is configured
    int tokenLimit = 0;
    qint64 tokensRemaining = 0;
    qint64 tokensResetUs = 0;
    bool limitedByTokens = false; // on a refusal: the token budget was short, not the requests'
    qint64 retryAfterUs = 0;      // on a refusal: until this request would be admitted
};

// Requests-per-minute and tokens-per-minute budgets as two token buckets that refill
// continuously (a full minute's budget at most), the way the big APIs describe their limits.
// Not thread-safe; SimState guards it.
class RateLimiter {
public:
    // Admits a request costing `tokens` or refuses it; either way reports the state.
    bool admit(qint64 nowUs, int rpm, int tpm, qint64 tokens, RateLimitState* state);

private:
    // Levels are kept in units of 1/60,000,000 of a request (or token): a minute's refill of
    // `limit` per minute is then exactly `limit` units per microsecond, and integer arithmetic
    // never leaves a client that waited exactly Retry-After a rounding error short.
    static constexpr qint64 kUnit = 60'000'000;
    struct Bucket {
        qint64 limit = 0; // per minute; 0 = off
        qint64 level = 0; // in units
        qint64 updatedUs = 0;
        void refill(qint64 nowUs, int newLimit);
        qint64 usUntil(qint64 wantedUnits) const;
    };
    Bucket m_requests;
    Bucket m_tokens;
};

} // namespace poolscope::sim
