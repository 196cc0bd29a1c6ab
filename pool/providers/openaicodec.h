#pragma once

#include "providercodec.h"

#include <QJsonObject>

#include <optional>

namespace poolscope {

// The OpenAI chat completions format, which most servers speak (OpenAI, DeepSeek, Groq,
// OpenRouter, vLLM, llama.cpp, Ollama, LM Studio, ...).
class OpenAiCodec final : public ProviderCodec {
public:
    ApiStyle style() const override { return ApiStyle::OpenAI; }
    HttpRequestSpec buildChatRequest(const QUrl& baseUrl, const QByteArray& apiKey,
                                     const ChatRequest& request) const override;
    ParsedResponse parseResponse(QByteArrayView body) const override;
    std::unique_ptr<StreamDecoder> newStreamDecoder() const override;
    QString errorMessage(QByteArrayView body) const override;
    HttpRequestSpec buildModelsRequest(const QUrl& baseUrl,
                                       const QByteArray& apiKey) const override;
    QStringList parseModels(QByteArrayView body) const override;

    // usage object of a response or chunk, in PoolScope's terms.
    static TokenUsage usageFromJson(const QJsonObject& usage);
    // The class of an {"error":{...}} object sent with HTTP 200 (in a stream, usually).
    static ErrorClass errorClassOf(const QJsonObject& error);

    // What a stream chunk adds, read without QJsonDocument (JsonScanner): the text of
    // choices[0].delta.content and choices[0].finish_reason ("" when absent or not strings).
    // nullopt when the chunk needs the full parse: an error or usage object, content in parts,
    // a member twice, anything unusual or not valid JSON. The stream decoder tries this first.
    struct ChunkDelta {
        QString content;
        QString finishReason;
        bool operator==(const ChunkDelta&) const = default;
    };
    static std::optional<ChunkDelta> scanChunk(QByteArrayView data);
    // The same two members read from a parsed chunk: the full path, and scanChunk's reference.
    static ChunkDelta chunkDeltaFromJson(const QJsonObject& chunk);

    // parseResponse tries scanResponse (JsonScanner) first and takes the full parse when it
    // declines: an error object, no usable choices, content in parts, a member twice, a count
    // that is not a plain integer, anything unusual or not valid JSON. Whenever the scan answers
    // it answers what parseResponseFully does.
    static std::optional<ParsedResponse> scanResponse(QByteArrayView body);
    static ParsedResponse parseResponseFully(QByteArrayView body);
};

} // namespace poolscope
