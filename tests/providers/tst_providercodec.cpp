#include "codectest.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace poolscope;

class TestProviderCodec : public QObject {
    Q_OBJECT

private slots:
    void factory_data() {
        QTest::addColumn<ApiStyle>("style");
        QTest::addColumn<QString>("chatPathEnd");
        QTest::addRow("openai") << ApiStyle::OpenAI << u"/v1/chat/completions"_s;
        QTest::addRow("anthropic") << ApiStyle::Anthropic << u"/v1/messages"_s;
        QTest::addRow("gemini") << ApiStyle::Gemini << u"/v1/models/m:generateContent"_s;
    }

    void factory() {
        QFETCH(ApiStyle, style);
        QFETCH(QString, chatPathEnd);
        const auto codec = makeProviderCodec(style);
        QVERIFY(codec);
        QCOMPARE(codec->style(), style);
        ChatRequest request;
        request.model = u"m"_s;
        request.messages = {{u"user"_s, u"x"_s}};
        const HttpRequestSpec spec =
            codec->buildChatRequest(QUrl(u"http://127.0.0.1:1/v1"_s), "k", request);
        QCOMPARE(spec.url.path(), chatPathEnd);
        QVERIFY(codec->newStreamDecoder());
        QVERIFY(!codec->newStreamDecoder()->isFinished());
    }

    void estimate_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("tokens");
        QTest::addRow("empty") << QString() << qint64(0);
        QTest::addRow("one char") << u"a"_s << qint64(1);
        QTest::addRow("four chars") << u"abcd"_s << qint64(1);
        QTest::addRow("five chars") << u"abcde"_s << qint64(2);
        QTest::addRow("sentence") << u"Connection pools keep sockets warm."_s << qint64(9);
        QTest::addRow("400 chars") << QString(400, u'x') << qint64(100);
    }

    void estimate() {
        QFETCH(QString, text);
        QFETCH(qint64, tokens);
        QCOMPARE(estimateTokens(text), tokens);
    }

    // Hostile bytes must never crash, assert, or be mistaken for a finished answer.
    void garbage_data() {
        QTest::addColumn<ApiStyle>("style");
        QTest::addRow("openai") << ApiStyle::OpenAI;
        QTest::addRow("anthropic") << ApiStyle::Anthropic;
        QTest::addRow("gemini") << ApiStyle::Gemini;
    }

    void garbage() {
        QFETCH(ApiStyle, style);
        const auto codec = makeProviderCodec(style);
        QRandomGenerator random(20250707);
        // Fragments that steer random input into the parsers' interesting states.
        const QByteArrayList pieces{"data: ",
                                    "event: ",
                                    "\n",
                                    "\r",
                                    "\r\n",
                                    ":",
                                    "{",
                                    "}",
                                    "[",
                                    "]",
                                    "\"",
                                    "error",
                                    "choices",
                                    "delta",
                                    "\\u",
                                    "\xff\xfe",
                                    QByteArray(1, '\0'),
                                    "data: {\"choices\":"};
        int malformed = 0;
        for (int round = 0; round < 200; ++round) {
            const auto decoder = codec->newStreamDecoder();
            for (int i = 0; i < 50; ++i) {
                QByteArray bytes;
                const int parts = random.bounded(1, 6);
                for (int p = 0; p < parts; ++p) {
                    if (random.bounded(2) == 0) {
                        bytes += pieces.at(random.bounded(int(pieces.size())));
                    } else {
                        QByteArray noise(random.bounded(1, 20), '\0');
                        for (char& c : noise)
                            c = char(random.bounded(256));
                        bytes += noise;
                    }
                }
                const StreamUpdate update = decoder->feed(bytes);
                QVERIFY(!update.finished);
                QCOMPARE(update.errorClass == ErrorClass::None, update.error.isEmpty());
                malformed += update.errorClass == ErrorClass::Malformed ? 1 : 0;
            }
            QVERIFY(!decoder->isFinished());
            QVERIFY(
                codec->parseResponse(QByteArray(QByteArray::number(round) + "{\xff")).error.size() >
                0);
            QVERIFY(codec->parseModels("\x01\x02").isEmpty());
            QCOMPARE(codec->errorMessage("{\"error\":"), QString());
        }
        QVERIFY(malformed > 0); // the fragments did reach the JSON decoding
    }
};

QTEST_GUILESS_MAIN(TestProviderCodec)
#include "tst_providercodec.moc"
