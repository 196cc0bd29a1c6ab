#pragma once

#include "providercodec.h"

#include <QJsonObject>

namespace poolscope {

// The Gemini API (generativelanguage.googleapis.com/v1beta), streaming with alt=sse.
class GeminiCodec final : public ProviderCodec {
public:
    ApiStyle style() const override { return ApiStyle::Gemini; }
    HttpRequestSpec buildChatRequest(const QUrl& baseUrl, const QByteArray& apiKey,
                                     const ChatRequest& request) const override;
    ParsedResponse parseResponse(QByteArrayView body) const override;
    std::unique_ptr<StreamDecoder> newStreamDecoder() const override;
    QString errorMessage(QByteArrayView body) const override;
    HttpRequestSpec buildModelsRequest(const QUrl& baseUrl,
                                       const QByteArray& apiKey) const override;
    QStringList parseModels(QByteArrayView body) const override;

    static TokenUsage usageFromJson(const QJsonObject& usageMetadata);
    // An error object ({code, message, status}) as a class.
    static ErrorClass errorClassOf(const QJsonObject& error);
};

} // namespace poolscope
