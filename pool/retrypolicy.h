#pragma once

#include "errorclass.h"

#include <QByteArray>
#include <QDateTime>

#include <optional>

namespace poolscope {

// When to retry and how long to wait, as openai-python does it: 408/409/429/5xx and connection
// failures are retried; the server's Retry-After / retry-after-ms wins when it is sane
// (0 < wait ≤ cap), else 0.5 s·2ⁿ capped, times a jitter in [0.75, 1.0].
struct RetryPolicy {
    int maxRetries = 2;
    qint64 baseDelayMs = 500;
    qint64 maxDelayMs = 8000;
    qint64 retryAfterCapMs = 60000;

    // Whether a failure of this kind may be retried at all (x-should-retry overrides it).
    static bool isRetryable(ErrorClass cls, int httpStatus);

    // retry-after-ms first, then Retry-After as seconds or an HTTP date (relative to now).
    static std::optional<qint64> serverDelayMs(const QByteArray& retryAfterMs,
                                               const QByteArray& retryAfter,
                                               const QDateTime& nowUtc);

    // The wait before retry number `retryNumber` (1 for the first retry). jitter01 is a
    // uniform random number in [0, 1).
    qint64 delayMs(int retryNumber, std::optional<qint64> serverDelay, double jitter01) const;
};

} // namespace poolscope
