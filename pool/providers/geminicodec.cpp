#include "geminicodec.h"

#include "codecjson.h"
#include "ssestreamdecoder.h"

#include <QJsonArray>
#include <QUrlQuery>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

HeaderList keyHeaders(const QByteArray& apiKey) {
    HeaderList headers;
    if (!apiKey.isEmpty())
        headers.emplaceBack("x-goog-api-key", apiKey);
    return headers;
}

QString errorText(const QJsonObject& error) {
    const QString message = error.value(u"message").toString();
    const QString status = error.value(u"status").toString();
    if (message.isEmpty())
        return status.isEmpty() ? u"server sent an error without a message"_s : status;
    return status.isEmpty() ? message : message + u" ("_s + status + u')';
}

// What one GenerateContentResponse says, streamed or not.
struct Candidate {
    QStringList texts; // non-empty, non-thought parts
    QString finishReason;
};

Candidate firstCandidate(const QJsonObject& response) {
    Candidate result;
    const QJsonObject candidate = response.value(u"candidates").toArray().at(0).toObject();
    const QJsonArray parts = candidate.value(u"content").toObject().value(u"parts").toArray();
    for (const QJsonValue& value : parts) {
        const QJsonObject part = value.toObject();
        if (part.value(u"thought").toBool())
            continue; // a thought summary, not output
        const QString text = part.value(u"text").toString();
        if (!text.isEmpty())
            result.texts.append(text);
    }
    result.finishReason = candidate.value(u"finishReason").toString();
    if (result.finishReason.isEmpty()) {
        // A blocked prompt gets no candidate at all, only this; it is the final answer.
        result.finishReason =
            response.value(u"promptFeedback").toObject().value(u"blockReason").toString();
    }
    return result;
}

class GeminiStreamDecoder final : public SseStreamDecoder {
protected:
    void handleEvent(const SseEvent& event, StreamUpdate& update) override {
        QString parseError;
        const auto chunk = codecjson::parseObject(event.data, &parseError);
        if (!chunk) {
            setMalformed(update, parseError);
            return;
        }
        const QJsonValue error = chunk->value(u"error");
        if (error.isObject()) {
            setError(update, GeminiCodec::errorClassOf(error.toObject()),
                     errorText(error.toObject()));
            return;
        }
        const Candidate candidate = firstCandidate(*chunk);
        update.contentDeltas.append(candidate.texts);
        const QJsonValue usage = chunk->value(u"usageMetadata");
        if (usage.isObject())
            update.usage = GeminiCodec::usageFromJson(usage.toObject());
        // There is no [DONE]: the chunk with a finishReason is the last one.
        if (!candidate.finishReason.isEmpty()) {
            update.finishReason = candidate.finishReason;
            markFinished(update);
        }
    }
};

// "gemini-2.5-flash" and "models/gemini-2.5-flash" name the same model; "tunedModels/x" is
// its own collection.
QString modelPath(const QString& model) {
    if (model.contains(u'/'))
        return u'/' + model;
    return u"/models/"_s + model;
}

} // namespace

TokenUsage GeminiCodec::usageFromJson(const QJsonObject& usageMetadata) {
    TokenUsage usage;
    usage.prompt = codecjson::count(usageMetadata.value(u"promptTokenCount"));
    const qint64 candidates = codecjson::count(usageMetadata.value(u"candidatesTokenCount"));
    const qint64 thoughts = codecjson::count(usageMetadata.value(u"thoughtsTokenCount"));
    // Gemini bills thinking as output but reports it apart from the candidates' tokens.
    if (candidates >= 0 || thoughts >= 0)
        usage.completion = std::max<qint64>(candidates, 0) + std::max<qint64>(thoughts, 0);
    usage.reasoning = std::max<qint64>(thoughts, 0);
    usage.cached = codecjson::count(usageMetadata.value(u"cachedContentTokenCount"), 0);
    return usage;
}

ErrorClass GeminiCodec::errorClassOf(const QJsonObject& error) {
    const QString status = error.value(u"status").toString();
    if (status == "RESOURCE_EXHAUSTED"_L1)
        return ErrorClass::RateLimited;
    if (status == "INVALID_ARGUMENT"_L1 || status == "FAILED_PRECONDITION"_L1 ||
        status == "OUT_OF_RANGE"_L1) {
        return ErrorClass::BadRequest;
    }
    if (status == "UNAUTHENTICATED"_L1 || status == "PERMISSION_DENIED"_L1)
        return ErrorClass::Auth;
    if (status == "NOT_FOUND"_L1)
        return ErrorClass::NotFound;
    if (const ErrorClass byCode = codecjson::classForStatusCode(error.value(u"code"));
        byCode != ErrorClass::None) {
        return byCode;
    }
    return ErrorClass::Server5xx; // INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED, unknown
}

HttpRequestSpec GeminiCodec::buildChatRequest(const QUrl& baseUrl, const QByteArray& apiKey,
                                              const ChatRequest& request) const {
    QJsonArray systemParts;
    QJsonArray contents;
    for (const ChatMessage& message : request.messages) {
        const QJsonObject part{{"text"_L1, message.content}};
        if (message.role == "system"_L1) {
            systemParts.append(part);
            continue;
        }
        // Gemini knows two roles; its name for the assistant is "model".
        const QString role = message.role == "assistant"_L1 ? u"model"_s : u"user"_s;
        contents.append(QJsonObject{{"role"_L1, role}, {"parts"_L1, QJsonArray{part}}});
    }
    QJsonObject body{{"contents"_L1, contents}};
    if (!systemParts.isEmpty())
        body.insert("systemInstruction"_L1, QJsonObject{{"parts"_L1, systemParts}});
    QJsonObject generationConfig;
    if (request.maxTokens >= 0)
        generationConfig.insert("maxOutputTokens"_L1, request.maxTokens);
    if (!std::isnan(request.temperature))
        generationConfig.insert("temperature"_L1, request.temperature);
    if (!generationConfig.isEmpty())
        body.insert("generationConfig"_L1, generationConfig);

    HttpRequestSpec spec;
    const QString method = request.stream ? u":streamGenerateContent"_s : u":generateContent"_s;
    spec.url = codecjson::endpoint(baseUrl, modelPath(request.model) + method);
    if (request.stream) {
        QUrlQuery query(spec.url);
        query.addQueryItem(u"alt"_s, u"sse"_s); // SSE framing instead of one JSON array
        spec.url.setQuery(query);
    }
    spec.headers = keyHeaders(apiKey);
    spec.headers.emplaceBack("Content-Type", "application/json");
    if (request.stream)
        spec.headers.emplaceBack("Accept", "text/event-stream");
    spec.body = codecjson::compact(body);
    return spec;
}

ParsedResponse GeminiCodec::parseResponse(QByteArrayView body) const {
    ParsedResponse result;
    const auto object = codecjson::parseObject(body, &result.error);
    if (!object)
        return result;
    const QJsonValue error = object->value(u"error");
    if (error.isObject()) {
        result.error = u"server returned an error: "_s + errorText(error.toObject());
        return result;
    }
    const bool hasCandidates = object->value(u"candidates").isArray();
    if (!hasCandidates && !object->value(u"promptFeedback").isObject()) {
        result.error = u"response has no candidates: "_s + codecjson::excerpt(body);
        return result;
    }
    const Candidate candidate = firstCandidate(*object);
    result.text = candidate.texts.join(QString());
    result.finishReason = candidate.finishReason;
    const QJsonValue usage = object->value(u"usageMetadata");
    if (usage.isObject())
        result.usage = usageFromJson(usage.toObject());
    return result;
}

std::unique_ptr<StreamDecoder> GeminiCodec::newStreamDecoder() const {
    return std::make_unique<GeminiStreamDecoder>();
}

QString GeminiCodec::errorMessage(QByteArrayView body) const {
    const auto object = codecjson::parseObjectOrFirstOfArray(body, nullptr);
    if (!object)
        return {};
    const QJsonValue error = object->value(u"error");
    if (!error.isObject())
        return {};
    const QJsonObject errorObject = error.toObject();
    if (errorObject.value(u"message").toString().isEmpty() &&
        errorObject.value(u"status").toString().isEmpty()) {
        return {};
    }
    return errorText(errorObject);
}

HttpRequestSpec GeminiCodec::buildModelsRequest(const QUrl& baseUrl,
                                                const QByteArray& apiKey) const {
    HttpRequestSpec spec;
    spec.method = "GET";
    spec.url = codecjson::endpoint(baseUrl, u"/models"_s);
    spec.headers = keyHeaders(apiKey);
    return spec;
}

QStringList GeminiCodec::parseModels(QByteArrayView body) const {
    QStringList models;
    const auto object = codecjson::parseObject(body, nullptr);
    if (!object)
        return models;
    const QJsonArray list = object->value(u"models").toArray();
    for (const QJsonValue& entry : list) {
        QString name = entry.toObject().value(u"name").toString();
        if (name.startsWith("models/"_L1))
            name.remove(0, 7);
        if (!name.isEmpty())
            models.append(name);
    }
    return models;
}

} // namespace poolscope
