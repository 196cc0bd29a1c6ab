#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace poolscope::sim {

// Hand-rolled JSON output for the hot paths: responses are a handful of known fields, so
// appending bytes is much cheaper than building a QJsonDocument per request or per token.
namespace json {

// Appends `utf8` as a quoted JSON string.
inline void appendString(QByteArray& out, QByteArrayView utf8) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.append('"');
    qsizetype plainStart = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(utf8.sliced(plainStart, i - plainStart));
        plainStart = i + 1;
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default: {
            const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
            out.append(escaped, sizeof escaped);
        }
        }
    }
    out.append(utf8.sliced(plainStart));
    out.append('"');
}

inline void appendNumber(QByteArray& out, qint64 value) {
    char buffer[24];
    char* end = buffer + sizeof buffer;
    char* p = end;
    const bool negative = value < 0;
    quint64 v = negative ? 0 - static_cast<quint64>(value) : static_cast<quint64>(value);
    do {
        *--p = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    if (negative)
        *--p = '-';
    out.append(p, end - p);
}

inline void appendBool(QByteArray& out, bool value) {
    out.append(value ? QByteArrayView("true") : QByteArrayView("false"));
}

} // namespace json
} // namespace poolscope::sim
