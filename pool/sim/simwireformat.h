#pragma once

#include "ratelimiter.h"
#include "simchatrequest.h"

#include <QByteArray>
#include <QByteArrayView>

namespace poolscope::sim {

// Per-response values the wire format repeats in every chunk.
struct ResponseContext {
    QByteArray id;      // "chatcmpl-…" / "msg_…"
    QByteArray model;   // UTF-8, not yet escaped
    qint64 created = 0; // Unix seconds
    int promptTokens = 0;
    QByteArray tokenPrefix; // filled by appendStreamStart: what precedes each token's text
};

// How one API spells its answers. Output is appended by hand, not through QJsonDocument: a
// streaming token is one small append of a cached prefix, the text and a fixed suffix.
class SimWireFormat {
public:
    virtual ~SimWireFormat() = default;

    virtual SimApi api() const = 0;
    virtual QByteArray responseId(quint64 connectionId, quint64 requestNumber) const = 0;
    virtual QByteArray completeBody(const ResponseContext& context, QByteArrayView text,
                                    int outputTokens, bool stoppedByLength) const = 0;
    virtual void appendStreamStart(QByteArray& out, ResponseContext& context) const = 0;
    virtual void appendToken(QByteArray& out, const ResponseContext& context,
                             QByteArrayView text) const = 0;
    // A token event whose JSON is cut short: the malformed-chunk fault.
    virtual void appendMalformedToken(QByteArray& out, const ResponseContext& context,
                                      QByteArrayView text) const = 0;
    virtual void appendStreamEnd(QByteArray& out, const ResponseContext& context, int outputTokens,
                                 bool stoppedByLength, bool includeUsage) const = 0;
    virtual QByteArray errorBody(int status, QByteArrayView message,
                                 bool limitedByTokens = false) const = 0;
    virtual void appendRateLimitHeaders(QByteArray& out, const RateLimitState& state) const = 0;
};

} // namespace poolscope::sim
