#include "requestrecord.h"

#include <QJsonArray>
#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

double spanMs(qint64 from, qint64 to) {
    if (from <= 0 || to <= 0)
        return -1.0;
    return double(to - from) / 1000.0;
}

QJsonValue msValue(double ms) {
    if (ms < 0)
        return QJsonValue(QJsonValue::Null);
    return QJsonValue(qRound64(ms * 1000.0) / 1000.0);
}

} // namespace

double RequestRecord::queueMs() const {
    // An acquire timeout never got a connection but did wait.
    return timeline.acquiredAt > 0 || queueUs > 0 ? double(queueUs) / 1000.0 : -1.0;
}

double RequestRecord::connectMs() const {
    if (timeline.connectStartAt <= 0)
        return -1.0;
    // Qt reports no "TCP connected" instant: for TLS the socket setup ends with the handshake,
    // for plain HTTP when the request has been written on the new socket.
    const qint64 end = timeline.tlsDoneAt > 0 ? timeline.tlsDoneAt : timeline.sentAt;
    return spanMs(timeline.connectStartAt, end);
}

double RequestRecord::tlsMs() const {
    return spanMs(timeline.connectStartAt, timeline.tlsDoneAt);
}

double RequestRecord::ttfbMs() const {
    return spanMs(timeline.queuedAt, timeline.firstByteAt);
}

double RequestRecord::ttftMs() const {
    return spanMs(timeline.queuedAt, timeline.firstTokenAt);
}

double RequestRecord::e2eMs() const {
    return spanMs(timeline.queuedAt, timeline.finishedAt);
}

double RequestRecord::itlMeanMs() const {
    if (interTokenGapsUs.isEmpty())
        return -1.0;
    qint64 sum = 0;
    for (qint64 gap : interTokenGapsUs)
        sum += gap;
    return double(sum) / double(interTokenGapsUs.size()) / 1000.0;
}

double RequestRecord::tpotMs() const {
    const double ttft = ttftMs();
    const double e2e = e2eMs();
    // Without streaming the first token arrives with the last: there is no decode rate to see.
    if (!streamed || ttft < 0 || e2e < 0 || tokens.completion < 2)
        return -1.0;
    return (e2e - ttft) / double(tokens.completion - 1);
}

QJsonObject RequestRecord::toJson() const {
    QJsonObject timings{
        {u"queue"_s, msValue(queueMs())}, {u"connect"_s, msValue(connectMs())},
        {u"tls"_s, msValue(tlsMs())},     {u"ttfb"_s, msValue(ttfbMs())},
        {u"ttft"_s, msValue(ttftMs())},   {u"e2e"_s, msValue(e2eMs())},
    };
    QJsonObject tokenObject{
        {u"prompt"_s, tokens.prompt >= 0 ? QJsonValue(tokens.prompt) : QJsonValue()},
        {u"completion"_s, tokens.completion >= 0 ? QJsonValue(tokens.completion) : QJsonValue()},
        {u"cached"_s, tokens.cached},
        {u"cache_write"_s, tokens.cacheWrite},
        {u"cache_write_1h"_s, tokens.cacheWrite1h},
        {u"reasoning"_s, tokens.reasoning},
        {u"estimated"_s, tokens.estimated},
    };
    QJsonArray attemptArray;
    for (const AttemptRecord& attempt : attemptLog) {
        attemptArray.append(QJsonObject{
            {u"attempt"_s, attempt.number},
            {u"error_class"_s, errorClassName(attempt.errorClass)},
            {u"http_status"_s, attempt.httpStatus},
            {u"cause"_s, attempt.cause},
            {u"retry_delay_ms"_s, attempt.retryDelayMs},
        });
    }
    QJsonValue cost;
    if (costPicoUsd)
        cost = double(*costPicoUsd) / 1e12;
    return QJsonObject{
        {u"request_id"_s, requestId},
        {u"index"_s, index},
        {u"status"_s, ok ? u"ok"_s : u"error"_s},
        {u"http_status"_s, httpStatus},
        {u"error_class"_s,
         errorClass == ErrorClass::None ? QJsonValue() : errorClassName(errorClass)},
        {u"error"_s, error.isEmpty() ? QJsonValue() : QJsonValue(error)},
        {u"attempts"_s, attempts},
        {u"attempt_log"_s, attemptArray},
        {u"model"_s, model},
        {u"profile"_s, profile.isEmpty() ? QJsonValue() : QJsonValue(profile)},
        {u"connection_id"_s, connectionId},
        {u"reused"_s, reused},
        {u"http_version"_s, httpVersion},
        {u"stream"_s, streamed},
        {u"timings_ms"_s, timings},
        {u"itl_ms_mean"_s, msValue(itlMeanMs())},
        {u"tpot_ms"_s, msValue(tpotMs())},
        {u"tokens"_s, tokenObject},
        {u"cost_usd"_s, cost},
        {u"output"_s, output},
    };
}

bool isSecretHeader(const QByteArray& name) {
    const QByteArray lower = name.toLower();
    return lower == "authorization" || lower == "x-api-key" || lower == "x-goog-api-key" ||
           lower == "proxy-authorization" || lower == "api-key" || lower == "cookie";
}

RecordHeaders redactedHeaders(const RecordHeaders& headers) {
    RecordHeaders out;
    out.reserve(headers.size());
    for (const auto& [name, value] : headers)
        out.append({name, isSecretHeader(name) ? QByteArray("[redacted]") : value});
    return out;
}

} // namespace poolscope
