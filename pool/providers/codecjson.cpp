#include "codecjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope::codecjson {

namespace {
constexpr qsizetype ExcerptBytes = 60;
} // namespace

QString excerpt(QByteArrayView bytes) {
    if (bytes.size() <= ExcerptBytes)
        return QString::fromUtf8(bytes);
    return QString::fromUtf8(bytes.first(ExcerptBytes)) + u"..."_s;
}

static std::optional<QJsonDocument> parseDocument(QByteArrayView bytes, QString* error) {
    QJsonParseError parseError;
    // QJsonDocument wants a QByteArray; fromRawData avoids a copy of the bytes.
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray::fromRawData(bytes.data(), bytes.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error) {
            *error = u"invalid JSON (%1 at offset %2): %3"_s.arg(parseError.errorString())
                         .arg(parseError.offset)
                         .arg(excerpt(bytes));
        }
        return std::nullopt;
    }
    return doc;
}

std::optional<QJsonObject> parseObject(QByteArrayView bytes, QString* error) {
    const auto doc = parseDocument(bytes, error);
    if (!doc)
        return std::nullopt;
    if (!doc->isObject()) {
        if (error)
            *error = u"expected a JSON object: %1"_s.arg(excerpt(bytes));
        return std::nullopt;
    }
    return doc->object();
}

std::optional<QJsonObject> parseObjectOrFirstOfArray(QByteArrayView bytes, QString* error) {
    const auto doc = parseDocument(bytes, error);
    if (!doc)
        return std::nullopt;
    if (doc->isObject())
        return doc->object();
    const QJsonArray array = doc->array();
    if (doc->isArray() && !array.isEmpty() && array.at(0).isObject())
        return array.at(0).toObject();
    if (error)
        *error = u"expected a JSON object: %1"_s.arg(excerpt(bytes));
    return std::nullopt;
}

qint64 count(const QJsonValue& value, qint64 fallback) {
    return value.toInteger(fallback);
}

QString string(const QJsonValue& value) {
    return value.toString();
}

QByteArray compact(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void appendString(QByteArray& out, QStringView s) {
    static constexpr char hex[] = "0123456789abcdef";
    auto escapeUnit = [&out](char16_t u) {
        const char buffer[6] = {
            '\\',        'u', hex[(u >> 12) & 0xf], hex[(u >> 8) & 0xf], hex[(u >> 4) & 0xf],
            hex[u & 0xf]};
        out.append(buffer, 6);
    };
    out.reserve(out.size() + s.size() + 2);
    out.append('"');
    const char16_t* src = s.utf16();
    const char16_t* const end = src + s.size();
    while (src != end) {
        const char16_t u = *src++;
        if (u < 0x80) {
            if (u >= 0x20 && u != u'"' && u != u'\\') {
                out.append(char(u));
                continue;
            }
            char escape = 0;
            switch (u) {
            case u'"':
                escape = '"';
                break;
            case u'\\':
                escape = '\\';
                break;
            case 0x8:
                escape = 'b';
                break;
            case 0xc:
                escape = 'f';
                break;
            case 0xa:
                escape = 'n';
                break;
            case 0xd:
                escape = 'r';
                break;
            case 0x9:
                escape = 't';
                break;
            default:
                break;
            }
            if (escape) {
                const char pair[2] = {'\\', escape};
                out.append(pair, 2);
            } else {
                escapeUnit(u);
            }
        } else if (u < 0x800) {
            const char bytes[2] = {char(0xc0 | (u >> 6)), char(0x80 | (u & 0x3f))};
            out.append(bytes, 2);
        } else if (!QChar::isSurrogate(u)) {
            const char bytes[3] = {char(0xe0 | (u >> 12)), char(0x80 | ((u >> 6) & 0x3f)),
                                   char(0x80 | (u & 0x3f))};
            out.append(bytes, 3);
        } else if (QChar::isHighSurrogate(u) && src != end && QChar::isLowSurrogate(*src)) {
            const char32_t c = QChar::surrogateToUcs4(u, *src++);
            const char bytes[4] = {char(0xf0 | (c >> 18)), char(0x80 | ((c >> 12) & 0x3f)),
                                   char(0x80 | ((c >> 6) & 0x3f)), char(0x80 | (c & 0x3f))};
            out.append(bytes, 4);
        } else {
            escapeUnit(u); // a lone surrogate is not valid UTF-8: Qt escapes it as well
        }
    }
    out.append('"');
}

void appendNumber(QByteArray& out, double value) {
    if (!std::isfinite(value)) {
        out.append("null");
        return;
    }
    out.append(QByteArray::number(value, 'g', QLocale::FloatingPointShortest));
}

QUrl endpoint(const QUrl& base, const QString& suffix) {
    QUrl url = base;
    QString path = base.path(QUrl::FullyEncoded);
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + suffix, QUrl::TolerantMode);
    return url;
}

ErrorClass classForStatusCode(const QJsonValue& code) {
    const qint64 status = code.toInteger(0);
    if (status < 400 || status > 599)
        return ErrorClass::None;
    return errorClassForHttpStatus(int(status));
}

QStringList dataIds(QByteArrayView body) {
    QStringList ids;
    const auto object = parseObject(body, nullptr);
    if (!object)
        return ids;
    for (const QJsonValue& entry : object->value(u"data").toArray()) {
        const QString id = entry.toObject().value(u"id").toString();
        if (!id.isEmpty())
            ids.append(id);
    }
    return ids;
}

} // namespace poolscope::codecjson
