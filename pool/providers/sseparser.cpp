#include "sseparser.h"

#include <algorithm>

namespace poolscope {

namespace {
constexpr char Bom[] = "\xEF\xBB\xBF";
constexpr QByteArrayView BomView(Bom, 3);
} // namespace

SseParser::SseParser(qsizetype maxEventBytes)
    : m_maxEventBytes(maxEventBytes) {}

void SseParser::reset() {
    const qsizetype maxBytes = m_maxEventBytes;
    *this = SseParser(maxBytes);
}

QList<SseEvent> SseParser::feed(QByteArrayView bytes) {
    QList<SseEvent> events;
    if (m_overflowed || bytes.isEmpty())
        return events;
    if (!m_started) {
        // The spec strips one leading BOM; it may itself arrive split.
        m_head.append(bytes);
        if (m_head.size() < BomView.size() && BomView.startsWith(m_head))
            return events;
        m_started = true;
        QByteArray head = std::exchange(m_head, {});
        if (head.startsWith(BomView))
            head.remove(0, BomView.size());
        processChunk(head, events);
        return events;
    }
    processChunk(bytes, events);
    return events;
}

void SseParser::processChunk(QByteArrayView bytes, QList<SseEvent>& events) {
    qsizetype pos = 0;
    const qsizetype size = bytes.size();
    if (m_skipLf && size > 0) {
        if (bytes.at(0) == '\n')
            pos = 1;
        m_skipLf = false;
    }
    const auto isEol = [](char c) {
        return c == '\n' || c == '\r';
    };
    while (pos < size && !m_overflowed) {
        const auto* begin = bytes.data() + pos;
        const auto* end = bytes.data() + size;
        const auto* eol = std::find_if(begin, end, isEol);
        if (eol == end) {
            m_line.append(QByteArrayView(begin, end - begin));
            checkSize();
            return;
        }
        const qsizetype eolPos = eol - bytes.data();
        if (m_line.isEmpty()) {
            // Common case: the whole line is in this chunk, no copy needed.
            processLine(QByteArrayView(begin, eol - begin), events);
        } else {
            m_line.append(QByteArrayView(begin, eol - begin));
            if (!checkSize())
                return;
            processLine(m_line, events);
            m_line.clear();
        }
        pos = eolPos + 1;
        if (*eol == '\r') {
            if (pos < size) {
                if (bytes.at(pos) == '\n')
                    ++pos;
            } else {
                m_skipLf = true;
            }
        }
    }
}

bool SseParser::checkSize() {
    if (m_line.size() + m_data.size() <= m_maxEventBytes)
        return true;
    m_overflowed = true;
    m_line.clear();
    m_data.clear();
    m_event.clear();
    return false;
}

void SseParser::processLine(QByteArrayView line, QList<SseEvent>& events) {
    if (line.isEmpty()) {
        dispatch(events);
        return;
    }
    if (line.front() == ':')
        return; // comment, often a keep-alive
    QByteArrayView field = line;
    QByteArrayView value;
    const qsizetype colon = line.indexOf(':');
    if (colon >= 0) {
        field = line.first(colon);
        value = line.sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
    }
    if (field == "data") {
        m_data.append(value);
        m_data.append('\n');
        m_hasData = true;
        m_hasFields = true;
        checkSize();
    } else if (field == "event") {
        m_event = value.toByteArray();
        m_hasFields = true;
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastId = value.toByteArray();
        m_hasFields = true;
    }
    // "retry" and unknown fields are ignored, as the spec says.
}

void SseParser::dispatch(QList<SseEvent>& events) {
    if (m_hasData) {
        m_data.chop(1); // the "\n" after the last data line
        events.append(SseEvent{m_event, m_data, m_lastId});
    }
    m_data.clear();
    m_event.clear();
    m_hasData = false;
    m_hasFields = false;
}

bool SseParser::hasPartialEvent() const {
    if (m_hasFields)
        return true;
    // A BOM prefix alone is nothing; an unterminated comment line is nothing either.
    const QByteArray& pending = m_started ? m_line : m_head;
    return !pending.isEmpty() && !pending.startsWith(':') && !BomView.startsWith(pending);
}

std::optional<SseEvent> SseParser::finish() {
    std::optional<SseEvent> lost;
    if (!m_overflowed) {
        QList<SseEvent> events;
        if (!m_started) {
            m_started = true;
            QByteArray head = std::exchange(m_head, {});
            if (head.startsWith(BomView))
                head.remove(0, BomView.size());
            m_line = head;
        }
        if (!m_line.isEmpty()) {
            const QByteArray line = std::exchange(m_line, {});
            processLine(line, events);
        }
        // Dispatch what a final blank line would have dispatched.
        dispatch(events);
        if (!events.isEmpty())
            lost = events.constLast();
    }
    reset();
    return lost;
}

} // namespace poolscope
