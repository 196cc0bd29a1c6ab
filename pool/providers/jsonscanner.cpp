#include "jsonscanner.h"

#include <QByteArray>
#include <QStringDecoder>

namespace poolscope {

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(QByteArray& out, char16_t unit) { // a BMP code point that is not a surrogate
    if (unit < 0x80) {
        out.append(char(unit));
    } else if (unit < 0x800) {
        out.append(char(0xC0 | (unit >> 6)));
        out.append(char(0x80 | (unit & 0x3F)));
    } else {
        out.append(char(0xE0 | (unit >> 12)));
        out.append(char(0x80 | ((unit >> 6) & 0x3F)));
        out.append(char(0x80 | (unit & 0x3F)));
    }
}

// UTF-8 to UTF-16, failing on any invalid sequence, and on a leading U+FEFF: QJsonDocument
// keeps one that came from an escape and drops one that came as raw bytes (it stores such a
// string as UTF-8, and QString::fromUtf8 takes the bytes for a byte-order mark), so the full
// parse decides.
bool decodeUtf8(QByteArrayView bytes, QString* out) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless |
                                                     QStringDecoder::Flag::ConvertInitialBom);
    QString text = decoder.decode(bytes);
    if (decoder.hasError() || text.startsWith(QChar(0xFEFF)))
        return false;
    *out = std::move(text);
    return true;
}

} // namespace

bool JsonScanner::fail() {
    m_ok = false;
    return false;
}

void JsonScanner::skipSpace() {
    while (m_at < m_text.size() && isSpace(m_text[m_at]))
        ++m_at;
}

bool JsonScanner::expect(char c) {
    skipSpace();
    if (m_at >= m_text.size() || m_text[m_at] != c)
        return fail();
    ++m_at;
    return true;
}

JsonScanner::Kind JsonScanner::peek() {
    if (!m_ok)
        return Kind::Invalid;
    skipSpace();
    if (m_at >= m_text.size())
        return Kind::Invalid;
    switch (m_text[m_at]) {
    case '{':
        return Kind::Object;
    case '[':
        return Kind::Array;
    case '"':
        return Kind::String;
    case 't':
        return Kind::True;
    case 'f':
        return Kind::False;
    case 'n':
        return Kind::Null;
    default:
        return m_text[m_at] == '-' || isDigit(m_text[m_at]) ? Kind::Number : Kind::Invalid;
    }
}

void JsonScanner::valueDone() {
    if (m_depth == 0)
        m_topDone = true;
}

bool JsonScanner::enter(char open) {
    if (!m_ok || m_topDone || m_depth >= kMaxDepth || !expect(open))
        return fail();
    if (m_depth == 0)
        m_topIsContainer = true;
    ++m_depth;
    m_hasItem[m_depth] = false;
    return true;
}

bool JsonScanner::enterObject() {
    return enter('{');
}

bool JsonScanner::enterArray() {
    return enter('[');
}

bool JsonScanner::nextItem(char close) {
    if (!m_ok || m_depth == 0)
        return fail();
    skipSpace();
    if (m_at >= m_text.size())
        return fail();
    if (m_text[m_at] == close) {
        ++m_at;
        --m_depth;
        valueDone();
        return false;
    }
    if (m_hasItem[m_depth] && !expect(','))
        return false;
    m_hasItem[m_depth] = true;
    return true;
}

bool JsonScanner::nextMember(QByteArrayView* key) {
    if (!nextItem('}'))
        return false;
    skipSpace();
    return scanKey(key);
}

bool JsonScanner::nextElement() {
    return nextItem(']');
}

bool JsonScanner::scanKey(QByteArrayView* key) {
    if (m_at >= m_text.size() || m_text[m_at] != '"')
        return fail();
    const qsizetype start = ++m_at;
    while (m_at < m_text.size() && m_text[m_at] != '"') {
        const auto byte = uchar(m_text[m_at]);
        if (byte < 0x20 || byte >= 0x80 || byte == '\\')
            return fail(); // unusual keys take the full path
        ++m_at;
    }
    if (m_at >= m_text.size())
        return fail();
    *key = m_text.sliced(start, m_at - start);
    ++m_at;
    return expect(':');
}

bool JsonScanner::scanString(QString* out) {
    // out null: only check the string (UTF-8 runs checked in place, nothing built).
    if (!m_ok || m_topDone || !expect('"'))
        return fail();
    const qsizetype start = m_at;
    QByteArray unescaped; // only when the string has escapes and is wanted
    bool escaped = false;
    qsizetype runStart = start;
    const auto takeRun = [&](qsizetype end) { // raw bytes up to end; escapes are ASCII, so
        const QByteArrayView run = m_text.sliced(runStart, end - runStart); // no sequence spans
        if (out) {
            unescaped.append(run);
            return true;
        }
        return run.isValidUtf8();
    };
    while (true) {
        if (m_at >= m_text.size())
            return fail();
        const auto byte = uchar(m_text[m_at]);
        if (byte == '"')
            break;
        if (byte < 0x20)
            return fail();
        if (byte != '\\') {
            ++m_at;
            continue;
        }
        if (!escaped && out)
            unescaped.reserve(m_at - start + 16);
        escaped = true;
        if (!takeRun(m_at) || m_at + 1 >= m_text.size())
            return fail();
        const char code = m_text[m_at + 1];
        m_at += 2;
        char16_t unit = 0;
        switch (code) {
        case '"':
        case '\\':
        case '/':
            unit = char16_t(code);
            break;
        case 'b':
            unit = u'\b';
            break;
        case 'f':
            unit = u'\f';
            break;
        case 'n':
            unit = u'\n';
            break;
        case 'r':
            unit = u'\r';
            break;
        case 't':
            unit = u'\t';
            break;
        case 'u': {
            if (m_at + 4 > m_text.size())
                return fail();
            int value = 0;
            for (int i = 0; i < 4; ++i) {
                const int digit = hexValue(m_text[m_at + i]);
                if (digit < 0)
                    return fail();
                value = value * 16 + digit;
            }
            m_at += 4;
            if (value >= 0xD800 && value <= 0xDFFF)
                return fail(); // surrogate pairs take the full path
            unit = char16_t(value);
            break;
        }
        default:
            return fail();
        }
        if (out)
            appendUtf8(unescaped, unit);
        runStart = m_at;
    }
    const qsizetype end = m_at;
    ++m_at; // the closing quote
    if (!out) {
        if (!takeRun(end))
            return fail();
    } else {
        if (escaped)
            takeRun(end);
        const QByteArrayView text =
            escaped ? QByteArrayView(unescaped) : m_text.sliced(start, end - start);
        if (!decodeUtf8(text, out))
            return fail();
    }
    valueDone();
    return true;
}

bool JsonScanner::readString(QString* out) {
    return scanString(out);
}

bool JsonScanner::scanNumber() {
    // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, and short: a number QJsonDocument might
    // not represent (a huge exponent) takes the full path.
    skipSpace();
    const qsizetype start = m_at;
    const auto digits = [this] {
        const qsizetype from = m_at;
        while (m_at < m_text.size() && isDigit(m_text[m_at]))
            ++m_at;
        return m_at - from;
    };
    if (m_at < m_text.size() && m_text[m_at] == '-')
        ++m_at;
    if (m_at >= m_text.size())
        return fail();
    if (m_text[m_at] == '0')
        ++m_at;
    else if (digits() == 0)
        return fail();
    if (m_at < m_text.size() && m_text[m_at] == '.') {
        ++m_at;
        if (digits() == 0)
            return fail();
    }
    if (m_at < m_text.size() && (m_text[m_at] == 'e' || m_text[m_at] == 'E')) {
        ++m_at;
        if (m_at < m_text.size() && (m_text[m_at] == '+' || m_text[m_at] == '-'))
            ++m_at;
        const qsizetype exponentDigits = digits();
        if (exponentDigits == 0 || exponentDigits > 2)
            return fail();
    }
    if (m_at - start > 24)
        return fail();
    valueDone();
    return true;
}

bool JsonScanner::readInteger(qint64* out) {
    if (!m_ok || m_topDone)
        return fail();
    skipSpace();
    qsizetype at = m_at;
    const bool negative = at < m_text.size() && m_text[at] == '-';
    if (negative)
        ++at;
    const qsizetype first = at;
    qint64 value = 0;
    while (at < m_text.size() && isDigit(m_text[at]) && at - first < 18)
        value = value * 10 + (m_text[at++] - '0');
    const qsizetype count = at - first;
    const bool more = at < m_text.size() && (isDigit(m_text[at]) || m_text[at] == '.' ||
                                             m_text[at] == 'e' || m_text[at] == 'E');
    if (count == 0 || more || (count > 1 && m_text[first] == '0'))
        return fail();
    m_at = at;
    *out = negative ? -value : value;
    valueDone();
    return true;
}

bool JsonScanner::scanLiteral(QByteArrayView word) {
    skipSpace();
    if (m_text.sliced(m_at).startsWith(word)) {
        m_at += word.size();
        valueDone();
        return true;
    }
    return fail();
}

bool JsonScanner::skipValue() {
    const int depth = m_depth;
    switch (peek()) {
    case Kind::String:
        return scanString(nullptr);
    case Kind::Number:
        return m_topDone ? fail() : scanNumber();
    case Kind::True:
        return !m_topDone && scanLiteral("true");
    case Kind::False:
        return !m_topDone && scanLiteral("false");
    case Kind::Null:
        return !m_topDone && scanLiteral("null");
    case Kind::Object: {
        if (!enterObject())
            return false;
        QByteArrayView key;
        while (nextMember(&key))
            if (!skipValue())
                return false;
        return m_ok && m_depth == depth;
    }
    case Kind::Array:
        if (!enterArray())
            return false;
        while (nextElement())
            if (!skipValue())
                return false;
        return m_ok && m_depth == depth;
    case Kind::Invalid:
        break;
    }
    return fail();
}

bool JsonScanner::finished() {
    if (!m_ok || !m_topDone || !m_topIsContainer || m_depth != 0)
        return false;
    skipSpace();
    return m_at == m_text.size();
}

} // namespace poolscope
