#include "simchatrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QStringBuilder>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace poolscope::sim {

namespace {

// Text of a content field: a string, or an array of blocks with "text".
qsizetype contentChars(const QJsonValue& content) {
    if (content.isString())
        return content.toString().size();
    qsizetype chars = 0;
    if (content.isArray()) {
        for (const QJsonValue& block : content.toArray()) {
            if (block.isString())
                chars += block.toString().size();
            else
                chars += block.toObject().value("text"_L1).toString().size();
        }
    }
    return chars;
}

// A positive integer field, or -1 when absent.
bool readMaxTokens(const QJsonObject& object, QLatin1StringView key, int* out, QByteArray* error) {
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return true;
    const double d = value.toDouble(-1);
    if (!value.isDouble() || d < 1 || d != std::floor(d) || d > std::numeric_limits<int>::max()) {
        *error = QByteArray(key.data(), key.size()) + " must be a positive integer"_ba;
        return false;
    }
    *out = static_cast<int>(d);
    return true;
}

} // namespace

std::optional<SimChatRequest> SimChatRequest::parse(SimApi api, const QByteArray& body,
                                                    QByteArray* error) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = "the request body is not valid JSON ("_ba + parseError.errorString().toUtf8() +
                 " at offset "_ba + QByteArray::number(parseError.offset) + ")"_ba;
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = "the request body must be a JSON object"_ba;
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    const QJsonValue messages = object.value("messages"_L1);
    if (!messages.isArray()) {
        *error = "'messages' is required and must be an array"_ba;
        return std::nullopt;
    }
    SimChatRequest request;
    qsizetype chars = 0;
    for (const QJsonValue& message : messages.toArray())
        chars += contentChars(message.toObject().value("content"_L1));
    if (api == SimApi::Anthropic)
        chars += contentChars(object.value("system"_L1));
    request.promptTokens = static_cast<int>(std::min<qsizetype>((chars + 3) / 4, 1 << 30));
    request.model = object.value("model"_L1).toString().toUtf8();
    if (request.model.isEmpty())
        request.model = "sim-small"_ba;
    request.stream = object.value("stream"_L1).toBool(false);
    if (api == SimApi::OpenAI) {
        request.includeUsage =
            request.stream &&
            object.value("stream_options"_L1).toObject().value("include_usage"_L1).toBool(false);
        if (!readMaxTokens(object, "max_completion_tokens"_L1, &request.maxTokens, error))
            return std::nullopt;
        if (request.maxTokens < 0 &&
            !readMaxTokens(object, "max_tokens"_L1, &request.maxTokens, error))
            return std::nullopt;
    } else if (!readMaxTokens(object, "max_tokens"_L1, &request.maxTokens, error)) {
        return std::nullopt;
    }
    return request;
}

} // namespace poolscope::sim
