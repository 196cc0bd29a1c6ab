#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

namespace poolscope {

// One dispatched server-sent event.
struct SseEvent {
    QByteArray event; // the `event:` name, empty when the server gave none ("message")
    QByteArray data;  // the `data:` lines joined with "\n"
    QByteArray id;    // the last `id:` seen (it persists across events, as the spec says)
    friend bool operator==(const SseEvent&, const SseEvent&) = default;
};

// Incremental parser of a text/event-stream body (the WHATWG "server-sent events" rules):
// bytes may be split anywhere, also between the CR and LF of a CRLF; lines end in LF, CRLF or
// CR; `:` lines are comments; an event is dispatched on the blank line that ends it.
class SseParser {
public:
    // Generous: a whole non-streaming-size response fits, a runaway server does not.
    static constexpr qsizetype DefaultMaxEventBytes = 16 * 1024 * 1024;

    explicit SseParser(qsizetype maxEventBytes = DefaultMaxEventBytes);

    QList<SseEvent> feed(QByteArrayView bytes);

    // Bytes of an unterminated line or fields of an event whose blank line has not arrived:
    // if the stream ends now, something was cut off.
    bool hasPartialEvent() const;

    // End of stream. The spec discards an unterminated event; it is returned here (when it has
    // data) so the caller can report what was lost. The parser is reset afterwards.
    std::optional<SseEvent> finish();

    // An event or line grew beyond maxEventBytes; the parser then ignores all further input.
    bool overflowed() const { return m_overflowed; }

    void reset();

private:
    void processChunk(QByteArrayView bytes, QList<SseEvent>& events);
    void processLine(QByteArrayView line, QList<SseEvent>& events);
    void dispatch(QList<SseEvent>& events);
    bool checkSize();

    qsizetype m_maxEventBytes;
    QByteArray m_head;        // the first bytes, held until a UTF-8 BOM can be ruled out
    QByteArray m_line;        // the unterminated line so far
    QByteArray m_data;        // data lines of the current event, each followed by "\n"
    QByteArray m_event;       // event name of the current event
    QByteArray m_lastId;      // last event id (persists)
    bool m_started = false;   // the BOM check is done
    bool m_skipLf = false;    // the previous chunk ended in CR: a leading LF belongs to it
    bool m_hasData = false;   // the current event has at least one data field
    bool m_hasFields = false; // the current event has any field at all
    bool m_overflowed = false;
};

} // namespace poolscope
