#include "codectest.h"
#include "sseparser.h"

#include <QTest>

using namespace Qt::StringLiterals;
using poolscope::SseEvent;
using poolscope::SseParser;
using poolscope::toString;
using Events = QList<SseEvent>;

Q_DECLARE_METATYPE(poolscope::SseEvent)
Q_DECLARE_METATYPE(std::optional<poolscope::SseEvent>)

namespace {

Events parsePieces(const QList<QByteArrayView>& pieces, SseParser* parserOut = nullptr) {
    SseParser parser;
    Events events;
    for (QByteArrayView piece : pieces)
        events.append(parser.feed(piece));
    if (parserOut)
        *parserOut = parser;
    return events;
}

Events parseWhole(QByteArrayView bytes) {
    return parsePieces({bytes});
}

Events parseBytewise(QByteArrayView bytes) {
    QList<QByteArrayView> pieces;
    for (qsizetype i = 0; i < bytes.size(); ++i)
        pieces.append(bytes.sliced(i, 1));
    return parsePieces(pieces);
}

SseEvent ev(QByteArray data, QByteArray event = {}, QByteArray id = {}) {
    return SseEvent{std::move(event), std::move(data), std::move(id)};
}

QByteArray withEol(QByteArray lfText, QByteArrayView eol) {
    return lfText.replace("\n", eol.toByteArray());
}

} // namespace

class TestSseParser : public QObject {
    Q_OBJECT

private:
    // The events of bytes must not depend on how they are cut.
    static void checkAllSplits(const QByteArray& bytes, const Events& expected) {
        QCOMPARE(parseWhole(bytes), expected);
        for (qsizetype at = 0; at <= bytes.size(); ++at) {
            const Events split =
                parsePieces({QByteArrayView(bytes).first(at), QByteArrayView(bytes).sliced(at)});
            if (split != expected) {
                qWarning("differs when split at byte %lld", qlonglong(at));
                QCOMPARE(split, expected);
            }
        }
        QCOMPARE(parseBytewise(bytes), expected);
    }

private slots:
    void recordedStreams_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("count");
        QTest::addColumn<QByteArray>("firstEvent");
        QTest::addColumn<QByteArray>("firstDataStart");
        QTest::addColumn<QByteArray>("lastData");

        QTest::addRow("openai") << u"openai_stream.sse"_s << 7 << QByteArray()
                                << QByteArray(R"({"id":"chatcmpl-BqXz81pTq3lYk0sL2F9dWm7R")")
                                << QByteArray("[DONE]");
        // Comments are not events; CRLF endings; one "data:" without a space.
        QTest::addRow("openai odd, CRLF")
            << u"openai_stream_odd.sse"_s << 6 << QByteArray()
            << QByteArray(R"({"id":"chatcmpl-7f3c")") << QByteArray("[DONE]");
        QTest::addRow("anthropic")
            << u"anthropic_stream.sse"_s << 12 << QByteArray("message_start")
            << QByteArray(R"({"type":"message_start")") << QByteArray(R"({"type":"message_stop"})");
        QTest::addRow("anthropic error")
            << u"anthropic_stream_error.sse"_s << 4 << QByteArray("message_start")
            << QByteArray(R"({"type":"message_start")")
            << QByteArray(
                   R"({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})");
        QTest::addRow("gemini, CRLF")
            << u"gemini_stream.sse"_s << 4 << QByteArray() << QByteArray(R"({"candidates":)")
            << QByteArray(R"({"candidates":[{"content":{"parts":[{"text":""}])");
    }

    void recordedStreams() {
        QFETCH(QString, file);
        QFETCH(int, count);
        QFETCH(QByteArray, firstEvent);
        QFETCH(QByteArray, firstDataStart);
        QFETCH(QByteArray, lastData);

        const QByteArray bytes = poolscope::test::fixture(file);
        const Events events = parseWhole(bytes);
        QCOMPARE(events.size(), count);
        QCOMPARE(events.first().event, firstEvent);
        QVERIFY2(events.first().data.startsWith(firstDataStart), events.first().data.constData());
        QVERIFY2(events.last().data.startsWith(lastData), events.last().data.constData());
        for (const SseEvent& event : events) {
            QVERIFY(!event.data.contains('\r'));
            QVERIFY(!event.data.endsWith('\n'));
        }
        checkAllSplits(bytes, events);

        SseParser parser;
        parser.feed(bytes);
        QVERIFY(!parser.hasPartialEvent());
        QCOMPARE(parser.finish(), std::nullopt);
    }

    void lineEndings_data() {
        QTest::addColumn<QByteArray>("eol");
        QTest::addRow("LF") << QByteArray("\n");
        QTest::addRow("CRLF") << QByteArray("\r\n");
        QTest::addRow("CR") << QByteArray("\r");
    }

    void lineEndings() {
        QFETCH(QByteArray, eol);
        const QByteArray lf = ": hello\n"
                              "event: greeting\n"
                              "data: one\n"
                              "data: two\n"
                              "\n"
                              "data: {\"a\":1}\n"
                              "\n"
                              "\n"
                              "id: 7\n"
                              "data:three\n"
                              "\n";
        const Events expected{ev("one\ntwo", "greeting"), ev(R"({"a":1})"), ev("three", {}, "7")};
        checkAllSplits(withEol(lf, eol), expected);
    }

    void mixedLineEndings() {
        checkAllSplits("data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r", {ev("a\nb\nc"), ev("d")});
    }

    // A CR at the end of one chunk and LF at the start of the next are one line ending.
    void crlfSplitAcrossChunks() {
        SseParser parser;
        QCOMPARE(parser.feed("data: a\r"), Events{});
        QCOMPARE(parser.feed("\ndata: b\r"), Events{});
        QCOMPARE(parser.feed("\n"), Events{});
        QVERIFY(parser.hasPartialEvent());
        QCOMPARE(parser.feed("\r"), Events{ev("a\nb")});
        QCOMPARE(parser.feed("\n"), Events{}); // the LF of that CRLF, not another blank line
        QVERIFY(!parser.hasPartialEvent());
        QCOMPARE(parser.feed("data: c\n\n"), Events{ev("c")});
    }

    void fields_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<Events>("expected");

        QTest::addRow("comment only") << QByteArray(": keep-alive\n\n") << Events{};
        QTest::addRow("comment between data lines")
            << QByteArray("data: a\n: note\ndata: b\n\n") << Events{ev("a\nb")};
        QTest::addRow("event name")
            << QByteArray("event: add\ndata: 73857293\n\n") << Events{ev("73857293", "add")};
        QTest::addRow("event name resets after dispatch")
            << QByteArray("event: add\ndata: 1\n\ndata: 2\n\n") << Events{ev("1", "add"), ev("2")};
        QTest::addRow("multi-line data")
            << QByteArray("data: YHOO\ndata: +2\ndata: 10\n\n") << Events{ev("YHOO\n+2\n10")};
        QTest::addRow("no space after colon") << QByteArray("data:x\n\n") << Events{ev("x")};
        QTest::addRow("only one space is stripped")
            << QByteArray("data:  two\n\n") << Events{ev(" two")};
        QTest::addRow("colons in the value")
            << QByteArray("data: {\"a\":\"b:c\"}\n\n") << Events{ev(R"({"a":"b:c"})")};
        QTest::addRow("field name without colon")
            << QByteArray("data\n\ndata\ndata\n\ndata:") << Events{ev(""), ev("\n")};
        QTest::addRow("empty data line dispatches") << QByteArray("data:\n\n") << Events{ev("")};
        QTest::addRow("event without data is not dispatched")
            << QByteArray("event: ping\n\ndata: y\n\n") << Events{ev("y")};
        QTest::addRow("id persists and resets")
            << QByteArray("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n")
            << Events{ev("a", {}, "1"), ev("b", {}, "1"), ev("c")};
        static constexpr char nulId[] = "id: 5\ndata: a\n\nid: x\0y\ndata: b\n\n";
        QTest::addRow("id containing NUL is ignored")
            << QByteArray(nulId, sizeof(nulId) - 1) << Events{ev("a", {}, "5"), ev("b", {}, "5")};
        QTest::addRow("retry and unknown fields ignored")
            << QByteArray("retry: 1000\nfoo: bar\ndata: z\n\n") << Events{ev("z")};
        QTest::addRow("space before colon makes another field")
            << QByteArray("data : x\n\n") << Events{};
        QTest::addRow("blank lines between events")
            << QByteArray("\n\n\ndata: a\n\n\n\ndata: b\n\n") << Events{ev("a"), ev("b")};
        QTest::addRow("BOM stripped") << QByteArray("\xEF\xBB\xBF"
                                                    "data: a\n\n")
                                      << Events{ev("a")};
        QTest::addRow("only one BOM stripped") << QByteArray("\xEF\xBB\xBF\xEF\xBB\xBF"
                                                             "data: a\n\n")
                                               << Events{};
        QTest::addRow("BOM-like bytes later are data")
            << QByteArray("data: \xEF\xBB\xBFx\n\n") << Events{ev("\xEF\xBB\xBFx")};
        QTest::addRow("UTF-8 multibyte")
            << QByteArray("data: Grüße 👋\n\n") << Events{ev("Grüße 👋")};
        QTest::addRow("incomplete last event is not dispatched")
            << QByteArray("data: a\n\ndata: b\n") << Events{ev("a")};
    }

    void fields() {
        QFETCH(QByteArray, input);
        QFETCH(Events, expected);
        checkAllSplits(input, expected);
    }

    void partialEvent_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<bool>("partial");
        QTest::addColumn<std::optional<SseEvent>>("lost");

        const std::optional<SseEvent> none;
        QTest::addRow("empty") << QByteArray() << false << none;
        QTest::addRow("complete") << QByteArray("data: a\n\n") << false << none;
        QTest::addRow("missing blank line")
            << QByteArray("data: a\n") << true << std::optional(ev("a"));
        QTest::addRow("unterminated line")
            << QByteArray("data: a\n\ndata: {\"b\":") << true << std::optional(ev(R"({"b":)"));
        QTest::addRow("unterminated multi-line")
            << QByteArray("event: x\ndata: 1\ndata: 2") << true << std::optional(ev("1\n2", "x"));
        QTest::addRow("event name only") << QByteArray("event: x\n") << true << none;
        QTest::addRow("trailing complete comment")
            << QByteArray("data: a\n\n: keep-alive\n") << false << none;
        QTest::addRow("trailing unterminated comment")
            << QByteArray("data: a\n\n: keep") << false << none;
        QTest::addRow("final CR ends the event") << QByteArray("data: a\r\n\r") << false << none;
        QTest::addRow("half a BOM") << QByteArray("\xEF\xBB") << false << none;
    }

    void partialEvent() {
        QFETCH(QByteArray, input);
        QFETCH(bool, partial);
        QFETCH(std::optional<SseEvent>, lost);

        SseParser parser;
        parser.feed(input);
        QCOMPARE(parser.hasPartialEvent(), partial);
        const std::optional<SseEvent> got = parser.finish();
        QCOMPARE(got.has_value(), lost.has_value());
        if (lost)
            QCOMPARE(*got, *lost);
        // finish() resets: the parser is ready for a new stream.
        QVERIFY(!parser.hasPartialEvent());
        QCOMPARE(parser.feed("data: new\n\n"), Events{ev("new")});
    }

    // Cut a recorded stream at every byte: there is a partial event exactly when the cut is not
    // at an event boundary.
    void partialEventAtEveryCut() {
        const QByteArray bytes = poolscope::test::fixture(u"openai_stream.sse"_s);
        // The boundary rule below holds for LF-only streams without comments.
        QVERIFY(!bytes.contains('\r') && !bytes.startsWith(':') && !bytes.contains("\n:"));
        int boundaries = 0;
        for (qsizetype at = 0; at <= bytes.size(); ++at) {
            const QByteArray prefix = bytes.first(at);
            SseParser parser;
            const Events events = parser.feed(prefix);
            const bool atBoundary = prefix.isEmpty() || prefix.endsWith("\n\n");
            boundaries += atBoundary ? 1 : 0;
            if (parser.hasPartialEvent() == atBoundary) {
                qWarning("cut at byte %lld", qlonglong(at));
                QCOMPARE(parser.hasPartialEvent(), !atBoundary);
            }
            QCOMPARE(events.size(), qsizetype(prefix.count("\n\n")));
        }
        QCOMPARE(boundaries, 8); // the empty prefix and the end of each of the 7 events
    }

    void overflow() {
        SseParser parser(64);
        QCOMPARE(parser.feed(QByteArray("data: " + QByteArray(40, 'a') + "\n\n")),
                 Events{ev(QByteArray(40, 'a'))});
        QVERIFY(!parser.overflowed());
        // One long line, arriving in pieces.
        QCOMPARE(parser.feed(QByteArray("data: " + QByteArray(50, 'b'))), Events{});
        QCOMPARE(parser.feed(QByteArray(50, 'b')), Events{});
        QVERIFY(parser.overflowed());
        QCOMPARE(parser.feed("\n\ndata: c\n\n"), Events{});
        // Many short data lines in one event count too.
        SseParser lines(64);
        QByteArray many;
        for (int i = 0; i < 20; ++i)
            many += "data: 0123456789\n";
        QCOMPARE(lines.feed(QByteArray(many + "\n")), Events{});
        QVERIFY(lines.overflowed());
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
