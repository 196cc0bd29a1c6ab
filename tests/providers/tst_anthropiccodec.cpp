#include "anthropiccodec.h"
#include "codecjson.h"
#include "codectest.h"

#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;
using namespace poolscope;
using poolscope::test::Collected;

// Note for editors: moc mis-reads raw strings that hold an odd number of double quotes, a
// single quote or a line break; keep each R"(...)" on one line and balanced.

namespace {

constexpr double NoTemperature = std::numeric_limits<double>::quiet_NaN();

ChatRequest makeRequest(QList<ChatMessage> messages, bool stream, int maxTokens = -1,
                        double temperature = NoTemperature) {
    ChatRequest request;
    request.model = u"claude-sonnet-4-5"_s;
    request.messages = std::move(messages);
    request.stream = stream;
    request.maxTokens = maxTokens;
    request.temperature = temperature;
    return request;
}

TokenUsage usage(qint64 prompt, qint64 completion, qint64 cached = 0, qint64 cacheWrite = 0) {
    TokenUsage u;
    u.prompt = prompt;
    u.completion = completion;
    u.cached = cached;
    u.cacheWrite = cacheWrite;
    return u;
}

QByteArray sseEvent(const QByteArray& name, const QByteArray& json) {
    return "event: " + name + "\ndata: " + json + "\n\n";
}

QByteArray messageStart(const QByteArray& usageJson = R"({"input_tokens":10,"output_tokens":1})") {
    return sseEvent(
        "message_start",
        R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"usage":)" +
            usageJson + "}}");
}

QByteArray textDelta(const QByteArray& text) {
    return sseEvent(
        "content_block_delta",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":)" +
            ('"' + text + '"') + "}}");
}

QByteArray errorEvent(const QByteArray& type, const QByteArray& message) {
    return sseEvent("error", R"({"type":"error","error":{"type":)" + ('"' + type + '"') +
                                 R"(,"message":)" + ('"' + message + '"') + "}}");
}

const QByteArray MessageStop = sseEvent("message_stop", R"({"type":"message_stop"})");

} // namespace

class TestAnthropicCodec : public QObject {
    Q_OBJECT

private:
    AnthropicCodec m_codec;

private slots:
    void style() { QCOMPARE(m_codec.style(), ApiStyle::Anthropic); }

    void buildChatRequest_data() {
        QTest::addColumn<QUrl>("base");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<ChatRequest>("request");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArrayList>("headers");
        QTest::addColumn<QByteArray>("body");

        QTest::addRow("streaming, systems lifted, default max_tokens")
            << QUrl(u"https://api.anthropic.com/v1"_s) << QByteArray("sk-ant-test")
            << makeRequest({{u"system"_s, u"Be brief."_s},
                            {u"user"_s, u"Hi"_s},
                            {u"assistant"_s, u"Hello"_s},
                            {u"system"_s, u"Answer in English."_s},
                            {u"user"_s, u"Why pools?"_s}},
                           true)
            << u"https://api.anthropic.com/v1/messages"_s
            << QByteArrayList{"x-api-key: sk-ant-test", "anthropic-version: 2023-06-01",
                              "Content-Type: application/json", "Accept: text/event-stream"}
            << QByteArray(R"({"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,)"
                          R"("system":"Be brief.\n\nAnswer in English.","messages":[)"
                          R"({"role":"user","content":"Hi"},)"
                          R"({"role":"assistant","content":"Hello"},)"
                          R"({"role":"user","content":"Why pools?"}]})");
        QTest::addRow("non-streaming, explicit max_tokens and temperature, no system")
            << QUrl(u"http://127.0.0.1:9000/v1/"_s) << QByteArray("k")
            << makeRequest({{u"user"_s, u"x"_s}}, false, 300, 0.0)
            << u"http://127.0.0.1:9000/v1/messages"_s
            << QByteArrayList{"x-api-key: k", "anthropic-version: 2023-06-01",
                              "Content-Type: application/json"}
            << QByteArray(R"({"model":"claude-sonnet-4-5","max_tokens":300,"temperature":0,)"
                          R"("stream":false,"messages":[{"role":"user","content":"x"}]})");
        QTest::addRow("no key: no x-api-key header")
            << QUrl(u"http://127.0.0.1:9000/v1"_s) << QByteArray()
            << makeRequest({{u"user"_s, u"x"_s}}, false, 0)
            << u"http://127.0.0.1:9000/v1/messages"_s
            << QByteArrayList{"anthropic-version: 2023-06-01", "Content-Type: application/json"}
            << QByteArray(R"({"model":"claude-sonnet-4-5","max_tokens":0,"stream":false,)"
                          R"("messages":[{"role":"user","content":"x"}]})");
    }

    void buildChatRequest() {
        QFETCH(QUrl, base);
        QFETCH(QByteArray, key);
        QFETCH(ChatRequest, request);
        QFETCH(QString, url);
        QFETCH(QByteArrayList, headers);
        QFETCH(QByteArray, body);

        const HttpRequestSpec spec = m_codec.buildChatRequest(base, key, request);
        QCOMPARE(spec.method, QByteArray("POST"));
        QCOMPARE(spec.url.toString(), url);
        QCOMPARE(test::formatHeaders(spec.headers), headers);
        QCOMPARE(test::normalizedJson(spec.body), test::normalizedJson(body));
    }

    void parseResponse_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("finishReason");
        QTest::addColumn<TokenUsage>("usage");
        QTest::addColumn<QString>("errorContains");

        // prompt = input 30 + cache read 500 + cache creation 0
        QTest::addRow("recorded, thinking block skipped")
            << test::fixture(u"anthropic_response.json"_s) << u"Pools keep sockets warm."_s
            << u"max_tokens"_s << usage(530, 16, 500) << QString();
        QTest::addRow("cache creation counts into the prompt")
            << QByteArray(
                   R"({"type":"message","content":[{"type":"text","text":"x"}],"stop_reason":"end_turn",)"
                   R"("usage":{"input_tokens":5,"cache_creation_input_tokens":20,"output_tokens":3}})")
            << u"x"_s << u"end_turn"_s << usage(25, 3, 0, 20) << QString();
        TokenUsage hourWrites = usage(25, 3, 0, 20);
        hourWrites.cacheWrite1h = 15;
        QTest::addRow("one-hour cache writes are kept apart")
            << QByteArray(
                   R"({"type":"message","content":[{"type":"text","text":"x"}],"stop_reason":"end_turn",)"
                   R"("usage":{"input_tokens":5,"cache_creation_input_tokens":20,)"
                   R"("cache_creation":{"ephemeral_5m_input_tokens":5,"ephemeral_1h_input_tokens":15},)"
                   R"("output_tokens":3}})")
            << u"x"_s << u"end_turn"_s << hourWrites << QString();
        QTest::addRow("tool use only")
            << QByteArray(
                   R"({"type":"message","content":[{"type":"tool_use","id":"t","name":"f","input":{}}],)"
                   R"("stop_reason":"tool_use","usage":{"input_tokens":7,"output_tokens":9}})")
            << QString() << u"tool_use"_s << usage(7, 9) << QString();
        QTest::addRow("missing usage")
            << QByteArray(
                   R"({"type":"message","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn"})")
            << u"ok"_s << u"end_turn"_s << TokenUsage{} << QString();
        QTest::addRow("error body")
            << QByteArray(
                   R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})")
            << QString() << QString() << TokenUsage{} << u"Overloaded"_s;
        QTest::addRow("no content") << QByteArray(R"({"type":"message","id":"m"})") << QString()
                                    << QString() << TokenUsage{} << u"no content"_s;
        QTest::addRow("not JSON") << QByteArray("Bad Gateway") << QString() << QString()
                                  << TokenUsage{} << u"invalid JSON"_s;
    }

    void parseResponse() {
        QFETCH(QByteArray, body);
        QFETCH(QString, text);
        QFETCH(QString, finishReason);
        QFETCH(TokenUsage, usage);
        QFETCH(QString, errorContains);

        const ParsedResponse parsed = m_codec.parseResponse(body);
        QCOMPARE(parsed.text, text);
        QCOMPARE(parsed.finishReason, finishReason);
        QCOMPARE(parsed.usage, usage);
        if (errorContains.isEmpty())
            QCOMPARE(parsed.error, QString());
        else
            QVERIFY2(parsed.error.contains(errorContains), qPrintable(parsed.error));
    }

    void stream_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QStringList>("deltas");
        QTest::addColumn<std::optional<TokenUsage>>("usage");
        QTest::addColumn<QString>("finishReason");
        QTest::addColumn<bool>("finished");
        QTest::addColumn<ErrorClass>("errorClass");
        QTest::addColumn<QString>("errorContains");

        const QByteArray recorded = test::fixture(u"anthropic_stream.sse"_s);
        const QStringList recordedDeltas{u"Hello"_s, u"! How can I help? ✨"_s};
        // prompt = 12 + cache read 2048 + cache creation 100
        const auto recordedUsage = std::optional(usage(2160, 42, 2048, 100));
        const std::optional<TokenUsage> noUsage;

        QTest::addRow("recorded (thinking, signature, ping)")
            << recorded << recordedDeltas << recordedUsage << u"end_turn"_s << true
            << ErrorClass::None << QString();
        const qsizetype stopAt = recorded.indexOf("event: message_stop");
        QTest::addRow("truncated before message_stop")
            << recorded.first(stopAt) << recordedDeltas << recordedUsage << u"end_turn"_s << false
            << ErrorClass::None << QString();
        const qsizetype deltaAt = recorded.indexOf("event: message_delta");
        QTest::addRow("truncated before message_delta")
            << recorded.first(deltaAt) << recordedDeltas << std::optional(usage(2160, 1, 2048, 100))
            << QString() << false << ErrorClass::None << QString();
        QTest::addRow("overloaded mid-stream")
            << test::fixture(u"anthropic_stream_error.sse"_s) << QStringList{u"Partial"_s}
            << std::optional(usage(2160, 1, 2048, 100)) << QString() << false
            << ErrorClass::Server5xx << u"Overloaded"_s;
        QTest::addRow("rate limited")
            << QByteArray(messageStart() + errorEvent("rate_limit_error", "Rate limited"))
            << QStringList{} << std::optional(usage(10, 1)) << QString() << false
            << ErrorClass::RateLimited << u"Rate limited"_s;
        QTest::addRow("api_error")
            << errorEvent("api_error", "Internal server error") << QStringList{} << noUsage
            << QString() << false << ErrorClass::Server5xx << u"Internal server error"_s;
        QTest::addRow("invalid_request_error")
            << errorEvent("invalid_request_error", "prompt is too long") << QStringList{} << noUsage
            << QString() << false << ErrorClass::BadRequest << u"prompt is too long"_s;
        QTest::addRow("authentication_error")
            << errorEvent("authentication_error", "invalid x-api-key") << QStringList{} << noUsage
            << QString() << false << ErrorClass::Auth << u"invalid x-api-key"_s;
        QTest::addRow("unknown error type")
            << errorEvent("brand_new_error", "odd") << QStringList{} << noUsage << QString()
            << false << ErrorClass::Server5xx << u"odd"_s;
        QTest::addRow("text in content_block_start, unknown events ignored")
            << QByteArray(
                   messageStart() +
                   sseEvent(
                       "content_block_start",
                       R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Hi"}})") +
                   sseEvent("brand_new_event", R"({"type":"brand_new_event","x":1})") +
                   textDelta(" there") +
                   sseEvent(
                       "content_block_delta",
                       R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}})") +
                   MessageStop)
            << QStringList{u"Hi"_s, u" there"_s} << std::optional(usage(10, 1)) << QString() << true
            << ErrorClass::None << QString();
        QTest::addRow("cumulative usage in message_delta")
            << QByteArray(
                   messageStart() + textDelta("a") +
                   sseEvent(
                       "message_delta",
                       R"({"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},)"
                       R"("usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":7}})") +
                   MessageStop)
            << QStringList{u"a"_s} << std::optional(usage(15, 7, 5)) << u"max_tokens"_s << true
            << ErrorClass::None << QString();
        TokenUsage hourWrites = usage(40, 7, 0, 30);
        hourWrites.cacheWrite1h = 30;
        QTest::addRow("one-hour cache writes in message_start")
            << QByteArray(messageStart(R"({"input_tokens":10,"cache_creation_input_tokens":30,)"
                                       R"("cache_creation":{"ephemeral_5m_input_tokens":0,)"
                                       R"("ephemeral_1h_input_tokens":30},"output_tokens":1})") +
                          textDelta("a") +
                          sseEvent("message_delta",
                                   R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},)"
                                   R"("usage":{"output_tokens":7}})") +
                          MessageStop)
            << QStringList{u"a"_s} << std::optional(hourWrites) << u"end_turn"_s << true
            << ErrorClass::None << QString();
        QTest::addRow("events after message_stop ignored")
            << QByteArray(messageStart() + MessageStop + textDelta("late")) << QStringList{}
            << std::optional(usage(10, 1)) << QString() << true << ErrorClass::None << QString();
        QTest::addRow("malformed delta")
            << QByteArray(messageStart() + textDelta("a") +
                          sseEvent("content_block_delta", R"({"type":"content_block_delta",)") +
                          textDelta("b") + MessageStop)
            << QStringList{u"a"_s, u"b"_s} << std::optional(usage(10, 1)) << QString() << true
            << ErrorClass::Malformed << u"malformed stream event: invalid JSON"_s;
        QTest::addRow("no type: event name used")
            << QByteArray(sseEvent("content_block_delta",
                                   R"({"delta":{"type":"text_delta","text":"x"}})") +
                          sseEvent("message_stop", "{}"))
            << QStringList{u"x"_s} << noUsage << QString() << true << ErrorClass::None << QString();
    }

    void stream() {
        QFETCH(QByteArray, bytes);
        QFETCH(QStringList, deltas);
        QFETCH(std::optional<TokenUsage>, usage);
        QFETCH(QString, finishReason);
        QFETCH(bool, finished);
        QFETCH(ErrorClass, errorClass);
        QFETCH(QString, errorContains);

        Collected got;
        POOLSCOPE_COLLECT_ALL_SPLITS(m_codec, bytes, got);
        QCOMPARE(got.deltas, deltas);
        QCOMPARE(got.usage.has_value(), usage.has_value());
        if (usage)
            QCOMPARE(*got.usage, *usage);
        QCOMPARE(got.finishReason, finishReason);
        QCOMPARE(got.decoderFinished, finished);
        QCOMPARE(got.finishedUpdates, finished ? 1 : 0);
        QCOMPARE(got.errorClass, errorClass);
        if (errorContains.isEmpty())
            QCOMPARE(got.error, QString());
        else
            QVERIFY2(got.error.contains(errorContains), qPrintable(got.error));
    }

    void errorMessage_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");

        QTest::addRow("recorded")
            << test::fixture(u"anthropic_error.json"_s)
            << u"Number of request tokens has exceeded your per-minute rate limit"_s;
        QTest::addRow("OpenAI-shaped body still has error.message")
            << QByteArray(R"({"error":{"message":"nope"}})") << u"nope"_s;
        QTest::addRow("no error") << QByteArray(R"({"message":"x"})") << QString();
        QTest::addRow("not JSON") << QByteArray("<html>") << QString();
    }

    void errorMessage() {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QCOMPARE(m_codec.errorMessage(body), message);
    }

    void models() {
        const HttpRequestSpec spec =
            m_codec.buildModelsRequest(QUrl(u"https://api.anthropic.com/v1/"_s), "sk-ant-1");
        QCOMPARE(spec.method, QByteArray("GET"));
        QCOMPARE(spec.url.toString(), u"https://api.anthropic.com/v1/models"_s);
        QCOMPARE(test::formatHeaders(spec.headers),
                 (QByteArrayList{"x-api-key: sk-ant-1", "anthropic-version: 2023-06-01"}));
        QVERIFY(spec.body.isEmpty());
    }

    void parseModels_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QStringList>("models");

        QTest::addRow("recorded") << test::fixture(u"anthropic_models.json"_s)
                                  << QStringList{u"claude-sonnet-4-5-20250929"_s,
                                                 u"claude-haiku-4-5-20251001"_s};
        QTest::addRow("empty list")
            << QByteArray(R"({"data":[],"has_more":false})") << QStringList{};
        QTest::addRow("not JSON") << QByteArray("x") << QStringList{};
    }

    void parseModels() {
        QFETCH(QByteArray, body);
        QFETCH(QStringList, models);
        QCOMPARE(m_codec.parseModels(body), models);
    }

    // The stream decoder reads text deltas with JsonScanner and every other event with
    // QJsonDocument: whenever the scan answers, it must answer what the full parse reads.
    void textDeltaScanAgreesWithTheFullParse_data() {
        QTest::addColumn<QByteArray>("event");
        QTest::addColumn<bool>("fast"); // the scan should answer (a common event)
        const auto row = [](const char* name, const QByteArray& event, bool fast) {
            QTest::newRow(name) << event << fast;
        };
        row("text delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})",
            true);
        row("members in another order",
            R"({"delta":{"text":"a\nb","type":"text_delta"},"index":1,"type":"content_block_delta"})",
            true);
        row("thinking delta",
            R"({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}})",
            true);
        row("tool input delta",
            "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_"
            "delta\","
            "\"partial_json\":\"{\\\"a\\\":\"}}",
            true);
        row("unicode",
            "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\","
            "\"text\":\"\\u00e9 \xe4\xb8\xad\"}}",
            true);
        // Left to the full parse:
        row("message start", R"({"type":"message_start","message":{"usage":{"input_tokens":5}}})",
            false);
        row("message delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"}})",
            false);
        row("ping", R"({"type":"ping"})", false);
        row("no type", R"({"delta":{"type":"text_delta","text":"a"}})", false);
        row("type twice",
            R"({"type":"ping","type":"content_block_delta","delta":{"type":"text_delta","text":"a"}})",
            false);
        row("text not a string",
            R"({"type":"content_block_delta","delta":{"type":"text_delta","text":7}})", false);
        row("delta not an object", R"({"type":"content_block_delta","delta":"a"})", false);
        row("not JSON", R"({"type":"content_block_delta",)", false);
        row("byte-order mark in the delta type",
            "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"\xef\xbb\xbftext_delta\","
            "\"text\":\"x\"}}",
            false);
        row("byte-order mark in the text",
            "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\","
            "\"text\":\"\xef\xbb\xbfx\"}}",
            false);
    }

    void textDeltaScanAgreesWithTheFullParse() {
        QFETCH(QByteArray, event);
        QFETCH(bool, fast);
        const auto scanned = AnthropicCodec::scanTextDelta(event);
        QCOMPARE(scanned.has_value(), fast);
        if (!scanned)
            return;
        QString error;
        const auto parsed = codecjson::parseObject(event, &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->value(u"type").toString(), u"content_block_delta"_s);
        QCOMPARE(*scanned, AnthropicCodec::textDeltaFromJson(*parsed));
    }
};

QTEST_GUILESS_MAIN(TestAnthropicCodec)
#include "tst_anthropiccodec.moc"
