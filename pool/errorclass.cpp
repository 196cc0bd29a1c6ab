#include "errorclass.h"

using namespace Qt::StringLiterals;

namespace poolscope {

QString errorClassName(ErrorClass cls) {
    switch (cls) {
    case ErrorClass::None:
        return {};
    case ErrorClass::Dns:
        return u"dns"_s;
    case ErrorClass::Refused:
        return u"refused"_s;
    case ErrorClass::Reset:
        return u"reset"_s;
    case ErrorClass::Tls:
        return u"tls"_s;
    case ErrorClass::ConnectTimeout:
        return u"connect_timeout"_s;
    case ErrorClass::StallTimeout:
        return u"stall_timeout"_s;
    case ErrorClass::TotalTimeout:
        return u"total_timeout"_s;
    case ErrorClass::AcquireTimeout:
        return u"acquire_timeout"_s;
    case ErrorClass::Auth:
        return u"auth"_s;
    case ErrorClass::NotFound:
        return u"not_found"_s;
    case ErrorClass::BadRequest:
        return u"bad_request"_s;
    case ErrorClass::RateLimited:
        return u"rate_limited"_s;
    case ErrorClass::Http4xx:
        return u"http_4xx"_s;
    case ErrorClass::Server5xx:
        return u"server_error"_s;
    case ErrorClass::Malformed:
        return u"malformed_response"_s;
    case ErrorClass::Truncated:
        return u"truncated_stream"_s;
    case ErrorClass::TooLarge:
        return u"too_large"_s;
    case ErrorClass::Canceled:
        return u"canceled"_s;
    case ErrorClass::Network:
        return u"network"_s;
    }
    return {};
}

ErrorClass errorClassForHttpStatus(int status) {
    if (status < 400)
        return ErrorClass::None;
    switch (status) {
    case 401:
    case 403:
        return ErrorClass::Auth;
    case 404:
        return ErrorClass::NotFound;
    case 400:
    case 413:
    case 422:
        return ErrorClass::BadRequest;
    case 429:
        return ErrorClass::RateLimited;
    default:
        return status >= 500 ? ErrorClass::Server5xx : ErrorClass::Http4xx;
    }
}

bool isRetryableHttpStatus(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

} // namespace poolscope

namespace poolscope {

ErrorClass errorClassForNetworkError(QNetworkReply::NetworkError error) {
    using E = QNetworkReply::NetworkError;
    switch (error) {
    case E::NoError:
        return ErrorClass::None;
    case E::ConnectionRefusedError:
        return ErrorClass::Refused;
    case E::RemoteHostClosedError:
        return ErrorClass::Reset;
    case E::HostNotFoundError:
        return ErrorClass::Dns;
    case E::TimeoutError:
        return ErrorClass::ConnectTimeout;
    case E::OperationCanceledError:
        return ErrorClass::Canceled;
    case E::SslHandshakeFailedError:
        return ErrorClass::Tls;
    case E::ProtocolUnknownError:
    case E::ProtocolInvalidOperationError:
    case E::ProtocolFailure:
        return ErrorClass::Malformed;
    default:
        return ErrorClass::Network;
    }
}

} // namespace poolscope
