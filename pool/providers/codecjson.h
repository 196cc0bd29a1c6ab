#pragma once

#include "errorclass.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

// Small JSON and URL helpers shared by the provider codecs. Nothing here throws or asserts:
// every input is untrusted bytes from a server.
namespace poolscope::codecjson {

// The body as a JSON object. On failure returns nullopt and sets *error to a message that
// names the problem and quotes the start of the bytes.
std::optional<QJsonObject> parseObject(QByteArrayView bytes, QString* error);

// Like parseObject, but a top-level array yields its first object (Gemini sometimes wraps
// error bodies in an array).
std::optional<QJsonObject> parseObjectOrFirstOfArray(QByteArrayView bytes, QString* error);

// A token count: an integral number, else fallback (servers send null or omit fields).
qint64 count(const QJsonValue& value, qint64 fallback = -1);

// A string, or "" for null / missing / non-string values.
QString string(const QJsonValue& value);

QByteArray compact(const QJsonObject& object);

// Appends s as a JSON string literal, quotes included, escaped byte for byte as
// QJsonDocument::toJson() escapes it; for request bodies written without building a QJsonObject
// (that costs several times the bytes it produces, on every request).
void appendString(QByteArray& out, QStringView s);
// Appends a finite double as QJsonDocument::toJson() writes it ("null" when not finite).
void appendNumber(QByteArray& out, double value);

// base with its path extended by suffix ("/chat/completions"); a trailing "/" on the base
// path is tolerated, the base's query is kept.
QUrl endpoint(const QUrl& base, const QString& suffix);

// An HTTP-like status in an error object's "code" (vLLM, Gemini) mapped to a class; None when
// absent or not an HTTP error status.
ErrorClass classForStatusCode(const QJsonValue& code);

// Quote at most a few dozen bytes of server output in a message.
QString excerpt(QByteArrayView bytes);

// The "id" of every entry of a list response's "data" array (OpenAI and Anthropic /models).
QStringList dataIds(QByteArrayView body);

} // namespace poolscope::codecjson
