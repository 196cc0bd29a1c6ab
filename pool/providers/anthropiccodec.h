#pragma once

#include "providercodec.h"

#include <QJsonObject>

namespace poolscope {

// The Anthropic Messages API (version 2023-06-01).
class AnthropicCodec final : public ProviderCodec {
public:
    // The API requires max_tokens; this is sent when the request leaves it to the API.
    static constexpr int DefaultMaxTokens = 1024;

    ApiStyle style() const override { return ApiStyle::Anthropic; }
    HttpRequestSpec buildChatRequest(const QUrl& baseUrl, const QByteArray& apiKey,
                                     const ChatRequest& request) const override;
    ParsedResponse parseResponse(QByteArrayView body) const override;
    std::unique_ptr<StreamDecoder> newStreamDecoder() const override;
    QString errorMessage(QByteArrayView body) const override;
    HttpRequestSpec buildModelsRequest(const QUrl& baseUrl,
                                       const QByteArray& apiKey) const override;
    QStringList parseModels(QByteArrayView body) const override;

    // An error object's "type" (overloaded_error, rate_limit_error, ...) as a class.
    static ErrorClass errorClassOf(const QJsonObject& error);
};

} // namespace poolscope
