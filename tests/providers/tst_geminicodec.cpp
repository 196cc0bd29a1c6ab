#include "codectest.h"
#include "geminicodec.h"

#include <QTest>

#include <limits>

using namespace Qt::StringLiterals;
using namespace poolscope;
using poolscope::test::Collected;

// Note for editors: moc mis-reads raw strings that hold an odd number of double quotes, a
// single quote or a line break; keep each R"(...)" on one line and balanced.

namespace {

constexpr double NoTemperature = std::numeric_limits<double>::quiet_NaN();

ChatRequest makeRequest(QString model, QList<ChatMessage> messages, bool stream, int maxTokens = -1,
                        double temperature = NoTemperature) {
    ChatRequest request;
    request.model = std::move(model);
    request.messages = std::move(messages);
    request.stream = stream;
    request.maxTokens = maxTokens;
    request.temperature = temperature;
    return request;
}

TokenUsage usage(qint64 prompt, qint64 completion, qint64 cached = 0, qint64 reasoning = 0) {
    TokenUsage u;
    u.prompt = prompt;
    u.completion = completion;
    u.cached = cached;
    u.reasoning = reasoning;
    return u;
}

QByteArray chunk(const QByteArray& json) {
    return "data: " + json + "\r\n\r\n";
}

QByteArray textChunk(const QByteArray& text) {
    return chunk(R"({"candidates":[{"content":{"parts":[{"text":)" + ('"' + text + '"') +
                 R"(}],"role":"model"},"index":0}]})");
}

const QByteArray Base = "https://generativelanguage.googleapis.com/v1beta";

} // namespace

class TestGeminiCodec : public QObject {
    Q_OBJECT

private:
    GeminiCodec m_codec;

private slots:
    void style() { QCOMPARE(m_codec.style(), ApiStyle::Gemini); }

    void buildChatRequest_data() {
        QTest::addColumn<QUrl>("base");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<ChatRequest>("request");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArrayList>("headers");
        QTest::addColumn<QByteArray>("body");

        const QUrl base(QString::fromLatin1(Base));
        QTest::addRow("streaming, system instruction, generation config")
            << base << QByteArray("AIza-test")
            << makeRequest(u"gemini-2.5-flash"_s,
                           {{u"system"_s, u"Be brief."_s},
                            {u"user"_s, u"Hi"_s},
                            {u"assistant"_s, u"Hello"_s},
                            {u"user"_s, u"Why is the sky blue?"_s}},
                           true, 128, 0.25)
            << u"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"_s
            << QByteArrayList{"x-goog-api-key: AIza-test", "Content-Type: application/json",
                              "Accept: text/event-stream"}
            << QByteArray(R"({"contents":[{"role":"user","parts":[{"text":"Hi"}]},)"
                          R"({"role":"model","parts":[{"text":"Hello"}]},)"
                          R"({"role":"user","parts":[{"text":"Why is the sky blue?"}]}],)"
                          R"("systemInstruction":{"parts":[{"text":"Be brief."}]},)"
                          R"("generationConfig":{"maxOutputTokens":128,"temperature":0.25}})");
        QTest::addRow("non-streaming, API defaults, models/ prefix, trailing slash")
            << QUrl(QString::fromLatin1(Base + '/')) << QByteArray("k")
            << makeRequest(u"models/gemini-2.5-pro"_s, {{u"user"_s, u"x"_s}}, false)
            << u"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent"_s
            << QByteArrayList{"x-goog-api-key: k", "Content-Type: application/json"}
            << QByteArray(R"({"contents":[{"role":"user","parts":[{"text":"x"}]}]})");
        QTest::addRow("two system messages, temperature only, no key")
            << base << QByteArray()
            << makeRequest(u"gemini-2.5-flash-lite"_s,
                           {{u"system"_s, u"A"_s}, {u"system"_s, u"B"_s}, {u"user"_s, u"x"_s}},
                           false, -1, 1.0)
            << u"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash-lite:generateContent"_s
            << QByteArrayList{"Content-Type: application/json"}
            << QByteArray(R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],)"
                          R"("systemInstruction":{"parts":[{"text":"A"},{"text":"B"}]},)"
                          R"("generationConfig":{"temperature":1}})");
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
        QCOMPARE(spec.url.toString(QUrl::FullyEncoded), url); // the colon stays literal
        QCOMPARE(test::formatHeaders(spec.headers), headers);
        QCOMPARE(test::normalizedJson(spec.body), test::normalizedJson(body));
    }

    void parseResponse_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("finishReason");
        QTest::addColumn<TokenUsage>("usage");
        QTest::addColumn<QString>("errorContains");

        // completion = candidates 3 + thoughts 20
        QTest::addRow("recorded, thought part skipped")
            << test::fixture(u"gemini_response.json"_s) << u"Pools reuse connections."_s
            << u"MAX_TOKENS"_s << usage(11, 23, 8, 20) << QString();
        QTest::addRow("no thoughts")
            << QByteArray(
                   R"({"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"},"finishReason":"STOP"}],)"
                   R"("usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1,"totalTokenCount":5}})")
            << u"ok"_s << u"STOP"_s << usage(4, 1) << QString();
        QTest::addRow("blocked prompt")
            << QByteArray(
                   R"({"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":8,"totalTokenCount":8}})")
            << QString() << u"SAFETY"_s << usage(8, -1) << QString();
        QTest::addRow("missing usage")
            << QByteArray(
                   R"({"candidates":[{"content":{"parts":[{"text":"a"},{"text":"b"}]},"finishReason":"STOP"}]})")
            << u"ab"_s << u"STOP"_s << TokenUsage{} << QString();
        QTest::addRow("error body")
            << test::fixture(u"gemini_error.json"_s) << QString() << QString() << TokenUsage{}
            << u"API key not valid. Please pass a valid API key. (INVALID_ARGUMENT)"_s;
        QTest::addRow("no candidates") << QByteArray(R"({"modelVersion":"x"})") << QString()
                                       << QString() << TokenUsage{} << u"no candidates"_s;
        QTest::addRow("not JSON") << QByteArray("Service Unavailable") << QString() << QString()
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

        const QByteArray recorded = test::fixture(u"gemini_stream.sse"_s);
        const QStringList recordedDeltas{
            u"The sky looks blue"_s, u" because air scatters blue light — Rayleigh scattering."_s};
        const std::optional<TokenUsage> noUsage;

        // completion = candidates 12 + thoughts 40
        QTest::addRow("recorded (CRLF, thought part)")
            << recorded << recordedDeltas << std::optional(usage(9, 52, 4, 40)) << u"STOP"_s << true
            << ErrorClass::None << QString();
        QTest::addRow("recorded with LF endings")
            << QByteArray(recorded).replace("\r\n", "\n") << recordedDeltas
            << std::optional(usage(9, 52, 4, 40)) << u"STOP"_s << true << ErrorClass::None
            << QString();
        const qsizetype lastAt = recorded.lastIndexOf("data: ");
        QTest::addRow("truncated before the final chunk")
            << recorded.first(lastAt) << recordedDeltas << std::optional(usage(9, 52, 0, 40))
            << QString() << false << ErrorClass::None << QString();
        QTest::addRow("truncated inside the final chunk")
            << recorded.first(recorded.size() - 10) << recordedDeltas
            << std::optional(usage(9, 52, 0, 40)) << QString() << false << ErrorClass::None
            << QString();
        QTest::addRow("no usage, finish with text")
            << QByteArray(
                   textChunk("a") +
                   chunk(
                       R"({"candidates":[{"content":{"parts":[{"text":"b"}]},"finishReason":"MAX_TOKENS"}]})"))
            << QStringList{u"a"_s, u"b"_s} << noUsage << u"MAX_TOKENS"_s << true << ErrorClass::None
            << QString();
        QTest::addRow("usage after the finishing chunk still counts")
            << QByteArray(
                   chunk(
                       R"({"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"STOP"}]})") +
                   chunk(R"({"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}})"))
            << QStringList{u"a"_s} << std::optional(usage(3, 1)) << u"STOP"_s << true
            << ErrorClass::None << QString();
        QTest::addRow("blocked prompt ends the stream")
            << QByteArray(chunk(
                   R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":5}})"))
            << QStringList{} << std::optional(usage(5, -1)) << u"PROHIBITED_CONTENT"_s << true
            << ErrorClass::None << QString();
        QTest::addRow("overloaded mid-stream")
            << QByteArray(
                   textChunk("a") +
                   chunk(
                       R"({"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}})"))
            << QStringList{u"a"_s} << noUsage << QString() << false << ErrorClass::Server5xx
            << u"The model is overloaded. Please try again later. (UNAVAILABLE)"_s;
        QTest::addRow("quota")
            << QByteArray(chunk(
                   R"({"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}})"))
            << QStringList{} << noUsage << QString() << false << ErrorClass::RateLimited
            << u"Resource has been exhausted (RESOURCE_EXHAUSTED)"_s;
        QTest::addRow("error with code only")
            << QByteArray(chunk(R"({"error":{"code":404,"message":"models/x is not found"}})"))
            << QStringList{} << noUsage << QString() << false << ErrorClass::NotFound
            << u"models/x is not found"_s;
        QTest::addRow("malformed chunk")
            << QByteArray(textChunk("a") + chunk(R"({"candidates":[{)") + textChunk("b"))
            << QStringList{u"a"_s, u"b"_s} << noUsage << QString() << false << ErrorClass::Malformed
            << u"malformed stream event: invalid JSON"_s;
        QTest::addRow("JSON array framing instead of SSE")
            << QByteArray(R"([{"candidates":[{"content":{"parts":[{"text":"a"}]}}]}])")
            << QStringList{} << noUsage << QString() << false << ErrorClass::None << QString();
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

        const QByteArray recorded = test::fixture(u"gemini_error.json"_s);
        const QString expected =
            u"API key not valid. Please pass a valid API key. (INVALID_ARGUMENT)"_s;
        QTest::addRow("recorded") << recorded << expected;
        QTest::addRow("wrapped in an array") << QByteArray('[' + recorded + ']') << expected;
        QTest::addRow("no status")
            << QByteArray(R"({"error":{"code":500,"message":"Internal"}})") << u"Internal"_s;
        QTest::addRow("status only")
            << QByteArray(R"({"error":{"status":"UNAVAILABLE"}})") << u"UNAVAILABLE"_s;
        QTest::addRow("empty error") << QByteArray(R"({"error":{}})") << QString();
        QTest::addRow("not JSON") << QByteArray("<html>") << QString();
    }

    void errorMessage() {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QCOMPARE(m_codec.errorMessage(body), message);
    }

    void models() {
        const HttpRequestSpec spec =
            m_codec.buildModelsRequest(QUrl(QString::fromLatin1(Base)), "AIza-1");
        QCOMPARE(spec.method, QByteArray("GET"));
        QCOMPARE(spec.url.toString(), u"https://generativelanguage.googleapis.com/v1beta/models"_s);
        QCOMPARE(test::formatHeaders(spec.headers), QByteArrayList{"x-goog-api-key: AIza-1"});
        QVERIFY(spec.body.isEmpty());
    }

    void parseModels_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QStringList>("models");

        QTest::addRow("recorded, prefix stripped")
            << test::fixture(u"gemini_models.json"_s)
            << QStringList{u"gemini-2.5-flash"_s, u"gemini-2.5-pro"_s, u"text-embedding-004"_s};
        QTest::addRow("name without prefix kept")
            << QByteArray(R"({"models":[{"name":"tunedModels/mine"},{"name":"models/"}]})")
            << QStringList{u"tunedModels/mine"_s};
        QTest::addRow("not JSON") << QByteArray("x") << QStringList{};
    }

    void parseModels() {
        QFETCH(QByteArray, body);
        QFETCH(QStringList, models);
        QCOMPARE(m_codec.parseModels(body), models);
    }
};

QTEST_GUILESS_MAIN(TestGeminiCodec)
#include "tst_geminicodec.moc"
