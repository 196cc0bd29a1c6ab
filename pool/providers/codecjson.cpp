#include "codecjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

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
    for (const QJsonValue& entry : object->value("data"_L1).toArray()) {
        const QString id = entry.toObject().value("id"_L1).toString();
        if (!id.isEmpty())
            ids.append(id);
    }
    return ids;
}

} // namespace poolscope::codecjson
