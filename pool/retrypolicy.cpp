#include "retrypolicy.h"

#include <QLocale>
#include <QString>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

bool RetryPolicy::isRetryable(ErrorClass cls, int httpStatus) {
    if (httpStatus > 0 && cls != ErrorClass::Malformed && cls != ErrorClass::Truncated)
        return isRetryableHttpStatus(httpStatus);
    switch (cls) {
    case ErrorClass::Refused:
    case ErrorClass::Reset:
    case ErrorClass::ConnectTimeout:
    case ErrorClass::StallTimeout:
    case ErrorClass::Network:
    case ErrorClass::RateLimited:
    case ErrorClass::Server5xx:
        return true;
    default:
        return false;
    }
}

std::optional<qint64> RetryPolicy::serverDelayMs(const QByteArray& retryAfterMs,
                                                 const QByteArray& retryAfter,
                                                 const QDateTime& nowUtc) {
    bool ok = false;
    if (!retryAfterMs.isEmpty()) {
        const double ms = retryAfterMs.trimmed().toDouble(&ok);
        if (ok && std::isfinite(ms) && ms >= 0)
            return qint64(std::ceil(ms));
    }
    if (retryAfter.isEmpty())
        return std::nullopt;
    const double seconds = retryAfter.trimmed().toDouble(&ok);
    if (ok && std::isfinite(seconds) && seconds >= 0)
        return qint64(std::ceil(seconds * 1000.0));
    // An HTTP date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 9110 IMF-fixdate).
    const QString text = QString::fromLatin1(retryAfter.trimmed());
    QDateTime when = QLocale::c().toDateTime(text, u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s);
    if (!when.isValid())
        return std::nullopt;
    when.setTimeSpec(Qt::UTC);
    return std::max<qint64>(0, nowUtc.msecsTo(when));
}

qint64 RetryPolicy::delayMs(int retryNumber, std::optional<qint64> serverDelay,
                            double jitter01) const {
    if (serverDelay && *serverDelay > 0 && *serverDelay <= retryAfterCapMs)
        return *serverDelay;
    const double exponential =
        double(baseDelayMs) * std::pow(2.0, double(std::max(0, retryNumber - 1)));
    const double capped = std::min(exponential, double(maxDelayMs));
    const double jitter = 1.0 - 0.25 * std::clamp(jitter01, 0.0, 1.0);
    return qint64(std::llround(capped * jitter));
}

} // namespace poolscope
