// Unit tests of the simulator's parts that need no sockets: the HTTP request parser, the rate
// limiter, the config, the wire formats and the word source.
#include "anthropicwireformat.h"
#include "httprequestparser.h"
#include "openaiwireformat.h"
#include "ratelimiter.h"
#include "simchatrequest.h"
#include "simconfig.h"
#include "simrandom.h"
#include "truthrecord.h"
#include "wordsource.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace poolscope::sim;

class TestSimUnits : public QObject {
    Q_OBJECT
private slots:
    void parserAcceptsRequests_data();
    void parserAcceptsRequests();
    void parserRejectsGarbage_data();
    void parserRejectsGarbage();
    void parserByteByByte();
    void parserPipelined();
    void parserExpectContinue();
    void parserRandomInputNeverCrashes();

    void rateLimiterRequests();
    void rateLimiterTokens();
    void rateLimiterOff();

    void configJsonRoundTrip();
    void configRejects_data();
    void configRejects();
    void scenarios();

    void chatRequest_data();
    void chatRequest();

    void wireFormatsProduceJson_data();
    void wireFormatsProduceJson();
    void durationText_data();
    void durationText();

    void wordSourceDeterministic();
    void randomLogNormalMedian();
    void truthRecordJsonLine();
};

// --- HttpRequestParser -------------------------------------------------------------------

void TestSimUnits::parserAcceptsRequests_data() {
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<QByteArray>("requestId");

    QTest::addRow("get") << "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"_ba
                         << "GET"_ba
                         << "/health"_ba << QByteArray() << true << QByteArray();
    QTest::addRow("post") << "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"_ba
                          << "POST"_ba
                          << "/v1/chat/completions"_ba
                          << "{}"_ba << true << QByteArray();
    QTest::addRow("header case and spaces")
        << "POST /a HTTP/1.1\r\ncOnTeNt-LeNgTh:   3  \r\nCONNECTION: Close\r\n\r\nabc"_ba
        << "POST"_ba
        << "/a"_ba
        << "abc"_ba << false << QByteArray();
    QTest::addRow("connection list") << "GET /a HTTP/1.1\r\nConnection: upgrade, close\r\n\r\n"_ba
                                     << "GET"_ba
                                     << "/a"_ba << QByteArray() << false << QByteArray();
    QTest::addRow("query stripped") << "GET /v1/models?x=1 HTTP/1.1\r\n\r\n"_ba
                                    << "GET"_ba
                                    << "/v1/models"_ba << QByteArray() << true << QByteArray();
    QTest::addRow("bare LF") << "GET /a HTTP/1.1\nX-Client-Request-Id: r-1\n\n"_ba
                             << "GET"_ba
                             << "/a"_ba << QByteArray() << true << "r-1"_ba;
    QTest::addRow("http/1.0 closes") << "GET /a HTTP/1.0\r\n\r\n"_ba
                                     << "GET"_ba
                                     << "/a"_ba << QByteArray() << false << QByteArray();
    QTest::addRow("http/1.0 keep-alive") << "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"_ba
                                         << "GET"_ba
                                         << "/a"_ba << QByteArray() << true << QByteArray();
    QTest::addRow("request id") << "GET /a HTTP/1.1\r\nx-client-request-id:  abc-123 \r\n\r\n"_ba
                                << "GET"_ba
                                << "/a"_ba << QByteArray() << true << "abc-123"_ba;
    QTest::addRow("request id with space ignored")
        << "GET /a HTTP/1.1\r\nX-Client-Request-Id: a b\r\n\r\n"_ba
        << "GET"_ba
        << "/a"_ba << QByteArray() << true << QByteArray();
    QTest::addRow("leading CRLF") << "\r\n\r\nGET /a HTTP/1.1\r\n\r\n"_ba
                                  << "GET"_ba
                                  << "/a"_ba << QByteArray() << true << QByteArray();
    QTest::addRow("same length twice")
        << "POST /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"_ba
        << "POST"_ba
        << "/a"_ba
        << "x"_ba << true << QByteArray();
}

void TestSimUnits::parserAcceptsRequests() {
    QFETCH(QByteArray, raw);
    HttpRequestParser parser;
    QByteArray buffer = raw;
    QCOMPARE(parser.parse(buffer), HttpRequestParser::Result::Complete);
    QVERIFY(buffer.isEmpty());
    QTEST(parser.request().method, "method");
    QTEST(parser.request().path, "path");
    QTEST(parser.request().body, "body");
    QTEST(parser.request().keepAlive, "keepAlive");
    QTEST(parser.request().requestId, "requestId");
}

void TestSimUnits::parserRejectsGarbage_data() {
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");

    QTest::addRow("no version") << "GET /\r\n\r\n"_ba << 400;
    QTest::addRow("binary") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n\r\n", 13)
                            << 400;
    QTest::addRow("http/2 preface") << "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"_ba << 505;
    QTest::addRow("relative target") << "GET health HTTP/1.1\r\n\r\n"_ba << 400;
    QTest::addRow("extra spaces") << "GET  /a HTTP/1.1\r\n\r\n"_ba << 400;
    QTest::addRow("bad header") << "GET /a HTTP/1.1\r\nno colon here\r\n\r\n"_ba << 400;
    QTest::addRow("space in header name") << "GET /a HTTP/1.1\r\nBad Name: x\r\n\r\n"_ba << 400;
    QTest::addRow("folding") << "GET /a HTTP/1.1\r\nA: b\r\n c\r\n\r\n"_ba << 400;
    QTest::addRow("post without length") << "POST /a HTTP/1.1\r\n\r\n"_ba << 411;
    QTest::addRow("chunked body") << "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"_ba
                                  << 411;
    QTest::addRow("negative length") << "POST /a HTTP/1.1\r\nContent-Length: -1\r\n\r\n"_ba << 400;
    QTest::addRow("length not a number")
        << "POST /a HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n"_ba << 400;
    QTest::addRow("conflicting lengths")
        << "POST /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx"_ba << 400;
    QTest::addRow("huge length") << "POST /a HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n"_ba
                                 << 413;
    QTest::addRow("too large") << "POST /a HTTP/1.1\r\nContent-Length: 8388609\r\n\r\n"_ba << 413;
    QTest::addRow("header too large")
        << ("GET /a HTTP/1.1\r\nX: "_ba + QByteArray(20000, 'a')) << 431;
    QTest::addRow("expectation") << "POST /a HTTP/1.1\r\nContent-Length: 1\r\nExpect: x\r\n\r\n"_ba
                                 << 417;
}

void TestSimUnits::parserRejectsGarbage() {
    QFETCH(QByteArray, raw);
    HttpRequestParser parser;
    QCOMPARE(parser.parse(raw), HttpRequestParser::Result::Error);
    QTEST(parser.errorStatus(), "status");
    QVERIFY(!parser.errorMessage().isEmpty());
    QCOMPARE(parser.parse(raw), HttpRequestParser::Result::Error); // stays failed
}

void TestSimUnits::parserByteByByte() {
    const QByteArray raw = "POST /v1/messages HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n"
                           "hello world"_ba;
    HttpRequestParser parser;
    QByteArray buffer;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        buffer.append(raw[i]);
        const auto result = parser.parse(buffer);
        if (i + 1 < raw.size()) {
            QCOMPARE(result, HttpRequestParser::Result::NeedMore);
        } else {
            QCOMPARE(result, HttpRequestParser::Result::Complete);
        }
    }
    QCOMPARE(parser.request().body, "hello world"_ba);
    QCOMPARE(parser.request().path, "/v1/messages"_ba);
}

void TestSimUnits::parserPipelined() {
    QByteArray buffer =
        "POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nxGET /b HTTP/1.1\r\n\r\nGET /c"_ba;
    HttpRequestParser parser;
    QCOMPARE(parser.parse(buffer), HttpRequestParser::Result::Complete);
    QCOMPARE(parser.request().path, "/a"_ba);
    QCOMPARE(parser.request().body, "x"_ba);
    QCOMPARE(parser.parse(buffer), HttpRequestParser::Result::Complete);
    QCOMPARE(parser.request().path, "/b"_ba);
    QCOMPARE(parser.parse(buffer), HttpRequestParser::Result::NeedMore);
    buffer.append(" HTTP/1.1\r\n\r\n");
    QCOMPARE(parser.parse(buffer), HttpRequestParser::Result::Complete);
    QCOMPARE(parser.request().path, "/c"_ba);
}

void TestSimUnits::parserExpectContinue() {
    QByteArray buffer = "POST /a HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"_ba;
    HttpRequestParser parser;
    QCOMPARE(parser.parse(buffer), HttpRequestParser::Result::NeedMore);
    QVERIFY(parser.takeContinueRequest());
    QVERIFY(!parser.takeContinueRequest());
    buffer.append("{}");
    QCOMPARE(parser.parse(buffer), HttpRequestParser::Result::Complete);
    QCOMPARE(parser.request().body, "{}"_ba);
}

void TestSimUnits::parserRandomInputNeverCrashes() {
    // Mutations of a valid request, fed in random slices: the parser must end in one of its
    // three results every time and never consume more than it was given.
    const QByteArray valid = "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 2\r\n"
                             "Connection: keep-alive\r\n\r\n{}"_ba;
    SimRandom random(42);
    for (int round = 0; round < 3000; ++round) {
        QByteArray input = valid;
        const int mutations = 1 + int(random.below(6));
        for (int m = 0; m < mutations; ++m) {
            const int at = int(random.below(quint32(input.size())));
            switch (random.below(3)) {
            case 0:
                input[at] = char(random.below(256));
                break;
            case 1:
                input.insert(at, char(random.below(256)));
                break;
            default:
                input.remove(at, 1 + int(random.below(4)));
            }
            if (input.isEmpty())
                input = "x"_ba;
        }
        HttpRequestParser parser;
        QByteArray buffer;
        qsizetype fed = 0;
        while (fed < input.size()) {
            const qsizetype slice = std::min<qsizetype>(input.size() - fed, 1 + random.below(16));
            buffer.append(input.mid(fed, slice));
            fed += slice;
            HttpRequestParser::Result result;
            do {
                result = parser.parse(buffer);
            } while (result == HttpRequestParser::Result::Complete && !buffer.isEmpty());
            if (result == HttpRequestParser::Result::Error) {
                QVERIFY(parser.errorStatus() >= 400 && parser.errorStatus() < 600);
                break;
            }
        }
    }
}

// --- RateLimiter -----------------------------------------------------------------------

void TestSimUnits::rateLimiterRequests() {
    RateLimiter limiter;
    RateLimitState state;
    const qint64 t0 = 1'000'000'000;
    for (int i = 0; i < 6; ++i) {
        QVERIFY(limiter.admit(t0, 6, 0, 100, &state));
        QCOMPARE(state.requestsRemaining, 5 - i);
        QCOMPARE(state.requestLimit, 6);
        QVERIFY(state.requestsLimited);
        QVERIFY(!state.tokensLimited);
    }
    QVERIFY(!limiter.admit(t0, 6, 0, 100, &state));
    // 6 per minute refill one every 10 s.
    QCOMPARE(state.retryAfterUs, 10'000'000);
    QVERIFY(!state.limitedByTokens);
    QCOMPARE(state.requestsResetUs, 60'000'000);
    QVERIFY(!limiter.admit(t0 + 9'999'000, 6, 0, 100, &state));
    QVERIFY(state.retryAfterUs > 0 && state.retryAfterUs <= 1100);
    QVERIFY(limiter.admit(t0 + 10'000'000, 6, 0, 100, &state));
    QCOMPARE(state.requestsRemaining, 0);
}

void TestSimUnits::rateLimiterTokens() {
    RateLimiter limiter;
    RateLimitState state;
    const qint64 t0 = 5'000'000;
    QVERIFY(limiter.admit(t0, 0, 1000, 600, &state));
    QCOMPARE(state.tokensRemaining, 400);
    QVERIFY(!limiter.admit(t0, 0, 1000, 600, &state));
    QVERIFY(state.limitedByTokens);
    QCOMPARE(state.retryAfterUs, 12'000'000); // 200 more tokens at 1000 per minute
    // A request larger than the whole budget waits for a full bucket, not forever.
    QVERIFY(!limiter.admit(t0, 0, 1000, 5000, &state));
    QCOMPARE(state.retryAfterUs, 36'000'000);
    QVERIFY(limiter.admit(t0 + 36'000'000, 0, 1000, 5000, &state));
}

void TestSimUnits::rateLimiterOff() {
    RateLimiter limiter;
    RateLimitState state;
    for (int i = 0; i < 1000; ++i)
        QVERIFY(limiter.admit(i, 0, 0, 1'000'000, &state));
    QVERIFY(!state.requestsLimited);
    QVERIFY(!state.tokensLimited);
}

// --- SimConfig -------------------------------------------------------------------------

void TestSimUnits::configJsonRoundTrip() {
    SimConfig config;
    config.ttftMs = 12.5;
    config.tokensPerSecond = 0;
    config.outputTokensJitter = false;
    config.capacity = 7;
    config.rpm = 60;
    config.errorRate = 0.25;
    config.seed = 0xfedcba9876543210ULL; // beyond 2^53: travels as a string
    config.workerThreads = 2;
    QString error;
    const auto back = SimConfig::fromJson(config.toJson(), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(*back, config);
    QCOMPARE(*SimConfig::fromJson({}, &error), SimConfig());
    // Keys not given keep the base's values.
    const auto overlay =
        SimConfig::fromJson(QJsonObject{{u"rpm"_s, 5}}, &error, *SimConfig::scenario(u"flaky"_s));
    QVERIFY(overlay);
    QCOMPARE(overlay->rpm, 5);
    QCOMPARE(overlay->errorRate, SimConfig::scenario(u"flaky"_s)->errorRate);
}

void TestSimUnits::configRejects_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addRow("unknown key") << R"({"ttftMS": 10})"_ba;
    QTest::addRow("negative") << R"({"capacity": -1})"_ba;
    QTest::addRow("rate above one") << R"({"errorRate": 1.5})"_ba;
    QTest::addRow("fraction for int") << R"({"rpm": 1.5})"_ba;
    QTest::addRow("string for number") << R"({"ttftMs": "10"})"_ba;
    QTest::addRow("number for bool") << R"({"outputTokensJitter": 1})"_ba;
    QTest::addRow("zero output") << R"({"outputTokens": 0})"_ba;
    QTest::addRow("bad seed") << R"({"seed": "abc"})"_ba;
}

void TestSimUnits::configRejects() {
    QFETCH(QByteArray, json);
    QString error;
    QVERIFY(!SimConfig::fromJson(QJsonDocument::fromJson(json).object(), &error));
    QVERIFY(!error.isEmpty());
}

void TestSimUnits::scenarios() {
    const QStringList names = SimConfig::scenarioNames();
    QCOMPARE(names, (QStringList{u"fast-local"_s, u"typical-cloud"_s, u"rate-limited"_s, u"flaky"_s,
                                 u"overloaded"_s}));
    for (const QString& name : names) {
        const auto config = SimConfig::scenario(name);
        QVERIFY(config);
        QString error;
        QCOMPARE(*SimConfig::fromJson(config->toJson(), &error), *config);
    }
    QVERIFY(SimConfig::scenario(u"rate-limited"_s)->rpm > 0);
    QVERIFY(SimConfig::scenario(u"flaky"_s)->errorRate > 0);
    QVERIFY(SimConfig::scenario(u"overloaded"_s)->capacity > 0);
    QVERIFY(!SimConfig::scenario(u"nope"_s));
}

// --- SimChatRequest --------------------------------------------------------------------

void TestSimUnits::chatRequest_data() {
    QTest::addColumn<bool>("anthropic");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("promptTokens");
    QTest::addColumn<int>("maxTokens");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<bool>("includeUsage");

    QTest::addRow("openai minimal")
        << false << R"({"messages":[{"role":"user","content":"12345678"}]})"_ba << true << 2 << -1
        << false << false;
    QTest::addRow("openai parts and caps")
        << false
        << R"({"max_tokens":9,"max_completion_tokens":5,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"abc"},{"role":"user","content":[{"type":"text","text":"defgh"}]}]})"_ba
        << true << 2 << 5 << true << true;
    QTest::addRow("usage needs stream")
        << false
        << R"({"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a"}]})"_ba
        << true << 1 << -1 << false << false;
    QTest::addRow("anthropic system")
        << true
        << R"({"max_tokens":7,"system":"12345","messages":[{"role":"user","content":[{"type":"text","text":"123"}]}]})"_ba
        << true << 2 << 7 << false << false;
    QTest::addRow("not json") << false << "{"_ba << false << 0 << 0 << false << false;
    QTest::addRow("array") << false << "[]"_ba << false << 0 << 0 << false << false;
    QTest::addRow("no messages") << true << R"({"max_tokens":5})"_ba << false << 0 << 0 << false
                                 << false;
    QTest::addRow("zero max_tokens")
        << false << R"({"max_tokens":0,"messages":[]})"_ba << false << 0 << 0 << false << false;
    QTest::addRow("fractional max_tokens")
        << true << R"({"max_tokens":1.5,"messages":[]})"_ba << false << 0 << 0 << false << false;
}

void TestSimUnits::chatRequest() {
    QFETCH(bool, anthropic);
    QFETCH(QByteArray, body);
    QFETCH(bool, valid);
    QByteArray error;
    const auto request =
        SimChatRequest::parse(anthropic ? SimApi::Anthropic : SimApi::OpenAI, body, &error);
    QCOMPARE(bool(request), valid);
    if (!valid) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QTEST(request->promptTokens, "promptTokens");
    QTEST(request->maxTokens, "maxTokens");
    QTEST(request->stream, "stream");
    QTEST(request->includeUsage, "includeUsage");
}

// --- Wire formats ----------------------------------------------------------------------

void TestSimUnits::wireFormatsProduceJson_data() {
    QTest::addColumn<bool>("anthropic");
    QTest::addRow("openai") << false;
    QTest::addRow("anthropic") << true;
}

void TestSimUnits::wireFormatsProduceJson() {
    QFETCH(bool, anthropic);
    OpenAiWireFormat openAi;
    AnthropicWireFormat anthropicFormat;
    const SimWireFormat& format =
        anthropic ? static_cast<const SimWireFormat&>(anthropicFormat) : openAi;
    ResponseContext context;
    context.id = format.responseId(3, 4);
    context.model = "we\"ird\\model\n\x01"_ba; // must be escaped
    context.created = 1700000000;
    context.promptTokens = 11;

    QJsonParseError error;
    const QJsonDocument body =
        QJsonDocument::fromJson(format.completeBody(context, "Hello world", 2, true), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(body["model"_L1].toString(), QString::fromUtf8(context.model));
    if (anthropic) {
        QCOMPARE(body["content"_L1][0]["text"_L1].toString(), u"Hello world"_s);
        QCOMPARE(body["stop_reason"_L1].toString(), u"max_tokens"_s);
        QCOMPARE(body["usage"_L1]["input_tokens"_L1].toInt(), 11);
        QCOMPARE(body["usage"_L1]["output_tokens"_L1].toInt(), 2);
    } else {
        QCOMPARE(body["object"_L1].toString(), u"chat.completion"_s);
        QCOMPARE(body["choices"_L1][0]["message"_L1]["content"_L1].toString(), u"Hello world"_s);
        QCOMPARE(body["choices"_L1][0]["finish_reason"_L1].toString(), u"length"_s);
        QCOMPARE(body["usage"_L1]["total_tokens"_L1].toInt(), 13);
        QCOMPARE(body["usage"_L1]["prompt_tokens_details"_L1]["cached_tokens"_L1].toInt(), 0);
        QCOMPARE(body["usage"_L1]["completion_tokens_details"_L1]["reasoning_tokens"_L1].toInt(),
                 0);
    }

    // Every event of a stream is one JSON object.
    QByteArray stream;
    format.appendStreamStart(stream, context);
    format.appendToken(stream, context, "Hello");
    format.appendToken(stream, context, " world");
    format.appendStreamEnd(stream, context, 2, false, true);
    int dataLines = 0;
    for (const QByteArray& event : stream.split('\n')) {
        if (!event.startsWith("data: ") || event == "data: [DONE]")
            continue;
        ++dataLines;
        QJsonDocument::fromJson(event.mid(6), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, event.constData());
    }
    QCOMPARE(dataLines, anthropic ? 8 : 5);

    QByteArray malformed;
    format.appendMalformedToken(malformed, context, "x");
    QJsonDocument::fromJson(malformed.mid(malformed.indexOf("data: ") + 6).trimmed(), &error);
    QVERIFY(error.error != QJsonParseError::NoError);

    const QJsonDocument err = QJsonDocument::fromJson(format.errorBody(429, "slow \"down\""));
    if (anthropic) {
        QCOMPARE(err["type"_L1].toString(), u"error"_s);
        QCOMPARE(err["error"_L1]["type"_L1].toString(), u"rate_limit_error"_s);
        QCOMPARE(err["error"_L1]["message"_L1].toString(), u"slow \"down\""_s);
    } else {
        QCOMPARE(err["error"_L1]["code"_L1].toString(), u"rate_limit_exceeded"_s);
        QCOMPARE(err["error"_L1]["message"_L1].toString(), u"slow \"down\""_s);
    }
}

void TestSimUnits::durationText_data() {
    QTest::addColumn<qint64>("us");
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("ms") << qint64(19'400) << "20ms"_ba;
    QTest::addRow("s") << qint64(1'000'000) << "1s"_ba;
    QTest::addRow("fraction") << qint64(1'500'000) << "1.5s"_ba;
    QTest::addRow("minutes") << qint64(360'000'000) << "6m0s"_ba;
    QTest::addRow("mixed") << qint64(61'250'000) << "1m1.25s"_ba;
}

void TestSimUnits::durationText() {
    QFETCH(qint64, us);
    QTEST(OpenAiWireFormat::durationText(us), "text");
}

// --- Randomness ------------------------------------------------------------------------

void TestSimUnits::wordSourceDeterministic() {
    WordSource a(7), b(7), c(8);
    QByteArray ta, tb, tc;
    for (int i = 0; i < 200; ++i) {
        a.appendNext(ta);
        b.appendNext(tb);
        c.appendNext(tc);
    }
    QCOMPARE(ta, tb);
    QVERIFY(ta != tc);
    QVERIFY(ta.at(0) >= 'A' && ta.at(0) <= 'Z');
    QCOMPARE(ta.count(' '), 199); // one word per token
    QVERIFY(!ta.contains('"') && !ta.contains('\\'));
}

void TestSimUnits::randomLogNormalMedian() {
    SimRandom random(1);
    QList<double> samples;
    for (int i = 0; i < 20001; ++i)
        samples.append(random.logNormal(150, 0.25));
    std::sort(samples.begin(), samples.end());
    const double median = samples[samples.size() / 2];
    QVERIFY2(median > 145 && median < 155, qPrintable(QString::number(median)));
    QCOMPARE(SimRandom(5).logNormal(150, 0), 150.0);
    QCOMPARE(SimRandom::forRequest(3, 9).next(), SimRandom::forRequest(3, 9).next());
    QVERIFY(SimRandom::forRequest(3, 9).next() != SimRandom::forRequest(3, 10).next());
}

void TestSimUnits::truthRecordJsonLine() {
    TruthRecord record;
    record.requestId = u"id-\"1\""_s;
    record.connectionId = 4;
    record.receivedAtUs = 10;
    record.firstTokenAtUs = 20;
    record.lastByteAtUs = 30;
    record.status = 200;
    record.newConnection = true;
    record.fault = u"stall"_s;
    const QByteArray line = record.toJsonLine();
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    const QJsonObject json = QJsonDocument::fromJson(line).object();
    QCOMPARE(json["request_id"_L1].toString(), record.requestId);
    QCOMPARE(json["connection_id"_L1].toInteger(), 4);
    QCOMPARE(json["received_at_us"_L1].toInteger(), 10);
    QCOMPARE(json["first_token_at_us"_L1].toInteger(), 20);
    QCOMPARE(json["last_byte_at_us"_L1].toInteger(), 30);
    QCOMPARE(json["status"_L1].toInt(), 200);
    QCOMPARE(json["new_connection"_L1].toBool(), true);
    QCOMPARE(json["fault"_L1].toString(), u"stall"_s);
}

QTEST_GUILESS_MAIN(TestSimUnits)
#include "tst_simunits.moc"
