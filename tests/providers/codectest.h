#pragma once

// Helpers shared by the provider codec tests: fixtures, feeding a decoder in pieces, and
// QTest::toString overloads so failed comparisons print readable values.

#include "providercodec.h"
#include "sseparser.h"

#include <QFile>
#include <QJsonDocument>
#include <QMetaType>
#include <QTest>

#include <optional>

namespace poolscope {

inline char* toString(ErrorClass cls) {
    const QString name = errorClassName(cls);
    return QTest::toString(name.isEmpty() ? QStringLiteral("none") : name);
}

inline QString describe(const TokenUsage& usage) {
    return QStringLiteral("{prompt %1, completion %2, cached %3, reasoning %4%5}")
        .arg(usage.prompt)
        .arg(usage.completion)
        .arg(usage.cached)
        .arg(usage.reasoning)
        .arg(usage.estimated ? QStringLiteral(", estimated") : QString());
}

inline char* toString(const TokenUsage& usage) {
    return QTest::toString(describe(usage));
}

inline char* toString(const SseEvent& event) {
    return QTest::toString(QStringLiteral("{event %1, data %2, id %3}")
                               .arg(QString::fromUtf8(event.event.toPercentEncoding()),
                                    QString::fromUtf8(event.data.toPercentEncoding()),
                                    QString::fromUtf8(event.id.toPercentEncoding())));
}

inline char* toString(const QList<SseEvent>& events) {
    QStringList parts;
    for (const SseEvent& event : events) {
        char* text = toString(event);
        parts.append(QString::fromUtf8(text));
        delete[] text;
    }
    return QTest::toString(u'[' + parts.join(QStringLiteral(", ")) + u']');
}

namespace test {

inline QByteArray fixture(const QString& name) {
    QFile file(QStringLiteral(POOLSCOPE_TEST_DATA "/providers/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open fixture %s", qPrintable(file.fileName()));
    return file.readAll();
}

// Compact JSON with sorted keys, so bodies compare independently of formatting.
inline QByteArray normalizedJson(const QByteArray& json) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return "invalid JSON: " + error.errorString().toUtf8() + ": " + json;
    return doc.toJson(QJsonDocument::Compact);
}

inline QByteArrayList formatHeaders(const HeaderList& headers) {
    QByteArrayList lines;
    for (const auto& [name, value] : headers)
        lines.append(name + ": " + value);
    return lines;
}

// Everything a stream decoder reported over a whole stream.
struct Collected {
    QStringList deltas;
    std::optional<TokenUsage> usage;          // the last one reported
    QString finishReason;                     // the last one reported
    int finishedUpdates = 0;                  // updates with finished == true
    bool decoderFinished = false;             // isFinished() at the end
    ErrorClass errorClass = ErrorClass::None; // the first error
    QString error;

    friend bool operator==(const Collected&, const Collected&) = default;
};

inline char* toString(const Collected& c) {
    return QTest::toString(
        QStringLiteral("{deltas [%1], usage %2, finish %3, finishedUpdates %4, finished %5, "
                       "error %6 %7}")
            .arg(c.deltas.join(u'|'), c.usage ? describe(*c.usage) : QStringLiteral("none"),
                 c.finishReason)
            .arg(c.finishedUpdates)
            .arg(c.decoderFinished)
            .arg(errorClassName(c.errorClass), c.error));
}

inline Collected collect(const ProviderCodec& codec, const QList<QByteArrayView>& pieces) {
    Collected result;
    const std::unique_ptr<StreamDecoder> decoder = codec.newStreamDecoder();
    for (QByteArrayView piece : pieces) {
        const StreamUpdate update = decoder->feed(piece);
        result.deltas.append(update.contentDeltas);
        if (update.usage)
            result.usage = update.usage;
        if (!update.finishReason.isEmpty())
            result.finishReason = update.finishReason;
        if (update.finished)
            ++result.finishedUpdates;
        if (update.errorClass != ErrorClass::None && result.errorClass == ErrorClass::None) {
            result.errorClass = update.errorClass;
            result.error = update.error;
        }
        // An update never carries an error class without a message, nor the reverse.
        if ((update.errorClass == ErrorClass::None) != update.error.isEmpty())
            result.error = QStringLiteral("inconsistent update: class and message disagree");
    }
    result.decoderFinished = decoder->isFinished();
    return result;
}

inline Collected collectWhole(const ProviderCodec& codec, QByteArrayView bytes) {
    return collect(codec, {bytes});
}

inline Collected collectSplit(const ProviderCodec& codec, QByteArrayView bytes, qsizetype at) {
    return collect(codec, {bytes.first(at), bytes.sliced(at)});
}

inline Collected collectBytewise(const ProviderCodec& codec, QByteArrayView bytes) {
    QList<QByteArrayView> pieces;
    for (qsizetype i = 0; i < bytes.size(); ++i)
        pieces.append(bytes.sliced(i, 1));
    return collect(codec, pieces);
}

// The decoder must report the same thing however the bytes are cut. Returns the whole-feed
// result after checking every two-piece split and the byte-by-byte feed against it.
#define POOLSCOPE_COLLECT_ALL_SPLITS(codec, bytes, out)                                            \
    do {                                                                                           \
        out = ::poolscope::test::collectWhole(codec, bytes);                                       \
        for (qsizetype at_ = 0; at_ <= (bytes).size(); ++at_) {                                    \
            const auto split_ = ::poolscope::test::collectSplit(codec, bytes, at_);                \
            if (!(split_ == out)) {                                                                \
                qWarning("differs when split at byte %lld", qlonglong(at_));                       \
                QCOMPARE(split_, out);                                                             \
            }                                                                                      \
        }                                                                                          \
        QCOMPARE(::poolscope::test::collectBytewise(codec, bytes), out);                           \
    } while (false)

} // namespace test
} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::TokenUsage)
Q_DECLARE_METATYPE(poolscope::ErrorClass)
