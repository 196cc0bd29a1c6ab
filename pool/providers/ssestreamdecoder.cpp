#include "ssestreamdecoder.h"

using namespace Qt::StringLiterals;

namespace poolscope {

StreamUpdate SseStreamDecoder::feed(QByteArrayView bytes) {
    StreamUpdate update;
    const QList<SseEvent> events = m_parser.feed(bytes);
    for (const SseEvent& event : events)
        handleEvent(event, update);
    if (m_parser.overflowed() && !m_overflowReported) {
        m_overflowReported = true;
        setError(update, ErrorClass::TooLarge,
                 u"stream event larger than %1 bytes"_s.arg(SseParser::DefaultMaxEventBytes));
    }
    return update;
}

void SseStreamDecoder::markFinished(StreamUpdate& update) {
    m_finished = true;
    update.finished = true;
}

void SseStreamDecoder::setError(StreamUpdate& update, ErrorClass cls, const QString& message) {
    if (update.errorClass != ErrorClass::None)
        return; // the first error is the cause; later ones are usually its echo
    update.errorClass = cls;
    update.error = message;
}

void SseStreamDecoder::setMalformed(StreamUpdate& update, const QString& parseError) {
    setError(update, ErrorClass::Malformed, u"malformed stream event: "_s + parseError);
}

} // namespace poolscope
