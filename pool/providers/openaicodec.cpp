#include "openaicodec.h"

#include "codecjson.h"
#include "jsonscanner.h"
#include "ssestreamdecoder.h"

#include <QJsonArray>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

HeaderList authHeaders(const QByteArray& apiKey) {
    HeaderList headers;
    if (!apiKey.isEmpty())
        headers.emplaceBack("Authorization", "Bearer " + apiKey);
    return headers;
}

// message.content is a string; a few compatible servers send an array of text parts instead.
QString contentText(const QJsonValue& content) {
    if (content.isString())
        return content.toString();
    QString text;
    const QJsonArray parts = content.toArray();
    for (const QJsonValue& part : parts) {
        const QJsonObject object = part.toObject();
        if (object.value(u"type").toString() == "text"_L1)
            text += object.value(u"text").toString();
    }
    return text;
}

// The "error" member of a body, as an object, when it is one.
std::optional<QJsonObject> errorObject(const QJsonObject& body) {
    const QJsonValue error = body.value(u"error");
    if (error.isObject())
        return error.toObject();
    return std::nullopt;
}

QString errorText(const QJsonObject& error) {
    QString message = error.value(u"message").toString();
    return message.isEmpty() ? u"server sent an error without a message"_s : message;
}

// The delta of choices[0] in a chunk, walked without QJsonDocument; nullopt when the chunk
// needs the full path: an error or usage object, content in parts, a member twice, a key or a
// string the scanner leaves to QJsonDocument, or anything that is not one valid JSON object.
// What it returns is what the full path would read from the same bytes.
std::optional<OpenAiCodec::ChunkDelta> scanChunkFields(QByteArrayView data) {
    using Kind = JsonScanner::Kind;
    JsonScanner json(data);
    OpenAiCodec::ChunkDelta delta;
    bool sawChoices = false;
    bool sawDelta = false;
    bool sawContent = false;
    bool sawFinish = false;
    const auto readDelta = [&]() -> bool { // at choices[0].delta, an object
        json.enterObject();
        QByteArrayView key;
        while (json.nextMember(&key)) {
            if (key == "content") {
                if (std::exchange(sawContent, true) || json.peek() == Kind::Array)
                    return false;
                if (json.peek() == Kind::String ? !json.readString(&delta.content)
                                                : !json.skipValue())
                    return false;
            } else if (!json.skipValue()) {
                return false;
            }
        }
        return json.ok();
    };
    const auto readChoice = [&]() -> bool { // at choices[0], an object
        json.enterObject();
        QByteArrayView key;
        while (json.nextMember(&key)) {
            bool read = true;
            if (key == "delta") {
                if (std::exchange(sawDelta, true))
                    return false;
                read = json.peek() == Kind::Object ? readDelta() : json.skipValue();
            } else if (key == "finish_reason") {
                if (std::exchange(sawFinish, true))
                    return false;
                read = json.peek() == Kind::String ? json.readString(&delta.finishReason)
                                                   : json.skipValue();
            } else {
                read = json.skipValue();
            }
            if (!read)
                return false;
        }
        return json.ok();
    };
    if (!json.enterObject())
        return std::nullopt;
    QByteArrayView key;
    while (json.nextMember(&key)) {
        bool read = true;
        if (key == "error" || key == "usage") {
            read = json.peek() != Kind::Object && json.skipValue();
        } else if (key == "choices") {
            if (std::exchange(sawChoices, true))
                return std::nullopt;
            if (json.peek() != Kind::Array) {
                read = json.skipValue();
            } else {
                json.enterArray();
                for (bool first = true; read && json.nextElement(); first = false)
                    read = first && json.peek() == Kind::Object ? readChoice() : json.skipValue();
                read = read && json.ok();
            }
        } else {
            read = json.skipValue();
        }
        if (!read)
            return std::nullopt;
    }
    if (!json.finished())
        return std::nullopt;
    return delta;
}

// The members of a chat completion that parseResponse reads, walked without QJsonDocument;
// nullopt when the body needs the full parse: an error object, no usable choices, content in
// parts, a member twice, a count that is not a plain integer, anything unusual or not valid JSON.
std::optional<ParsedResponse> scanResponseFields(QByteArrayView body) {
    using Kind = JsonScanner::Kind;
    JsonScanner json(body);
    ParsedResponse result;
    // Each member this reads may appear once; a repeat is left to the full parse.
    enum Member : unsigned {
        Choices = 1,
        Usage = 2,
        Prompt = 4,
        Completion = 8,
        CacheHits = 16,
        PromptDetails = 32,
        CompletionDetails = 64,
        Cached = 128,
        Reasoning = 256,
        Finish = 512,
        Message = 1024,
        Content = 2048,
    };
    unsigned seen = 0;
    const auto once = [&seen](Member member) {
        if (seen & member)
            return false;
        seen |= member;
        return true;
    };
    std::optional<qint64> prompt, completion, cacheHit, cached, reasoning;
    const auto readCount = [&json](std::optional<qint64>& count) { // toInteger(fallback) reads
        if (json.peek() != Kind::Number)                           // other kinds as absent
            return json.skipValue();
        qint64 value = 0;
        if (!json.readInteger(&value))
            return false;
        count = value;
        return true;
    };
    // members of an object whose reading `read` does; false when the walk must stop
    const auto members = [&json](const auto& read) {
        QByteArrayView key;
        while (json.nextMember(&key))
            if (!read(key))
                return false;
        return json.ok();
    };
    const auto readDetails = [&](QByteArrayView name, Member path, std::optional<qint64>& count) {
        return members([&](QByteArrayView key) {
            return key == name ? once(path) && readCount(count) : json.skipValue();
        });
    };
    const auto readUsage = [&] {
        return members([&](QByteArrayView key) {
            if (key == "prompt_tokens")
                return once(Prompt) && readCount(prompt);
            if (key == "completion_tokens")
                return once(Completion) && readCount(completion);
            if (key == "prompt_cache_hit_tokens")
                return once(CacheHits) && readCount(cacheHit);
            if (key == "prompt_tokens_details" || key == "completion_tokens_details") {
                const bool prompts = key == "prompt_tokens_details";
                if (!once(prompts ? PromptDetails : CompletionDetails))
                    return false;
                if (json.peek() != Kind::Object)
                    return json.skipValue();
                json.enterObject();
                return prompts ? readDetails("cached_tokens", Cached, cached)
                               : readDetails("reasoning_tokens", Reasoning, reasoning);
            }
            return json.skipValue();
        });
    };
    const auto readChoice = [&] {
        return members([&](QByteArrayView key) {
            if (key == "finish_reason") {
                if (!once(Finish))
                    return false;
                return json.peek() == Kind::String ? json.readString(&result.finishReason)
                                                   : json.skipValue();
            }
            if (key != "message")
                return json.skipValue();
            if (!once(Message))
                return false;
            if (json.peek() != Kind::Object)
                return json.skipValue();
            json.enterObject();
            return members([&](QByteArrayView inner) {
                if (inner != "content")
                    return json.skipValue();
                if (!once(Content) || json.peek() == Kind::Array)
                    return false;
                return json.peek() == Kind::String ? json.readString(&result.text)
                                                   : json.skipValue();
            });
        });
    };
    bool usageSeen = false;
    if (!json.enterObject())
        return std::nullopt;
    const bool read = members([&](QByteArrayView key) {
        if (key == "error")
            return json.peek() != Kind::Object && json.skipValue();
        if (key == "usage") {
            if (!once(Usage))
                return false;
            if (json.peek() != Kind::Object)
                return json.skipValue();
            usageSeen = true;
            json.enterObject();
            return readUsage();
        }
        if (key != "choices")
            return json.skipValue();
        if (!once(Choices) || json.peek() != Kind::Array || !json.enterArray() ||
            !json.nextElement() || json.peek() != Kind::Object || !json.enterObject() ||
            !readChoice())
            return false; // no usable first choice: the full parse words the error
        while (json.nextElement())
            if (!json.skipValue())
                return false;
        return json.ok();
    });
    if (!read || !(seen & Choices) || !json.finished())
        return std::nullopt;
    if (usageSeen) {
        result.usage.prompt = prompt.value_or(-1);
        result.usage.completion = completion.value_or(-1);
        result.usage.cached = cached.value_or(cacheHit.value_or(0));
        result.usage.reasoning = reasoning.value_or(0);
    }
    return result;
}

class OpenAiStreamDecoder final : public SseStreamDecoder {
protected:
    void handleEvent(const SseEvent& event, StreamUpdate& update) override {
        if (isFinished())
            return; // nothing is defined after [DONE]
        const QByteArrayView data = QByteArrayView(event.data).trimmed();
        if (data == "[DONE]") {
            markFinished(update);
            return;
        }
        if (data.isEmpty())
            return;
        if (const auto fast =
                scanChunkFields(data)) { // the common chunk, at a fraction of the cost
            if (!fast->content.isEmpty())
                update.contentDeltas.append(fast->content);
            if (!fast->finishReason.isEmpty())
                update.finishReason = fast->finishReason;
            return;
        }
        QString parseError;
        const auto chunk = codecjson::parseObject(data, &parseError);
        if (!chunk) {
            setMalformed(update, parseError);
            return;
        }
        if (const auto error = errorObject(*chunk)) {
            setError(update, OpenAiCodec::errorClassOf(*error), errorText(*error));
            return;
        }
        const OpenAiCodec::ChunkDelta delta = OpenAiCodec::chunkDeltaFromJson(*chunk);
        if (!delta.content.isEmpty())
            update.contentDeltas.append(delta.content);
        if (!delta.finishReason.isEmpty())
            update.finishReason = delta.finishReason;
        const QJsonValue usage = chunk->value(u"usage");
        if (usage.isObject())
            update.usage = OpenAiCodec::usageFromJson(usage.toObject());
    }
};

} // namespace

std::optional<OpenAiCodec::ChunkDelta> OpenAiCodec::scanChunk(QByteArrayView data) {
    return scanChunkFields(data);
}

OpenAiCodec::ChunkDelta OpenAiCodec::chunkDeltaFromJson(const QJsonObject& chunk) {
    ChunkDelta delta;
    const QJsonArray choices = chunk.value(u"choices").toArray();
    if (!choices.isEmpty()) {
        const QJsonObject choice = choices.at(0).toObject();
        // Role-only and reasoning deltas carry no content.
        delta.content = contentText(choice.value(u"delta").toObject().value(u"content"));
        delta.finishReason = choice.value(u"finish_reason").toString();
    }
    return delta;
}

TokenUsage OpenAiCodec::usageFromJson(const QJsonObject& usage) {
    TokenUsage result;
    result.prompt = codecjson::count(usage.value(u"prompt_tokens"));
    result.completion = codecjson::count(usage.value(u"completion_tokens"));
    // DeepSeek reports cache hits as prompt_cache_hit_tokens (also part of prompt_tokens).
    result.cached =
        codecjson::count(usage.value(u"prompt_tokens_details").toObject().value(u"cached_tokens"),
                         codecjson::count(usage.value(u"prompt_cache_hit_tokens"), 0));
    result.reasoning = codecjson::count(
        usage.value(u"completion_tokens_details").toObject().value(u"reasoning_tokens"), 0);
    return result;
}

ErrorClass OpenAiCodec::errorClassOf(const QJsonObject& error) {
    // vLLM and others put the HTTP status in "code"; OpenAI puts a string there.
    if (const ErrorClass byStatus = codecjson::classForStatusCode(error.value(u"code"));
        byStatus != ErrorClass::None) {
        return byStatus;
    }
    const QString kind = error.value(u"type").toString() + u' ' + error.value(u"code").toString();
    if (kind.contains("rate_limit"_L1) || kind.contains("insufficient_quota"_L1))
        return ErrorClass::RateLimited;
    if (kind.contains("authentication"_L1) || kind.contains("invalid_api_key"_L1) ||
        kind.contains("permission"_L1)) {
        return ErrorClass::Auth;
    }
    if (kind.contains("not_found"_L1) || kind.contains("model_not_found"_L1))
        return ErrorClass::NotFound;
    if (kind.contains("invalid_request"_L1) || kind.contains("context_length"_L1))
        return ErrorClass::BadRequest;
    // An error that interrupts a stream the server accepted is the server's failure.
    return ErrorClass::Server5xx;
}

namespace {

// The body as QJsonDocument writes it (keys in sorted order, as QJsonObject keeps them), without
// building a QJsonObject: that cost more than the rest of the pool's work on each request.
QByteArray chatBody(const ChatRequest& request) {
    QByteArray body;
    qsizetype expected = 96 + request.model.size();
    for (const ChatMessage& message : request.messages)
        expected += 32 + message.role.size() + message.content.size();
    body.reserve(expected);
    if (request.maxTokens >= 0) {
        body.append("{\"max_tokens\":");
        body.append(QByteArray::number(request.maxTokens));
        body.append(",\"messages\":[");
    } else {
        body.append("{\"messages\":[");
    }
    bool first = true;
    for (const ChatMessage& message : request.messages) {
        body.append(first ? "{\"content\":" : ",{\"content\":");
        first = false;
        codecjson::appendString(body, message.content);
        body.append(",\"role\":");
        codecjson::appendString(body, message.role);
        body.append('}');
    }
    body.append("],\"model\":");
    codecjson::appendString(body, request.model);
    // without stream_options the stream carries no usage at all
    body.append(request.stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"
                               : ",\"stream\":false");
    if (!std::isnan(request.temperature)) {
        body.append(",\"temperature\":");
        codecjson::appendNumber(body, request.temperature);
    }
    body.append('}');
    return body;
}

// The general form: bodyExtra may add or replace any field.
QByteArray chatBodyWithExtra(const ChatRequest& request) {
    QJsonArray messages;
    for (const ChatMessage& message : request.messages)
        messages.append(QJsonObject{{"role"_L1, message.role}, {"content"_L1, message.content}});
    QJsonObject body{
        {"model"_L1, request.model}, {"messages"_L1, messages}, {"stream"_L1, request.stream}};
    if (request.stream) // without it the stream carries no usage at all
        body.insert("stream_options"_L1, QJsonObject{{"include_usage"_L1, true}});
    if (request.maxTokens >= 0)
        body.insert("max_tokens"_L1, request.maxTokens);
    if (!std::isnan(request.temperature))
        body.insert("temperature"_L1, request.temperature);
    for (auto it = request.bodyExtra.constBegin(); it != request.bodyExtra.constEnd(); ++it)
        body.insert(it.key(), it.value());
    return codecjson::compact(body);
}

} // namespace

HttpRequestSpec OpenAiCodec::buildChatRequest(const QUrl& baseUrl, const QByteArray& apiKey,
                                              const ChatRequest& request) const {
    HttpRequestSpec spec;
    spec.url = codecjson::endpoint(baseUrl, u"/chat/completions"_s);
    spec.headers = authHeaders(apiKey);
    spec.headers.emplaceBack("Content-Type", "application/json");
    if (request.stream)
        spec.headers.emplaceBack("Accept", "text/event-stream");
    spec.body = request.bodyExtra.isEmpty() ? chatBody(request) : chatBodyWithExtra(request);
    return spec;
}

std::optional<ParsedResponse> OpenAiCodec::scanResponse(QByteArrayView body) {
    return scanResponseFields(body);
}

ParsedResponse OpenAiCodec::parseResponse(QByteArrayView body) const {
    if (auto fast = scanResponseFields(body)) // the common body, at a fraction of the cost
        return std::move(*fast);
    return parseResponseFully(body);
}

ParsedResponse OpenAiCodec::parseResponseFully(QByteArrayView body) {
    ParsedResponse result;
    const auto object = codecjson::parseObject(body, &result.error);
    if (!object)
        return result;
    if (const auto error = errorObject(*object)) {
        result.error = u"server returned an error: "_s + errorText(*error);
        return result;
    }
    const QJsonValue choicesValue = object->value(u"choices");
    const QJsonArray choices = choicesValue.toArray();
    if (!choicesValue.isArray() || choices.isEmpty() || !choices.at(0).isObject()) {
        result.error = u"response has no choices: "_s + codecjson::excerpt(body);
        return result;
    }
    const QJsonObject choice = choices.at(0).toObject();
    result.text = contentText(choice.value(u"message").toObject().value(u"content"));
    result.finishReason = choice.value(u"finish_reason").toString();
    const QJsonValue usage = object->value(u"usage");
    if (usage.isObject())
        result.usage = usageFromJson(usage.toObject());
    return result;
}

std::unique_ptr<StreamDecoder> OpenAiCodec::newStreamDecoder() const {
    return std::make_unique<OpenAiStreamDecoder>();
}

QString OpenAiCodec::errorMessage(QByteArrayView body) const {
    const auto object = codecjson::parseObject(body, nullptr);
    if (!object)
        return {};
    const QJsonValue error = object->value(u"error");
    if (error.isObject()) {
        const QString message = error.toObject().value(u"message").toString();
        if (!message.isEmpty())
            return message;
    }
    if (error.isString() && !error.toString().isEmpty())
        return error.toString(); // {"error": "..."}: Ollama, llama.cpp in some versions
    if (const QString message = object->value(u"message").toString(); !message.isEmpty())
        return message;                         // vLLM before it nested the error object
    return object->value(u"detail").toString(); // FastAPI-based servers
}

HttpRequestSpec OpenAiCodec::buildModelsRequest(const QUrl& baseUrl,
                                                const QByteArray& apiKey) const {
    HttpRequestSpec spec;
    spec.method = "GET";
    spec.url = codecjson::endpoint(baseUrl, u"/models"_s);
    spec.headers = authHeaders(apiKey);
    return spec;
}

QStringList OpenAiCodec::parseModels(QByteArrayView body) const {
    return codecjson::dataIds(body);
}

} // namespace poolscope
