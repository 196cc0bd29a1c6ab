#pragma once

#include "providercodec.h"
#include "sseparser.h"

namespace poolscope {

// The part every provider's stream decoder shares: SSE framing, the terminator flag, and the
// rule that the first error in a feed() is the one reported.
class SseStreamDecoder : public StreamDecoder {
public:
    StreamUpdate feed(QByteArrayView bytes) final;
    bool isFinished() const final { return m_finished; }

    // Whether the bytes so far end inside an event (useful to say why a stream is truncated).
    bool hasPartialEvent() const { return m_parser.hasPartialEvent(); }

protected:
    virtual void handleEvent(const SseEvent& event, StreamUpdate& update) = 0;

    void markFinished(StreamUpdate& update);
    static void setError(StreamUpdate& update, ErrorClass cls, const QString& message);
    // A data payload that is not the JSON object the API promises.
    static void setMalformed(StreamUpdate& update, const QString& parseError);

private:
    SseParser m_parser;
    bool m_finished = false;
    bool m_overflowReported = false;
};

} // namespace poolscope
