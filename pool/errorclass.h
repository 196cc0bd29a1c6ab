#pragma once

#include <QString>

namespace poolscope {

// Why a request (or one attempt of it) failed. The names are stable: they appear in the
// per-request records, the summary's "errors" object and the charts.
enum class ErrorClass {
    None,
    Dns,
    Refused,
    Reset,
    Tls,
    ConnectTimeout,
    StallTimeout,
    TotalTimeout,
    AcquireTimeout,
    Auth,
    NotFound,
    BadRequest,
    RateLimited,
    Http4xx,
    Server5xx,
    Malformed,
    Truncated,
    TooLarge,
    Canceled,
    Network,
};

QString errorClassName(ErrorClass cls); // "connect_timeout", "rate_limited", …; "" for None
ErrorClass errorClassForHttpStatus(int status); // None for 1xx–3xx
bool isRetryableHttpStatus(int status);         // 408, 409, 429, >= 500

} // namespace poolscope

#include <QNetworkReply>

namespace poolscope {
// The class of a transport failure reported by QNetworkReply (HTTP statuses are classified
// separately, by errorClassForHttpStatus).
ErrorClass errorClassForNetworkError(QNetworkReply::NetworkError error);
} // namespace poolscope
