#include "codecjson.h"
#include "codectest.h"
#include "openaicodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;
using namespace poolscope;
using poolscope::test::Collected;

namespace {

constexpr double NoTemperature = std::numeric_limits<double>::quiet_NaN();

ChatRequest makeRequest(QList<ChatMessage> messages, bool stream, int maxTokens = -1,
                        double temperature = NoTemperature, QJsonObject extra = {}) {
    ChatRequest request;
    request.model = u"gpt-4.1-mini"_s;
    request.messages = std::move(messages);
    request.stream = stream;
    request.maxTokens = maxTokens;
    request.temperature = temperature;
    request.bodyExtra = std::move(extra);
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
    return "data: " + json + "\n\n";
}

QByteArray contentChunk(const QByteArray& text, const QByteArray& finish = "null") {
    // Plain literals: moc mis-reads raw strings with an odd number of quotes.
    return chunk("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                 "\"delta\":{\"content\":\"" +
                 text + "\"},\"finish_reason\":" + finish + "}]}");
}

} // namespace

class TestOpenAiCodec : public QObject {
    Q_OBJECT

private:
    OpenAiCodec m_codec;

private slots:
    void style() { QCOMPARE(m_codec.style(), ApiStyle::OpenAI); }

    void buildChatRequest_data() {
        QTest::addColumn<QUrl>("base");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<ChatRequest>("request");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArrayList>("headers");
        QTest::addColumn<QByteArray>("body");

        const QList<ChatMessage> chat{{u"system"_s, u"Be brief."_s},
                                      {u"user"_s, u"What is a connection pool?"_s}};
        QTest::addRow("streaming, all options")
            << QUrl(u"https://api.openai.com/v1"_s) << QByteArray("sk-test")
            << makeRequest(chat, true, 256, 0.5) << u"https://api.openai.com/v1/chat/completions"_s
            << QByteArrayList{"Authorization: Bearer sk-test", "Content-Type: application/json",
                              "Accept: text/event-stream"}
            << QByteArray(R"({"model":"gpt-4.1-mini","messages":[)"
                          R"({"role":"system","content":"Be brief."},)"
                          R"({"role":"user","content":"What is a connection pool?"}],)"
                          R"("stream":true,"stream_options":{"include_usage":true},)"
                          R"("max_tokens":256,"temperature":0.5})");
        QTest::addRow("non-streaming, no key, API defaults, trailing slash")
            << QUrl(u"http://127.0.0.1:8080/v1/"_s) << QByteArray()
            << makeRequest({{u"user"_s, u"hi"_s}}, false)
            << u"http://127.0.0.1:8080/v1/chat/completions"_s
            << QByteArrayList{"Content-Type: application/json"}
            << QByteArray(
                   R"({"model":"gpt-4.1-mini","messages":[{"role":"user","content":"hi"}],"stream":false})");
        QTest::addRow("max_tokens 0 and temperature 0 are sent")
            << QUrl(u"https://api.deepseek.com"_s) << QByteArray("k")
            << makeRequest({{u"user"_s, u"x"_s}}, false, 0, 0.0)
            << u"https://api.deepseek.com/chat/completions"_s
            << QByteArrayList{"Authorization: Bearer k", "Content-Type: application/json"}
            << QByteArray(R"({"model":"gpt-4.1-mini","messages":[{"role":"user","content":"x"}],)"
                          R"("stream":false,"max_tokens":0,"temperature":0})");
        QTest::addRow("bodyExtra merged over the body")
            << QUrl(u"https://api.holysheep.ai/v1"_s) << QByteArray("k")
            << makeRequest(
                   {{u"user"_s, u"x"_s}}, false, 50, 0.9,
                   QJsonObject{{u"temperature"_s, 0.25},
                               {u"seed"_s, 7},
                               {u"response_format"_s, QJsonObject{{u"type"_s, u"json_object"_s}}}})
            << u"https://api.holysheep.ai/v1/chat/completions"_s
            << QByteArrayList{"Authorization: Bearer k", "Content-Type: application/json"}
            << QByteArray(R"({"model":"gpt-4.1-mini","messages":[{"role":"user","content":"x"}],)"
                          R"("stream":false,"max_tokens":50,"temperature":0.25,"seed":7,)"
                          R"("response_format":{"type":"json_object"}})");
        QTest::addRow("base query kept, unicode content")
            << QUrl(
                   u"https://example.openai.azure.com/openai/deployments/gpt?api-version=2024-10-21"_s)
            << QByteArray("k") << makeRequest({{u"user"_s, u"Grüße 👋 \"quoted\""_s}}, false)
            << u"https://example.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2024-10-21"_s
            << QByteArrayList{"Authorization: Bearer k", "Content-Type: application/json"}
            << QByteArray(R"({"model":"gpt-4.1-mini",)"
                          "\"messages\":[{\"role\":\"user\",\"content\":\"Grüße 👋 "
                          "\\\"quoted\\\"\"}],\"stream\":false}");
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
        QCOMPARE(spec.url.toString(QUrl::FullyEncoded), QUrl(url).toString(QUrl::FullyEncoded));
        QCOMPARE(test::formatHeaders(spec.headers), headers);
        QCOMPARE(test::normalizedJson(spec.body), test::normalizedJson(body));
    }

    // The body is written by hand for speed; it must be byte for byte what QJsonDocument would
    // write, for every string a person or a dataset can hand it.
    void bodyIsExactlyWhatQJsonDocumentWrites_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<double>("temperature");
        QTest::addColumn<int>("maxTokens");
        const QChar lone[] = {QChar(0xd800), QChar(u'x'), QChar(0xdfff)};
        QTest::addRow("control characters") << u"a\u0001\b\f\n\r\t\u001f\u007f z"_s << 0.7 << 5;
        QTest::addRow("quotes and backslashes") << u"\"\\\"\\\\/"_s << 0.0 << 0;
        QTest::addRow("non-ASCII") << u"Grüße 👋 \u2028\u2029 日本"_s << 1.0e-7 << -1;
        QTest::addRow("lone surrogates") << QString(lone, 3) << 2.0 << 1;
        QTest::addRow("empty") << QString() << 0.30000000000000004 << 100000;
        QTest::addRow("no temperature")
            << u"plain"_s << std::numeric_limits<double>::quiet_NaN() << 7;
    }

    void bodyIsExactlyWhatQJsonDocumentWrites() {
        QFETCH(QString, content);
        QFETCH(double, temperature);
        QFETCH(int, maxTokens);
        ChatRequest request = makeRequest({{u"system"_s, content}, {u"user"_s, content}}, true,
                                          maxTokens, temperature);
        request.model = content.isEmpty() ? u"m"_s : content;
        QJsonArray messages;
        for (const ChatMessage& message : request.messages)
            messages.append(
                QJsonObject{{u"role"_s, message.role}, {u"content"_s, message.content}});
        QJsonObject expected{{u"model"_s, request.model},
                             {u"messages"_s, messages},
                             {u"stream"_s, true},
                             {u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}}}};
        if (maxTokens >= 0)
            expected.insert(u"max_tokens"_s, maxTokens);
        if (!std::isnan(temperature))
            expected.insert(u"temperature"_s, temperature);
        const QByteArray body = m_codec.buildChatRequest(QUrl(u"http://h/v1"_s), {}, request).body;
        QCOMPARE(body, QJsonDocument(expected).toJson(QJsonDocument::Compact));
    }

    void parseResponse_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("finishReason");
        QTest::addColumn<TokenUsage>("usage");
        QTest::addColumn<QString>("errorContains"); // "" when the body is valid

        QTest::addRow("recorded") << test::fixture(u"openai_response.json"_s)
                                  << u"Connection pools keep sockets warm."_s << u"stop"_s
                                  << usage(25, 7) << QString();
        QTest::addRow("cached and reasoning tokens")
            << QByteArray(
                   R"({"choices":[{"index":0,"message":{"role":"assistant","content":"4"},)"
                   R"("finish_reason":"stop"}],"usage":{"prompt_tokens":2006,"completion_tokens":300,)"
                   R"("prompt_tokens_details":{"cached_tokens":1920},)"
                   R"("completion_tokens_details":{"reasoning_tokens":290}}})")
            << u"4"_s << u"stop"_s << usage(2006, 300, 1920, 290) << QString();
        QTest::addRow("missing usage")
            << QByteArray(R"({"choices":[{"message":{"content":"ok"},"finish_reason":"length"}]})")
            << u"ok"_s << u"length"_s << TokenUsage{} << QString();
        QTest::addRow("usage without details, null fields")
            << QByteArray(
                   R"({"choices":[{"message":{"content":"ok"},"finish_reason":null}],)"
                   R"("usage":{"prompt_tokens":3,"completion_tokens":null,"prompt_tokens_details":null}})")
            << u"ok"_s << QString() << usage(3, -1) << QString();
        QTest::addRow("null content (tool call)")
            << QByteArray(
                   R"({"choices":[{"message":{"role":"assistant","content":null,)"
                   R"("tool_calls":[{"id":"t","type":"function"}]},"finish_reason":"tool_calls"}]})")
            << QString() << u"tool_calls"_s << TokenUsage{} << QString();
        QTest::addRow("content as text parts")
            << QByteArray(
                   R"({"choices":[{"message":{"content":[{"type":"text","text":"a"},)"
                   R"({"type":"image_url"},{"type":"text","text":"b"}]},"finish_reason":"stop"}]})")
            << u"ab"_s << u"stop"_s << TokenUsage{} << QString();
        QTest::addRow("not JSON") << QByteArray("<html><body>502 Bad Gateway</body></html>")
                                  << QString() << QString() << TokenUsage{} << u"invalid JSON"_s;
        QTest::addRow("empty body")
            << QByteArray() << QString() << QString() << TokenUsage{} << u"invalid JSON"_s;
        QTest::addRow("JSON array") << QByteArray("[1,2]") << QString() << QString() << TokenUsage{}
                                    << u"expected a JSON object"_s;
        QTest::addRow("no choices") << QByteArray(R"({"id":"x","object":"chat.completion"})")
                                    << QString() << QString() << TokenUsage{} << u"no choices"_s;
        QTest::addRow("empty choices") << QByteArray(R"({"choices":[]})") << QString() << QString()
                                       << TokenUsage{} << u"no choices"_s;
        QTest::addRow("error object with 200")
            << QByteArray(R"({"error":{"message":"model overloaded","type":"server_error"}})")
            << QString() << QString() << TokenUsage{} << u"model overloaded"_s;
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

        const QByteArray recorded = test::fixture(u"openai_stream.sse"_s);
        const QStringList recordedDeltas{u"Hello"_s, u" there"_s, u"! ¿Qué tal? 👋"_s};
        const std::optional<TokenUsage> noUsage;

        QTest::addRow("recorded") << recorded << recordedDeltas
                                  << std::optional(usage(1290, 80, 1024, 64)) << u"stop"_s << true
                                  << ErrorClass::None << QString();
        QTest::addRow("odd but legal (CRLF, comments, role+content, reasoning, no usage)")
            << test::fixture(u"openai_stream_odd.sse"_s)
            << QStringList{u"Hi"_s, u" friend"_s, u"."_s} << noUsage << u"length"_s << true
            << ErrorClass::None << QString();

        const qsizetype doneAt = recorded.indexOf("data: [DONE]");
        QVERIFY(doneAt > 0);
        QTest::addRow("truncated before [DONE]")
            << recorded.first(doneAt) << recordedDeltas << std::optional(usage(1290, 80, 1024, 64))
            << u"stop"_s << false << ErrorClass::None << QString();
        QTest::addRow("truncated inside [DONE]")
            << recorded.first(doneAt + 9) << recordedDeltas
            << std::optional(usage(1290, 80, 1024, 64)) << u"stop"_s << false << ErrorClass::None
            << QString();
        const qsizetype thirdContent = recorded.indexOf("! ¿Qué");
        QTest::addRow("truncated mid chunk")
            << recorded.first(thirdContent) << QStringList{u"Hello"_s, u" there"_s} << noUsage
            << QString() << false << ErrorClass::None << QString();
        QTest::addRow("missing final blank line")
            << recorded.chopped(1) << recordedDeltas << std::optional(usage(1290, 80, 1024, 64))
            << u"stop"_s << false << ErrorClass::None << QString();

        QTest::addRow("finish_reason without [DONE]")
            << QByteArray(contentChunk("a") + contentChunk("b", R"("stop")"))
            << QStringList{u"a"_s, u"b"_s} << noUsage << u"stop"_s << false << ErrorClass::None
            << QString();
        QTest::addRow("usage in every chunk (vLLM continuous usage)")
            << QByteArray(
                   chunk(
                       R"({"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":5,"completion_tokens":1}})") +
                   chunk(
                       R"({"choices":[{"delta":{"content":"b"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2}})") +
                   chunk("[DONE]"))
            << QStringList{u"a"_s, u"b"_s} << std::optional(usage(5, 2)) << u"stop"_s << true
            << ErrorClass::None << QString();
        QTest::addRow("usage chunk with null choices")
            << QByteArray(
                   contentChunk("a") +
                   chunk(R"({"choices":null,"usage":{"prompt_tokens":9,"completion_tokens":1}})") +
                   chunk("[DONE]"))
            << QStringList{u"a"_s} << std::optional(usage(9, 1)) << QString() << true
            << ErrorClass::None << QString();
        QTest::addRow("empty and role-only deltas carry no content")
            << QByteArray(chunk(R"({"choices":[{"delta":{"role":"assistant"}}]})") +
                          chunk(R"({"choices":[{"delta":{"content":""}}]})") +
                          chunk(R"({"choices":[{"delta":{}}]})") + chunk("[DONE]"))
            << QStringList{} << noUsage << QString() << true << ErrorClass::None << QString();
        QTest::addRow("escaped characters")
            << QByteArray(contentChunk("line\\nnext \\\"q\\\" \\u00e9\\ud83d\\udc4b") +
                          chunk("[DONE]"))
            << QStringList{u"line\nnext \"q\" é👋"_s} << noUsage << QString() << true
            << ErrorClass::None << QString();
        QTest::addRow("events after [DONE] are ignored")
            << QByteArray(chunk("[DONE]") + contentChunk("late") + chunk("{broken"))
            << QStringList{} << noUsage << QString() << true << ErrorClass::None << QString();

        QTest::addRow("malformed chunk")
            << QByteArray(contentChunk("a") + chunk(R"({"choices":[{"delta":)") + contentChunk("b"))
            << QStringList{u"a"_s, u"b"_s} << noUsage << QString() << false << ErrorClass::Malformed
            << u"malformed stream event: invalid JSON"_s;
        QTest::addRow("data an array")
            << QByteArray(chunk("[1,2]") + chunk("[DONE]")) << QStringList{} << noUsage << QString()
            << true << ErrorClass::Malformed << u"expected a JSON object"_s;
        QTest::addRow("data a bare number")
            << QByteArray(chunk("42") + chunk("[DONE]")) << QStringList{} << noUsage << QString()
            << true << ErrorClass::Malformed << u"malformed stream event"_s;
        QTest::addRow("plain text instead of SSE")
            << QByteArray("Internal Server Error\n") << QStringList{} << noUsage << QString()
            << false << ErrorClass::None << QString();
        QTest::addRow("server error object")
            << QByteArray(
                   contentChunk("a") +
                   chunk(
                       R"({"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}})"))
            << QStringList{u"a"_s} << noUsage << QString() << false << ErrorClass::Server5xx
            << u"The server had an error while processing your request."_s;
        QTest::addRow("vLLM error with HTTP code")
            << QByteArray(chunk(
                   R"({"error":{"object":"error","message":"This model\u0027s maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}})"))
            << QStringList{} << noUsage << QString() << false << ErrorClass::BadRequest
            << u"maximum context length"_s;
        QTest::addRow("rate limit error")
            << QByteArray(chunk(
                   R"({"error":{"message":"Rate limit reached for gpt-4.1","type":"requests","code":"rate_limit_exceeded"}})"))
            << QStringList{} << noUsage << QString() << false << ErrorClass::RateLimited
            << u"Rate limit reached"_s;
        QTest::addRow("error event name with error object")
            << QByteArray("event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n")
            << QStringList{} << noUsage << QString() << false << ErrorClass::Server5xx << u"boom"_s;
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

    // The update that carries [DONE] says so, and the ones before it do not.
    void finishedArrivesWithTerminator() {
        const auto decoder = m_codec.newStreamDecoder();
        StreamUpdate update = decoder->feed(contentChunk("a", R"("stop")"));
        QVERIFY(!update.finished);
        QVERIFY(!decoder->isFinished());
        QCOMPARE(update.contentDeltas, QStringList{u"a"_s});
        QCOMPARE(update.finishReason, u"stop"_s);
        update = decoder->feed("data: [DO");
        QVERIFY(!update.finished);
        update = decoder->feed("NE]\n\n");
        QVERIFY(update.finished);
        QVERIFY(decoder->isFinished());
    }

    void errorMessage_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");

        QTest::addRow("OpenAI") << test::fixture(u"openai_error.json"_s)
                                << u"Incorrect API key provided: sk-abc***xyz. You can find your "
                                   "API key at https://platform.openai.com/account/api-keys."_s;
        QTest::addRow("top-level message (vLLM)")
            << QByteArray(
                   R"({"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","code":404})")
            << u"The model `x` does not exist."_s;
        QTest::addRow("string error (Ollama)")
            << QByteArray(R"({"error":"model \u0027llama3\u0027 not found"})")
            << u"model 'llama3' not found"_s;
        QTest::addRow("detail (FastAPI)")
            << QByteArray(R"({"detail":"Not Found"})") << u"Not Found"_s;
        QTest::addRow("error object without message") << QByteArray(R"({"error":{}})") << QString();
        QTest::addRow("not JSON") << QByteArray("upstream connect error") << QString();
        QTest::addRow("empty") << QByteArray() << QString();
    }

    void errorMessage() {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QCOMPARE(m_codec.errorMessage(body), message);
    }

    void models_data() {
        QTest::addColumn<QUrl>("base");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArrayList>("headers");

        QTest::addRow("with key") << QUrl(u"https://api.openai.com/v1"_s) << QByteArray("sk-1")
                                  << u"https://api.openai.com/v1/models"_s
                                  << QByteArrayList{"Authorization: Bearer sk-1"};
        QTest::addRow("local, no key") << QUrl(u"http://localhost:11434/v1/"_s) << QByteArray()
                                       << u"http://localhost:11434/v1/models"_s << QByteArrayList{};
    }

    void models() {
        QFETCH(QUrl, base);
        QFETCH(QByteArray, key);
        QFETCH(QString, url);
        QFETCH(QByteArrayList, headers);

        const HttpRequestSpec spec = m_codec.buildModelsRequest(base, key);
        QCOMPARE(spec.method, QByteArray("GET"));
        QCOMPARE(spec.url.toString(), url);
        QCOMPARE(test::formatHeaders(spec.headers), headers);
        QVERIFY(spec.body.isEmpty());
    }

    void parseModels_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QStringList>("models");

        QTest::addRow("recorded") << test::fixture(u"openai_models.json"_s)
                                  << QStringList{u"gpt-4.1-mini"_s, u"gpt-4o"_s, u"o4-mini"_s};
        QTest::addRow("entries without id skipped")
            << QByteArray(R"({"data":[{"id":"a"},{"object":"model"},{"id":""},"x",{"id":"b"}]})")
            << QStringList{u"a"_s, u"b"_s};
        QTest::addRow("no data") << QByteArray(R"({"object":"list"})") << QStringList{};
        QTest::addRow("not JSON") << QByteArray("<html>") << QStringList{};
    }

    void parseModels() {
        QFETCH(QByteArray, body);
        QFETCH(QStringList, models);
        QCOMPARE(m_codec.parseModels(body), models);
    }

    // The stream decoder reads common chunks with JsonScanner and the rest with QJsonDocument:
    // whenever the scan answers, it must answer what the full parse reads from the same bytes.
    void chunkScanAgreesWithTheFullParse_data() {
        QTest::addColumn<QByteArray>("chunk");
        QTest::addColumn<bool>("fast"); // the scan should answer (a common chunk)
        const auto row = [](const char* name, const QByteArray& chunk, bool fast) {
            QTest::newRow(name) << chunk << fast;
        };
        row("openai content",
            R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1730000000,"model":"gpt-4.1","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]})",
            true);
        row("openai role only",
            R"({"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}],"usage":null})",
            true);
        row("openai finish",
            R"({"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})", true);
        row("escapes and unicode",
            "{\"choices\":[{\"delta\":{\"content\":\"a\\n\\\"b\\\" \\u00e9 \xe4\xb8\xad "
            "\xf0\x9f\x98\x80\"}}]}",
            true);
        row("llama.cpp",
            R"({"choices":[{"finish_reason":null,"index":0,"delta":{"content":" world"}}],"created":1,"id":"x","model":"m","object":"chat.completion.chunk"})",
            true);
        row("reasoning delta",
            R"({"choices":[{"delta":{"reasoning_content":"think","content":null}}]})", true);
        row("two choices", R"({"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]})",
            true);
        row("choice not an object", R"({"choices":["x",{"delta":{"content":"b"}}]})", true);
        row("choices not an array", R"({"choices":{"delta":{"content":"a"}}})", true);
        row("delta not an object", R"({"choices":[{"delta":"a","finish_reason":"length"}]})", true);
        row("finish reason not a string",
            R"({"choices":[{"delta":{"content":"a"},"finish_reason":7}]})", true);
        row("error null", R"({"error":null,"choices":[{"delta":{"content":"a"}}]})", true);
        row("empty object", "{}", true);
        row("whitespace", " \n{ \"choices\" : [ { \"delta\" : { \"content\" : \"a\" } } ] } ",
            true);
        // Left to the full parse:
        row("usage object", R"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4}})",
            false);
        row("error object", R"({"error":{"message":"overloaded","type":"server_error"}})", false);
        row("content in parts",
            R"({"choices":[{"delta":{"content":[{"type":"text","text":"a"}]}}]})", false);
        row("duplicate content", R"({"choices":[{"delta":{"content":"a","content":"b"}}]})", false);
        row("duplicate choices", R"({"choices":[],"choices":[{"delta":{"content":"b"}}]})", false);
        row("escaped key", R"({"choice\u0073":[{"delta":{"content":"a"}}]})", false);
        row("surrogate pair", R"({"choices":[{"delta":{"content":"\ud83d\ude00"}}]})", false);
        row("not JSON", "{\"choices\":[", false);
        row("trailing garbage", R"({"choices":[]} x)", false);
        row("array", "[]", false);
        row("leading byte-order mark",
            "{\"choices\":[{\"delta\":{\"content\":\"\xef\xbb\xbfHi\"}}]}", false);
        row("invalid utf8", "{\"choices\":[{\"delta\":{\"content\":\"\xff\"}}]}", false);
    }

    void chunkScanAgreesWithTheFullParse() {
        QFETCH(QByteArray, chunk);
        QFETCH(bool, fast);
        const auto scanned = OpenAiCodec::scanChunk(chunk);
        QCOMPARE(scanned.has_value(), fast);
        if (!scanned)
            return;
        QString error;
        const auto parsed = codecjson::parseObject(chunk, &error);
        QVERIFY2(parsed, qPrintable(error));
        QVERIFY(!parsed->value(u"error").isObject());
        QVERIFY(!parsed->value(u"usage").isObject());
        const OpenAiCodec::ChunkDelta full = OpenAiCodec::chunkDeltaFromJson(*parsed);
        QCOMPARE(scanned->content, full.content);
        QCOMPARE(scanned->finishReason, full.finishReason);
    }

    // parseResponse reads common bodies with JsonScanner and the rest with QJsonDocument:
    // whenever the scan answers, it must answer what the full parse does.
    void responseScanAgreesWithTheFullParse_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("fast"); // the scan should answer (a common body)
        const auto row = [](const char* name, const QByteArray& body, bool fast) {
            QTest::newRow(name) << body << fast;
        };
        row("recorded", test::fixture(u"openai_response.json"_s), true);
        row("minimal",
            R"({"choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}})",
            true);
        row("details",
            R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":10,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":3,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":7}}})",
            true);
        row("deepseek cache hits",
            R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":10,"completion_tokens":2,"prompt_cache_hit_tokens":4,"prompt_cache_miss_tokens":6}})",
            true);
        row("details win over cache hits",
            R"({"usage":{"prompt_cache_hit_tokens":4,"prompt_tokens_details":{"cached_tokens":9}},"choices":[{"message":{"content":"a"}}]})",
            true);
        row("no usage", R"({"choices":[{"message":{"content":"a"},"finish_reason":"length"}]})",
            true);
        row("usage null", R"({"choices":[{"message":{"content":"a"}}],"usage":null})", true);
        row("details null",
            R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens_details":null}})",
            true);
        row("counts not numbers",
            R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":null,"completion_tokens":"4"}})",
            true);
        row("negative count",
            R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":-1,"completion_tokens":0}})",
            true);
        row("content null", R"({"choices":[{"message":{"content":null,"tool_calls":[]}}]})", true);
        row("message not an object", R"({"choices":[{"message":"a","finish_reason":"stop"}]})",
            true);
        row("two choices",
            R"({"choices":[{"message":{"content":"a"}},{"message":{"content":"b"}}]})", true);
        row("error null", R"({"error":null,"choices":[{"message":{"content":"a"}}]})", true);
        // Left to the full parse:
        row("error object", R"({"error":{"message":"no"},"choices":[{"message":{"content":"a"}}]})",
            false);
        row("no choices", R"({"choices":[]})", false);
        row("choices missing", R"({"id":"x"})", false);
        row("choices not an array", R"({"choices":{"message":{"content":"a"}}})", false);
        row("first choice not an object", R"({"choices":["a"]})", false);
        row("content in parts",
            R"({"choices":[{"message":{"content":[{"type":"text","text":"a"}]}}]})", false);
        row("usage twice",
            R"({"choices":[{"message":{"content":"a"}}],"usage":null,"usage":{"prompt_tokens":1}})",
            false);
        row("count twice",
            R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":1,"prompt_tokens":2}})",
            false);
        row("fractional count",
            R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":5.0}})", false);
        row("exponent count",
            R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":1e2}})", false);
        row("19-digit count",
            R"({"choices":[{"message":{"content":"a"}}],"usage":{"prompt_tokens":1234567890123456789}})",
            false);
        row("not JSON", R"({"choices":[)", false);
        row("leading byte-order mark",
            "{\"choices\":[{\"message\":{\"content\":\"\xef\xbb\xbfhi\"}}]}", false);
    }

    void responseScanAgreesWithTheFullParse() {
        QFETCH(QByteArray, body);
        QFETCH(bool, fast);
        const auto scanned = OpenAiCodec::scanResponse(body);
        QCOMPARE(scanned.has_value(), fast);
        if (!scanned)
            return;
        const ParsedResponse full = OpenAiCodec::parseResponseFully(body);
        QVERIFY2(full.error.isEmpty(), qPrintable(full.error));
        QVERIFY(scanned->error.isEmpty());
        QCOMPARE(scanned->text, full.text);
        QCOMPARE(scanned->finishReason, full.finishReason);
        QVERIFY(scanned->usage == full.usage);
    }
};

QTEST_GUILESS_MAIN(TestOpenAiCodec)
#include "tst_openaicodec.moc"
