#pragma once

#include "providercodec.h"

#include <QJsonObject>

#include <optional>

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

    // The output text of a content_block_delta event ("" for thinking, signature and tool
    // input deltas), read without QJsonDocument (JsonScanner); nullopt for any other event or
    // whenever the full parse is needed (a member twice, anything unusual or not valid JSON).
    // The stream decoder tries this first: nearly every event of a stream is one of these.
    static std::optional<QString> scanTextDelta(QByteArrayView data);
    // The output text of a parsed content_block_delta event: the full path, and
    // scanTextDelta's reference.
    static QString textDeltaFromJson(const QJsonObject& event);
};

} // namespace poolscope
