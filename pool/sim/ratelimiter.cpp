#include "ratelimiter.h"

#include <algorithm>

namespace poolscope::sim {

void RateLimiter::Bucket::refill(qint64 nowUs, int newLimit) {
    if (newLimit <= 0) {
        limit = 0;
        return;
    }
    if (limit <= 0) {
        // Switched on (or first use): start with a full minute's budget.
        limit = newLimit;
        level = limit * kUnit;
    } else {
        limit = newLimit;
        const qint64 elapsed = std::max<qint64>(0, nowUs - updatedUs);
        // Beyond a minute the bucket is full anyway; capping first avoids overflow.
        level = std::min(limit * kUnit, level + std::min<qint64>(elapsed, kUnit) * limit);
    }
    updatedUs = nowUs;
}

qint64 RateLimiter::Bucket::usUntil(qint64 wantedUnits) const {
    if (limit <= 0 || level >= wantedUnits)
        return 0;
    return (wantedUnits - level + limit - 1) / limit;
}

bool RateLimiter::admit(qint64 nowUs, int rpm, int tpm, qint64 tokens, RateLimitState* state) {
    m_requests.refill(nowUs, rpm);
    m_tokens.refill(nowUs, tpm);
    // A request larger than the whole minute's budget could never pass; charge it the full
    // budget instead, so it waits for a full bucket rather than forever.
    const qint64 tokenCost =
        m_tokens.limit > 0 ? std::min<qint64>(std::max<qint64>(tokens, 0), m_tokens.limit) : 0;
    const qint64 requestWait = m_requests.usUntil(kUnit);
    const qint64 tokenWait = m_tokens.usUntil(tokenCost * kUnit);
    const bool admitted = requestWait == 0 && tokenWait == 0;
    if (admitted) {
        if (m_requests.limit > 0)
            m_requests.level -= kUnit;
        if (m_tokens.limit > 0)
            m_tokens.level -= tokenCost * kUnit;
    }
    if (state) {
        RateLimitState s;
        s.requestsLimited = m_requests.limit > 0;
        s.requestLimit = static_cast<int>(m_requests.limit);
        s.requestsRemaining = m_requests.level / kUnit;
        s.requestsResetUs = m_requests.usUntil(m_requests.limit * kUnit);
        s.tokensLimited = m_tokens.limit > 0;
        s.tokenLimit = static_cast<int>(m_tokens.limit);
        s.tokensRemaining = m_tokens.level / kUnit;
        s.tokensResetUs = m_tokens.usUntil(m_tokens.limit * kUnit);
        if (!admitted) {
            s.limitedByTokens = tokenWait > requestWait;
            s.retryAfterUs = std::max(requestWait, tokenWait);
        }
        *state = s;
    }
    return admitted;
}

} // namespace poolscope::sim
