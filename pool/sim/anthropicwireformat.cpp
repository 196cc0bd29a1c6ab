#include "anthropicwireformat.h"

#include "jsonwriter.h"

#include <QDateTime>
#include <QStringBuilder>

using namespace Qt::StringLiterals;

namespace poolscope::sim {

namespace {

// Anthropic reports when a budget is full again as an RFC 3339 time.
QByteArray resetTime(qint64 us) {
    return QDateTime::currentDateTimeUtc()
        .addMSecs((us + 999) / 1000)
        .toString(Qt::ISODate)
        .toLatin1();
}

} // namespace

QByteArray AnthropicWireFormat::responseId(quint64 connectionId, quint64 requestNumber) const {
    return "msg_sim"_ba + QByteArray::number(connectionId, 16) + "x"_ba +
           QByteArray::number(requestNumber, 16);
}

QByteArray AnthropicWireFormat::completeBody(const ResponseContext& context, QByteArrayView text,
                                             int outputTokens, bool stoppedByLength) const {
    QByteArray out;
    out.reserve(text.size() + 384);
    out.append("{\"id\":");
    json::appendString(out, context.id);
    out.append(",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
    json::appendString(out, context.model);
    out.append(",\"content\":[{\"type\":\"text\",\"text\":");
    json::appendString(out, text);
    out.append("}],\"stop_reason\":");
    out.append(stoppedByLength ? "\"max_tokens\"" : "\"end_turn\"");
    out.append(",\"stop_sequence\":null,\"usage\":{\"input_tokens\":");
    json::appendNumber(out, context.promptTokens);
    out.append(",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
               "\"output_tokens\":");
    json::appendNumber(out, outputTokens);
    out.append("}}");
    return out;
}

void AnthropicWireFormat::appendStreamStart(QByteArray& out, ResponseContext& context) const {
    context.tokenPrefix = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                          "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""_ba;
    out.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":");
    json::appendString(out, context.id);
    out.append(",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
    json::appendString(out, context.model);
    out.append(",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
               "\"usage\":{\"input_tokens\":");
    json::appendNumber(out, context.promptTokens);
    out.append(",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
               "\"output_tokens\":1}}}\n\n"
               "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
               "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
               "event: ping\ndata: {\"type\": \"ping\"}\n\n");
}

void AnthropicWireFormat::appendToken(QByteArray& out, const ResponseContext& context,
                                      QByteArrayView text) const {
    out.append(context.tokenPrefix);
    out.append(text);
    out.append("\"}}\n\n");
}

void AnthropicWireFormat::appendMalformedToken(QByteArray& out, const ResponseContext& context,
                                               QByteArrayView text) const {
    out.append(context.tokenPrefix);
    out.append(text);
    out.append("\"\n\n"); // cut short: invalid JSON
}

void AnthropicWireFormat::appendStreamEnd(QByteArray& out, const ResponseContext&, int outputTokens,
                                          bool stoppedByLength, bool) const {
    out.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
               "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":"
               "{\"stop_reason\":");
    out.append(stoppedByLength ? "\"max_tokens\"" : "\"end_turn\"");
    out.append(",\"stop_sequence\":null},\"usage\":{\"output_tokens\":");
    json::appendNumber(out, outputTokens);
    out.append("}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
}

QByteArray AnthropicWireFormat::errorBody(int status, QByteArrayView message, bool) const {
    QByteArrayView type = "invalid_request_error";
    switch (status) {
    case 401:
        type = "authentication_error";
        break;
    case 404:
        type = "not_found_error";
        break;
    case 413:
        type = "request_too_large";
        break;
    case 429:
        type = "rate_limit_error";
        break;
    case 503:
    case 529:
        type = "overloaded_error";
        break;
    default:
        if (status >= 500)
            type = "api_error";
    }
    QByteArray out;
    out.reserve(message.size() + 96);
    out.append("{\"type\":\"error\",\"error\":{\"type\":\"");
    out.append(type);
    out.append("\",\"message\":");
    json::appendString(out, message);
    out.append("}}");
    return out;
}

void AnthropicWireFormat::appendRateLimitHeaders(QByteArray& out,
                                                 const RateLimitState& state) const {
    if (state.requestsLimited) {
        out.append("anthropic-ratelimit-requests-limit: "_ba +
                   QByteArray::number(state.requestLimit) +
                   "\r\nanthropic-ratelimit-requests-remaining: "_ba +
                   QByteArray::number(state.requestsRemaining) +
                   "\r\nanthropic-ratelimit-requests-reset: "_ba +
                   resetTime(state.requestsResetUs) + "\r\n"_ba);
    }
    if (state.tokensLimited) {
        out.append("anthropic-ratelimit-tokens-limit: "_ba + QByteArray::number(state.tokenLimit) +
                   "\r\nanthropic-ratelimit-tokens-remaining: "_ba +
                   QByteArray::number(state.tokensRemaining) +
                   "\r\nanthropic-ratelimit-tokens-reset: "_ba + resetTime(state.tokensResetUs) +
                   "\r\n"_ba);
    }
}

} // namespace poolscope::sim
