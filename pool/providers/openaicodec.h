#pragma once

#include "providercodec.h"

#include <QJsonObject>

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
};

} // namespace poolscope
