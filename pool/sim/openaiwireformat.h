#pragma once

#include "simwireformat.h"

namespace poolscope::sim {

// OpenAI chat completions: chat.completion objects, chat.completion.chunk SSE ending in
// "data: [DONE]", {"error":{…}} errors and x-ratelimit-* headers.
class OpenAiWireFormat final : public SimWireFormat {
public:
    SimApi api() const override { return SimApi::OpenAI; }
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

    // "6m0s", "1.5s", "20ms": how OpenAI spells x-ratelimit-reset-*.
    static QByteArray durationText(qint64 us);
};

} // namespace poolscope::sim
