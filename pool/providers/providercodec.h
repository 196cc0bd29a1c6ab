#pragma once

#include "apistyle.h"
#include "chatrequest.h"
#include "errorclass.h"
#include "tokenusage.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <optional>
#include <utility>

namespace poolscope {

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

// Everything needed to put one HTTP request on the wire.
struct HttpRequestSpec {
    QByteArray method = "POST";
    QUrl url;
    HeaderList headers; // includes the auth header; redact before showing
    QByteArray body;    // empty for GET
};

// A whole (non-streaming) response body, decoded.
struct ParsedResponse {
    QString text;
    TokenUsage usage; // usage.hasCounts() is false when the server sent none
    QString finishReason;
    QString error; // non-empty: the body is not a valid response of this API (malformed)
};

// What one call to StreamDecoder::feed() found in the bytes given to it.
struct StreamUpdate {
    QStringList contentDeltas;       // non-empty pieces of output text, in order
    std::optional<TokenUsage> usage; // the last usage seen in these bytes
    QString finishReason;
    bool finished = false; // the API's terminator arrived ([DONE], message_stop, final chunk)
    ErrorClass errorClass = ErrorClass::None; // an error event or an undecodable event
    QString error;                            // its message
};

// Incremental decoder of one streaming response: feed it bytes as they arrive, split anywhere.
class StreamDecoder {
public:
    virtual ~StreamDecoder() = default;
    virtual StreamUpdate feed(QByteArrayView bytes) = 0;
    // Whether the API's terminator has been seen. A stream that ends without it is truncated.
    virtual bool isFinished() const = 0;
};

// One API style's wire format: how to ask, and how to read the answer.
class ProviderCodec {
public:
    virtual ~ProviderCodec() = default;
    virtual ApiStyle style() const = 0;
    // baseUrl is the API root as users write it, e.g. https://api.openai.com/v1
    virtual HttpRequestSpec buildChatRequest(const QUrl& baseUrl, const QByteArray& apiKey,
                                             const ChatRequest& request) const = 0;
    virtual ParsedResponse parseResponse(QByteArrayView body) const = 0;
    virtual std::unique_ptr<StreamDecoder> newStreamDecoder() const = 0;
    // The provider's own message from an error body (each API nests it differently), or "".
    virtual QString errorMessage(QByteArrayView body) const = 0;
    virtual HttpRequestSpec buildModelsRequest(const QUrl& baseUrl,
                                               const QByteArray& apiKey) const = 0;
    virtual QStringList parseModels(QByteArrayView body) const = 0;
};

std::unique_ptr<ProviderCodec> makeProviderCodec(ApiStyle style);

// A rough token count for text when the server reports none (about 4 characters a token).
qint64 estimateTokens(const QString& text);

} // namespace poolscope
