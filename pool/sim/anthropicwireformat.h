#pragma once

#include "simwireformat.h"

namespace poolscope::sim {

// Anthropic Messages: message objects, the message_start … message_stop event stream,
// {"type":"error",…} errors and anthropic-ratelimit-* headers.
class AnthropicWireFormat final : public SimWireFormat {
public:
    SimApi api() const override { return SimApi::Anthropic; }
    QByteArray responseId(quint64 connectionId, quint64 requestNumber) const override;
    QByteArray completeBody(const ResponseContext& context, QByteArrayView text, int outputTokens,
                            bool stoppedByLength) const override;
    void appendStreamStart(QByteArray& out, ResponseContext& context) const override;
    void appendToken(QByteArray& out, const ResponseContext& context,
                     QByteArrayView text) const override;
    void appendMalformedToken(QByteArray& out, const ResponseContext& context,
                              QByteArrayView text) const override;
    void appendStreamEnd(QByteArray& out, const ResponseContext& context, int outputTokens,
                         bool stoppedByLength, bool includeUsage) const override;
    QByteArray errorBody(int status, QByteArrayView message,
                         bool limitedByTokens = false) const override;
    void appendRateLimitHeaders(QByteArray& out, const RateLimitState& state) const override;
};

} // namespace poolscope::sim
