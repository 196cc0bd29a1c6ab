#include "openaiwireformat.h"

#include "jsonwriter.h"

#include <QStringBuilder>

using namespace Qt::StringLiterals;

namespace poolscope::sim {

namespace {

void appendUsage(QByteArray& out, int promptTokens, int outputTokens) {
    out.append("\"usage\":{\"prompt_tokens\":");
    json::appendNumber(out, promptTokens);
    out.append(",\"completion_tokens\":");
    json::appendNumber(out, outputTokens);
    out.append(",\"total_tokens\":");
    json::appendNumber(out, qint64(promptTokens) + outputTokens);
    out.append(",\"prompt_tokens_details\":{\"cached_tokens\":0},"
               "\"completion_tokens_details\":{\"reasoning_tokens\":0}}");
}

// {"id":…,"object":"chat.completion.chunk","created":…,"model":…,
void appendChunkHead(QByteArray& out, const ResponseContext& context) {
    out.append("data: {\"id\":");
    json::appendString(out, context.id);
    out.append(",\"object\":\"chat.completion.chunk\",\"created\":");
    json::appendNumber(out, context.created);
    out.append(",\"model\":");
    json::appendString(out, context.model);
    out.append(",\"system_fingerprint\":\"fp_poolscope_sim\",");
}

} // namespace

QByteArray OpenAiWireFormat::responseId(quint64 connectionId, quint64 requestNumber) const {
    return "chatcmpl-sim"_ba + QByteArray::number(connectionId, 16) + "x"_ba +
           QByteArray::number(requestNumber, 16);
}

QByteArray OpenAiWireFormat::completeBody(const ResponseContext& context, QByteArrayView text,
                                          int outputTokens, bool stoppedByLength) const {
    QByteArray out;
    out.reserve(text.size() + 512);
    out.append("{\"id\":");
    json::appendString(out, context.id);
    out.append(",\"object\":\"chat.completion\",\"created\":");
    json::appendNumber(out, context.created);
    out.append(",\"model\":");
    json::appendString(out, context.model);
    out.append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
    json::appendString(out, text);
    out.append(",\"refusal\":null},\"logprobs\":null,\"finish_reason\":");
    out.append(stoppedByLength ? "\"length\"" : "\"stop\"");
    out.append("}],");
    appendUsage(out, context.promptTokens, outputTokens);
    out.append(",\"system_fingerprint\":\"fp_poolscope_sim\"}");
    return out;
}

void OpenAiWireFormat::appendStreamStart(QByteArray& out, ResponseContext& context) const {
    context.tokenPrefix.clear();
    appendChunkHead(context.tokenPrefix, context);
    context.tokenPrefix.append("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
    appendChunkHead(out, context);
    out.append("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
               "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
}

void OpenAiWireFormat::appendToken(QByteArray& out, const ResponseContext& context,
                                   QByteArrayView text) const {
    // Words never need escaping (see WordSource), so the text goes in as is.
    out.append(context.tokenPrefix);
    out.append(text);
    out.append("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
}

void OpenAiWireFormat::appendMalformedToken(QByteArray& out, const ResponseContext& context,
                                            QByteArrayView text) const {
    out.append(context.tokenPrefix);
    out.append(text);
    out.append("\"},\"logprobs\":nul\n\n"); // cut short: invalid JSON
}

void OpenAiWireFormat::appendStreamEnd(QByteArray& out, const ResponseContext& context,
                                       int outputTokens, bool stoppedByLength,
                                       bool includeUsage) const {
    appendChunkHead(out, context);
    out.append("\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":");
    out.append(stoppedByLength ? "\"length\"" : "\"stop\"");
    out.append("}]}\n\n");
    if (includeUsage) {
        appendChunkHead(out, context);
        out.append("\"choices\":[],");
        appendUsage(out, context.promptTokens, outputTokens);
        out.append("}\n\n");
    }
    out.append("data: [DONE]\n\n");
}

QByteArray OpenAiWireFormat::errorBody(int status, QByteArrayView message,
                                       bool limitedByTokens) const {
    QByteArrayView type = "invalid_request_error";
    QByteArrayView code = "null";
    switch (status) {
    case 404:
        code = "\"unknown_url\"";
        break;
    case 405:
        code = "\"method_not_allowed\"";
        break;
    case 429:
        type = limitedByTokens ? "tokens" : "requests";
        code = "\"rate_limit_exceeded\"";
        break;
    case 500:
        type = "server_error";
        break;
    case 503:
        type = "server_error";
        code = "\"overloaded\"";
        break;
    default:
        if (status >= 500)
            type = "server_error";
    }
    QByteArray out;
    out.reserve(message.size() + 128);
    out.append("{\"error\":{\"message\":");
    json::appendString(out, message);
    out.append(",\"type\":\"");
    out.append(type);
    out.append("\",\"param\":null,\"code\":");
    out.append(code);
    out.append("}}");
    return out;
}

QByteArray OpenAiWireFormat::durationText(qint64 us) {
    if (us < 1000000) {
        const qint64 ms = (us + 999) / 1000;
        return QByteArray::number(ms) + "ms"_ba;
    }
    const qint64 ms = (us + 999) / 1000;
    const qint64 minutes = ms / 60000;
    const qint64 restMs = ms % 60000;
    QByteArray seconds = QByteArray::number(restMs / 1000);
    if (restMs % 1000) {
        QByteArray fraction = QByteArray::number(restMs % 1000).rightJustified(3, '0');
        while (fraction.endsWith('0'))
            fraction.chop(1);
        seconds += "."_ba + fraction;
    }
    if (minutes > 0)
        return QByteArray::number(minutes) + "m"_ba + seconds + "s"_ba;
    return seconds + "s"_ba;
}

void OpenAiWireFormat::appendRateLimitHeaders(QByteArray& out, const RateLimitState& state) const {
    if (state.requestsLimited) {
        out.append("x-ratelimit-limit-requests: "_ba + QByteArray::number(state.requestLimit) +
                   "\r\nx-ratelimit-remaining-requests: "_ba +
                   QByteArray::number(state.requestsRemaining) +
                   "\r\nx-ratelimit-reset-requests: "_ba + durationText(state.requestsResetUs) +
                   "\r\n"_ba);
    }
    if (state.tokensLimited) {
        out.append("x-ratelimit-limit-tokens: "_ba + QByteArray::number(state.tokenLimit) +
                   "\r\nx-ratelimit-remaining-tokens: "_ba +
                   QByteArray::number(state.tokensRemaining) + "\r\nx-ratelimit-reset-tokens: "_ba +
                   durationText(state.tokensResetUs) + "\r\n"_ba);
    }
}

} // namespace poolscope::sim
