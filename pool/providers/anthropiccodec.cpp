#include "anthropiccodec.h"

#include "codecjson.h"
#include "jsonscanner.h"
#include "ssestreamdecoder.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

HeaderList baseHeaders(const QByteArray& apiKey) {
    HeaderList headers;
    if (!apiKey.isEmpty())
        headers.emplaceBack("x-api-key", apiKey);
    headers.emplaceBack("anthropic-version", "2023-06-01");
    return headers;
}

QString errorText(const QJsonObject& error) {
    const QString message = error.value(u"message").toString();
    return message.isEmpty() ? u"server sent an error without a message"_s : message;
}

// Anthropic's counts are cumulative and arrive piecewise (message_start, then message_delta),
// so the raw fields are kept and the total is recomputed from them.
struct RawUsage {
    qint64 input = -1;
    qint64 output = -1;
    qint64 cacheRead = 0;
    qint64 cacheCreation = 0;
    qint64 cacheCreation1h = 0; // of cacheCreation, written for one hour

    void merge(const QJsonObject& usage) {
        input = codecjson::count(usage.value(u"input_tokens"), input);
        output = codecjson::count(usage.value(u"output_tokens"), output);
        cacheRead = codecjson::count(usage.value(u"cache_read_input_tokens"), cacheRead);
        cacheCreation =
            codecjson::count(usage.value(u"cache_creation_input_tokens"), cacheCreation);
        // "cache_creation": {"ephemeral_5m_input_tokens": …, "ephemeral_1h_input_tokens": …}
        const QJsonObject byLifetime = usage.value(u"cache_creation").toObject();
        cacheCreation1h =
            codecjson::count(byLifetime.value(u"ephemeral_1h_input_tokens"), cacheCreation1h);
    }

    TokenUsage toUsage() const {
        TokenUsage usage;
        // input_tokens counts only the uncached part; the prompt is all three.
        if (input >= 0)
            usage.prompt = input + cacheRead + cacheCreation;
        usage.completion = output;
        usage.cached = cacheRead;
        usage.cacheWrite = cacheCreation;     // billed above input (1.25× for 5-minute entries)
        usage.cacheWrite1h = cacheCreation1h; // 2× input for one-hour entries
        return usage;
    }
};

class AnthropicStreamDecoder final : public SseStreamDecoder {
protected:
    void handleEvent(const SseEvent& event, StreamUpdate& update) override {
        if (isFinished())
            return;
        if (const auto text = AnthropicCodec::scanTextDelta(event.data)) { // the common event
            if (!text->isEmpty())
                update.contentDeltas.append(*text);
            return;
        }
        QString parseError;
        const auto payload = codecjson::parseObject(event.data, &parseError);
        if (!payload) {
            setMalformed(update, parseError);
            return;
        }
        // The SSE event name and the payload's "type" agree; the payload is authoritative.
        QString type = payload->value(u"type").toString();
        if (type.isEmpty())
            type = QString::fromUtf8(event.event);

        if (type == "message_start"_L1) {
            const QJsonValue usage = payload->value(u"message").toObject().value(u"usage");
            if (usage.isObject()) {
                m_usage.merge(usage.toObject());
                update.usage = m_usage.toUsage();
            }
        } else if (type == "content_block_start"_L1) {
            const QJsonObject block = payload->value(u"content_block").toObject();
            if (block.value(u"type").toString() == "text"_L1) {
                const QString text = block.value(u"text").toString();
                if (!text.isEmpty())
                    update.contentDeltas.append(text);
            }
        } else if (type == "content_block_delta"_L1) {
            const QString text = AnthropicCodec::textDeltaFromJson(*payload);
            if (!text.isEmpty())
                update.contentDeltas.append(text);
        } else if (type == "message_delta"_L1) {
            const QString stopReason =
                payload->value(u"delta").toObject().value(u"stop_reason").toString();
            if (!stopReason.isEmpty())
                update.finishReason = stopReason;
            const QJsonValue usage = payload->value(u"usage");
            if (usage.isObject()) {
                m_usage.merge(usage.toObject());
                update.usage = m_usage.toUsage();
            }
        } else if (type == "message_stop"_L1) {
            markFinished(update);
        } else if (type == "error"_L1) {
            const QJsonObject error = payload->value(u"error").toObject();
            setError(update, AnthropicCodec::errorClassOf(error), errorText(error));
        }
        // ping, content_block_stop and event types added later are ignored, as the API asks.
    }

private:
    RawUsage m_usage;
};

} // namespace

QString AnthropicCodec::textDeltaFromJson(const QJsonObject& event) {
    // thinking_delta, signature_delta and input_json_delta are not output text.
    const QJsonObject delta = event.value(u"delta").toObject();
    if (delta.value(u"type").toString() != "text_delta"_L1)
        return QString();
    return delta.value(u"text").toString();
}

std::optional<QString> AnthropicCodec::scanTextDelta(QByteArrayView data) {
    using Kind = JsonScanner::Kind;
    JsonScanner json(data);
    QString type;
    QString deltaType;
    QString text;
    bool sawType = false;
    bool sawDelta = false;
    bool sawDeltaType = false;
    bool sawText = false;
    // A string member read once; a second one, or another kind of value, needs the full path
    // (which reads a non-string as "", but then so would a missing one: keep it simple).
    const auto readOnce = [&json](bool& seen, QString* out) {
        return !std::exchange(seen, true) && json.peek() == Kind::String && json.readString(out);
    };
    if (!json.enterObject())
        return std::nullopt;
    QByteArrayView key;
    while (json.nextMember(&key)) {
        bool read = true;
        if (key == "type") {
            read = readOnce(sawType, &type);
        } else if (key == "delta") {
            read = !std::exchange(sawDelta, true) && json.enterObject();
            QByteArrayView inner;
            while (read && json.nextMember(&inner)) {
                if (inner == "type")
                    read = readOnce(sawDeltaType, &deltaType);
                else if (inner == "text")
                    read = readOnce(sawText, &text);
                else
                    read = json.skipValue();
            }
            read = read && json.ok();
        } else {
            read = json.skipValue();
        }
        if (!read)
            return std::nullopt;
    }
    if (!json.finished() || type != "content_block_delta"_L1)
        return std::nullopt;
    return deltaType == "text_delta"_L1 ? text : QString();
}

ErrorClass AnthropicCodec::errorClassOf(const QJsonObject& error) {
    const QString type = error.value(u"type").toString();
    if (type == "rate_limit_error"_L1)
        return ErrorClass::RateLimited;
    if (type == "invalid_request_error"_L1)
        return ErrorClass::BadRequest;
    if (type == "authentication_error"_L1 || type == "permission_error"_L1)
        return ErrorClass::Auth;
    if (type == "not_found_error"_L1)
        return ErrorClass::NotFound;
    if (type == "request_too_large"_L1)
        return ErrorClass::TooLarge;
    if (type == "billing_error"_L1)
        return ErrorClass::Http4xx;
    // overloaded_error, api_error, timeout_error and anything new: the server failed.
    return ErrorClass::Server5xx;
}

HttpRequestSpec AnthropicCodec::buildChatRequest(const QUrl& baseUrl, const QByteArray& apiKey,
                                                 const ChatRequest& request) const {
    QStringList system;
    QJsonArray messages;
    for (const ChatMessage& message : request.messages) {
        if (message.role == "system"_L1)
            system.append(message.content); // the API has no system role in messages
        else
            messages.append(
                QJsonObject{{"role"_L1, message.role}, {"content"_L1, message.content}});
    }
    QJsonObject body{
        {"model"_L1, request.model},
        {"messages"_L1, messages},
        {"max_tokens"_L1, request.maxTokens >= 0 ? request.maxTokens : DefaultMaxTokens},
        {"stream"_L1, request.stream}};
    if (!system.isEmpty())
        body.insert("system"_L1, system.join(u"\n\n"_s));
    if (!std::isnan(request.temperature))
        body.insert("temperature"_L1, request.temperature);

    HttpRequestSpec spec;
    spec.url = codecjson::endpoint(baseUrl, u"/messages"_s);
    spec.headers = baseHeaders(apiKey);
    spec.headers.emplaceBack("Content-Type", "application/json");
    if (request.stream)
        spec.headers.emplaceBack("Accept", "text/event-stream");
    spec.body = codecjson::compact(body);
    return spec;
}

ParsedResponse AnthropicCodec::parseResponse(QByteArrayView body) const {
    ParsedResponse result;
    const auto object = codecjson::parseObject(body, &result.error);
    if (!object)
        return result;
    if (object->value(u"type").toString() == "error"_L1) {
        result.error =
            u"server returned an error: "_s + errorText(object->value(u"error").toObject());
        return result;
    }
    const QJsonValue content = object->value(u"content");
    if (!content.isArray()) {
        result.error = u"response has no content: "_s + codecjson::excerpt(body);
        return result;
    }
    const QJsonArray blocks = content.toArray();
    for (const QJsonValue& value : blocks) {
        const QJsonObject block = value.toObject();
        if (block.value(u"type").toString() == "text"_L1)
            result.text += block.value(u"text").toString();
    }
    result.finishReason = object->value(u"stop_reason").toString();
    const QJsonValue usage = object->value(u"usage");
    if (usage.isObject()) {
        RawUsage raw;
        raw.merge(usage.toObject());
        result.usage = raw.toUsage();
    }
    return result;
}

std::unique_ptr<StreamDecoder> AnthropicCodec::newStreamDecoder() const {
    return std::make_unique<AnthropicStreamDecoder>();
}

QString AnthropicCodec::errorMessage(QByteArrayView body) const {
    const auto object = codecjson::parseObject(body, nullptr);
    if (!object)
        return {};
    return object->value(u"error").toObject().value(u"message").toString();
}

HttpRequestSpec AnthropicCodec::buildModelsRequest(const QUrl& baseUrl,
                                                   const QByteArray& apiKey) const {
    HttpRequestSpec spec;
    spec.method = "GET";
    spec.url = codecjson::endpoint(baseUrl, u"/models"_s);
    spec.headers = baseHeaders(apiKey);
    return spec;
}

QStringList AnthropicCodec::parseModels(QByteArrayView body) const {
    return codecjson::dataIds(body);
}

} // namespace poolscope
