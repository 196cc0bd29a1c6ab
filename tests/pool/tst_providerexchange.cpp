// Each API style through the whole pool against a fixture server on 127.0.0.1 that replays
// recorded responses (tests/data/providers), dripped in small pieces: what goes on the wire,
// what comes back, and how failures are classified.
#include "connectionpool.h"
#include "fixtureserver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QNetworkProxy>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

QByteArray fixture(const QString& name) {
    QFile file(QStringLiteral(POOLSCOPE_TEST_DATA) + u"/providers/"_s + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct Exchange {
    RequestRecord record;
    FixtureServer::Received request;
};

Exchange exchange(ApiStyle api, bool stream, const FixtureServer::Response& response,
                  PoolConfig config = {}, bool viaProxy = false, int* requestsSeen = nullptr) {
    FixtureServer server;
    server.start();
    server.setResponse(response);
    Endpoint endpoint;
    endpoint.baseUrl = server.baseUrl();
    if (viaProxy) {
        // The fixture plays the proxy: requests for a host that does not exist reach it.
        endpoint.baseUrl = QUrl(u"http://api.example.invalid/v1"_s);
        endpoint.proxy = QNetworkProxy(QNetworkProxy::HttpProxy, u"127.0.0.1"_s,
                                       quint16(server.baseUrl().port()));
    }
    endpoint.api = api;
    endpoint.model = u"test-model"_s;
    endpoint.apiKey = "sk-test-secret";
    ConnectionPool pool(endpoint, config);
    Exchange result;
    bool done = false;
    QObject context;
    QObject::connect(&pool, &ConnectionPool::requestFinished, &context,
                     [&](const RequestRecord& r) {
                         result.record = r;
                         done = true;
                     });
    ChatRequest request;
    request.messages = {{u"system"_s, u"Be brief."_s}, {u"user"_s, u"Why pools?"_s}};
    request.stream = stream;
    request.maxTokens = 64;
    pool.submit(request);
    if (!QTest::qWaitFor([&done] { return done; }, 15000))
        result.record.error = u"the pool reported nothing within 15 s"_s;
    if (!server.received().isEmpty())
        result.request = server.received().first();
    if (requestsSeen)
        *requestsSeen = int(server.received().size());
    return result;
}

} // namespace

class tst_ProviderExchange : public QObject {
    Q_OBJECT
private slots:
    void successfulExchanges_data() {
        QTest::addColumn<int>("api");
        QTest::addColumn<bool>("stream");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("authHeader");
        QTest::addColumn<QString>("output");
        QTest::addColumn<qint64>("prompt");
        QTest::addColumn<qint64>("completion");
        QTest::addColumn<qint64>("cached");
        QTest::addColumn<qint64>("reasoning");
        QTest::addRow("openai") << int(ApiStyle::OpenAI) << false << u"openai_response.json"_s
                                << QByteArray("/v1/chat/completions") << QByteArray("Authorization")
                                << u"Connection pools keep sockets warm."_s << qint64(25)
                                << qint64(7) << qint64(0) << qint64(0);
        QTest::addRow("openai stream")
            << int(ApiStyle::OpenAI) << true << u"openai_stream.sse"_s
            << QByteArray("/v1/chat/completions") << QByteArray("Authorization")
            << u"Hello there! ¿Qué tal? 👋"_s << qint64(1290) << qint64(80) << qint64(1024)
            << qint64(64);
        QTest::addRow("anthropic") << int(ApiStyle::Anthropic) << false
                                   << u"anthropic_response.json"_s << QByteArray("/v1/messages")
                                   << QByteArray("x-api-key") << u"Pools keep sockets warm."_s
                                   << qint64(530) << qint64(16) << qint64(500) << qint64(0);
        QTest::addRow("gemini") << int(ApiStyle::Gemini) << false << u"gemini_response.json"_s
                                << QByteArray("/v1/models/test-model:generateContent")
                                << QByteArray("x-goog-api-key") << u"Pools reuse connections."_s
                                << qint64(11) << qint64(23) << qint64(8) << qint64(20);
        QTest::addRow("gemini stream")
            << int(ApiStyle::Gemini) << true << u"gemini_stream.sse"_s
            << QByteArray("/v1/models/test-model:streamGenerateContent?alt=sse")
            << QByteArray("x-goog-api-key")
            << u"The sky looks blue because air scatters blue light — Rayleigh scattering."_s
            << qint64(9) << qint64(52) << qint64(4) << qint64(40);
    }
    void successfulExchanges() {
        QFETCH(int, api);
        QFETCH(bool, stream);
        QFETCH(QString, file);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, authHeader);
        QFETCH(QString, output);
        QFETCH(qint64, prompt);
        QFETCH(qint64, completion);
        QFETCH(qint64, cached);
        QFETCH(qint64, reasoning);
        const QByteArray body = fixture(file);
        QVERIFY(!body.isEmpty());
        const Exchange x =
            exchange(ApiStyle(api), stream,
                     stream ? FixtureServer::sse(body, 7) : FixtureServer::json(body));
        const RequestRecord& r = x.record;
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.output, output);
        QCOMPARE(r.tokens.prompt, prompt);
        QCOMPARE(r.tokens.completion, completion);
        QCOMPARE(r.tokens.cached, cached);
        QCOMPARE(r.tokens.reasoning, reasoning);
        QVERIFY(!r.tokens.estimated);
        QCOMPARE(x.request.path, path);
        QCOMPARE(x.request.header("X-Client-Request-Id"), r.requestId.toLatin1());
        QVERIFY(x.request.header(authHeader).contains("sk-test-secret"));
        // What the record keeps for display has the key redacted.
        for (const auto& [name, value] : r.requestHeaders)
            QVERIFY(!value.contains("sk-test-secret"));
        if (stream) {
            QVERIFY(r.contentChunks >= 2);
            QVERIFY(r.ttftMs() > 0 && r.ttftMs() <= r.e2eMs());
        }
    }

    void anthropicStreamReportsUsage() {
        const Exchange x = exchange(ApiStyle::Anthropic, true,
                                    FixtureServer::sse(fixture(u"anthropic_stream.sse"_s), 5));
        QVERIFY2(x.record.ok, qPrintable(x.record.error));
        QCOMPARE(x.record.output, u"Hello! How can I help? ✨"_s);
        QCOMPARE(x.record.tokens.completion, qint64(42));
        QCOMPARE(x.request.header("anthropic-version"), QByteArray("2023-06-01"));
        const QJsonObject sent = QJsonDocument::fromJson(x.request.body).object();
        QCOMPARE(sent.value(u"system"_s).toString(), u"Be brief."_s);
        QVERIFY(sent.value(u"stream"_s).toBool());
    }

    void openAiStreamsAskForUsage() {
        const Exchange x = exchange(ApiStyle::OpenAI, true,
                                    FixtureServer::sse(fixture(u"openai_stream_odd.sse"_s), 3));
        QVERIFY2(x.record.ok, qPrintable(x.record.error));
        QCOMPARE(x.record.output, u"Hi friend."_s);
        QVERIFY(x.record.tokens.estimated); // that server sent no usage chunk
        const QJsonObject sent = QJsonDocument::fromJson(x.request.body).object();
        QVERIFY(sent.value(u"stream_options"_s).toObject().value(u"include_usage"_s).toBool());
    }

    void errorsAreClassifiedWithTheProvidersMessage_data() {
        QTest::addColumn<int>("api");
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("cls");
        QTest::addColumn<QString>("message");
        QTest::addRow("openai 401") << int(ApiStyle::OpenAI) << u"openai_error.json"_s << 401
                                    << int(ErrorClass::Auth) << u"Incorrect API key provided"_s;
        QTest::addRow("anthropic 429")
            << int(ApiStyle::Anthropic) << u"anthropic_error.json"_s << 429
            << int(ErrorClass::RateLimited) << u"per-minute rate limit"_s;
        QTest::addRow("gemini 400") << int(ApiStyle::Gemini) << u"gemini_error.json"_s << 400
                                    << int(ErrorClass::BadRequest) << u"API key not valid"_s;
        QTest::addRow("openai 404") << int(ApiStyle::OpenAI) << u"openai_error.json"_s << 404
                                    << int(ErrorClass::NotFound) << u"Incorrect API key"_s;
    }
    void errorsAreClassifiedWithTheProvidersMessage() {
        QFETCH(int, api);
        QFETCH(QString, file);
        QFETCH(int, status);
        QFETCH(int, cls);
        QFETCH(QString, message);
        PoolConfig config;
        config.retries = 0;
        const Exchange x =
            exchange(ApiStyle(api), false, FixtureServer::json(fixture(file), status), config);
        QCOMPARE(x.record.httpStatus, status);
        QCOMPARE(int(x.record.errorClass), cls);
        QVERIFY2(x.record.error.contains(message), qPrintable(x.record.error));
    }

    void brokenStreamsFail_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("cls");
        QTest::addRow("ends without [DONE]") << 0 << int(ErrorClass::Truncated);
        QTest::addRow("reset mid-stream") << 1 << int(ErrorClass::Reset);
        QTest::addRow("stall after headers") << 2 << int(ErrorClass::StallTimeout);
        QTest::addRow("malformed chunk") << 3 << int(ErrorClass::Malformed);
        // Qt 6.4 drops a connection whose status line it cannot parse, as if it were closed.
        QTest::addRow("garbage status line") << 4 << int(ErrorClass::Reset);
    }
    void brokenStreamsFail() {
        QFETCH(int, kind);
        QFETCH(int, cls);
        QByteArray body = fixture(u"openai_stream.sse"_s);
        FixtureServer::Response response = FixtureServer::sse(body, 16);
        switch (kind) {
        case 0:
            response.body = body.left(body.indexOf("data: [DONE]"));
            break;
        case 1:
            response.truncateAfter = int(body.size() / 2);
            break;
        case 2:
            response.stallAfterHeaders = true;
            break;
        case 3:
            response.body = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n"
                            "data: {\"choices\": [oops\n\ndata: [DONE]\n\n";
            break;
        case 4:
            response.rawResponse = "HTTX/9 banana\r\n\r\n";
            break;
        }
        PoolConfig config;
        config.retries = 0;
        config.readTimeoutMs = 300;
        const Exchange x = exchange(ApiStyle::OpenAI, true, response, config);
        QVERIFY(!x.record.ok);
        QVERIFY2(int(x.record.errorClass) == cls,
                 qPrintable(errorClassName(x.record.errorClass) + u": "_s + x.record.error));
        QVERIFY(!x.record.error.isEmpty());
        if (kind == 4)
            QVERIFY2(x.record.error.contains(u"without a valid HTTP response"_s),
                     qPrintable(x.record.error));
    }

    // Hostile or broken servers: every request ends, in bounded time, with a class.
    void hostileServers_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("cls");
        QTest::addRow("HTML error page") << 0 << int(ErrorClass::Server5xx);
        QTest::addRow("HTML where JSON belongs") << 1 << int(ErrorClass::Malformed);
        QTest::addRow("5 MB body over a 1 MB cap") << 2 << int(ErrorClass::TooLarge);
        QTest::addRow("redirect loop") << 3 << int(ErrorClass::Http4xx);
        QTest::addRow("endless 429") << 4 << int(ErrorClass::RateLimited);
        QTest::addRow("byte-a-tick drip past the total timeout")
            << 5 << int(ErrorClass::TotalTimeout);
        // JSON must be UTF-8 (RFC 8259): the event is refused, with the offset, as malformed.
        QTest::addRow("invalid UTF-8 in the content") << 6 << int(ErrorClass::Malformed);
    }
    void hostileServers() {
        QFETCH(int, kind);
        QFETCH(int, cls);
        PoolConfig config;
        config.retries = 2;
        config.retryBaseDelayMs = 10;
        config.maxResponseBytes = 1024 * 1024;
        config.totalTimeoutMs = 1500;
        bool stream = false;
        FixtureServer::Response response;
        switch (kind) {
        case 0:
            response =
                FixtureServer::json("<html><body><h1>502 Bad Gateway</h1></body></html>", 502);
            response.headers = {{"Content-Type", "text/html"}};
            break;
        case 1:
            response = FixtureServer::json("<!doctype html><p>Welcome to nginx!</p>");
            response.headers = {{"Content-Type", "text/html"}};
            break;
        case 2:
            response = FixtureServer::json(QByteArray(5 * 1024 * 1024, 'x'));
            break;
        case 3:
            response = FixtureServer::json("", 302);
            response.headers.append({QByteArray("Location"), QByteArray("/v1/chat/completions")});
            break;
        case 4:
            response = FixtureServer::json(fixture(u"openai_error.json"_s), 429);
            response.headers.append({QByteArray("Retry-After"), QByteArray("0")});
            break;
        case 5:
            stream = true;
            response = FixtureServer::sse(fixture(u"openai_stream.sse"_s), 1);
            response.pieceDelayMs = 20; // 1 byte every 20 ms: about 40 s for the whole stream
            break;
        case 6:
            stream = true;
            response = FixtureServer::sse(
                "data: {\"choices\":[{\"delta\":{\"content\":\"ok \xff\xfe bad\"}}]}\n\n"
                "data: [DONE]\n\n");
            break;
        }
        QElapsedTimer clock;
        clock.start();
        const Exchange x = exchange(ApiStyle::OpenAI, stream, response, config);
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(int(x.record.errorClass) == cls,
                 qPrintable(errorClassName(x.record.errorClass) + u": "_s + x.record.error));
        QVERIFY(!x.record.error.isEmpty());
        if (kind == 4)
            QCOMPARE(x.record.attempts, 3); // retried, then given up: never endless
    }

    void xShouldRetryIsObeyed_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("shouldRetry");
        QTest::addColumn<int>("attempts");
        QTest::addRow("500, server says no") << 500 << QByteArray("false") << 1;
        QTest::addRow("500, server silent") << 500 << QByteArray() << 3;
        QTest::addRow("400, server says yes") << 400 << QByteArray("true") << 3;
        QTest::addRow("400, server silent") << 400 << QByteArray() << 1;
    }
    void xShouldRetryIsObeyed() {
        QFETCH(int, status);
        QFETCH(QByteArray, shouldRetry);
        QFETCH(int, attempts);
        FixtureServer::Response response =
            FixtureServer::json(fixture(u"openai_error.json"_s), status);
        if (!shouldRetry.isEmpty())
            response.headers.append({"x-should-retry", shouldRetry});
        PoolConfig config;
        config.retryBaseDelayMs = 10;
        int seen = 0;
        const Exchange x = exchange(ApiStyle::OpenAI, false, response, config, false, &seen);
        QCOMPARE(x.record.attempts, attempts);
        QCOMPARE(seen, attempts);
        QCOMPARE(x.record.attemptLog.size(), attempts);
    }

    void retryAfterIsHonoured_data() {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("minDelayMs");
        QTest::addColumn<qint64>("maxDelayMs");
        QTest::addRow("retry-after-ms")
            << QByteArray("retry-after-ms") << QByteArray("150") << qint64(150) << qint64(150);
        QTest::addRow("seconds") << QByteArray("Retry-After") << QByteArray("1") << qint64(1000)
                                 << qint64(1000);
        // HTTP dates have whole seconds: 3 s ahead is 2 to 3 s away when it is read. The date
        // is made when the row runs (see below), not here, before the other rows' waits.
        QTest::addRow("http date")
            << QByteArray("Retry-After") << QByteArray("in 3 s") << qint64(1500) << qint64(3000);
    }
    void retryAfterIsHonoured() {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        QFETCH(qint64, minDelayMs);
        QFETCH(qint64, maxDelayMs);
        if (value == "in 3 s")
            value = QLocale::c()
                        .toString(QDateTime::currentDateTimeUtc().addSecs(3),
                                  u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s)
                        .toLatin1();
        FixtureServer::Response response =
            FixtureServer::json(fixture(u"openai_error.json"_s), 429);
        response.headers.append({header, value});
        PoolConfig config;
        config.retries = 1;
        const Exchange x = exchange(ApiStyle::OpenAI, false, response, config);
        QCOMPARE(x.record.attempts, 2);
        const qint64 delay = x.record.attemptLog.first().retryDelayMs;
        QVERIFY2(delay >= minDelayMs && delay <= maxDelayMs, qPrintable(QString::number(delay)));
        QCOMPARE(x.record.errorClass, ErrorClass::RateLimited);
    }

    void requestsGoThroughAnHttpProxy() {
        const Exchange x =
            exchange(ApiStyle::OpenAI, false,
                     FixtureServer::json(fixture(u"openai_response.json"_s)), PoolConfig{}, true);
        QVERIFY2(x.record.ok, qPrintable(x.record.error));
        // A proxy is asked for the absolute URI.
        QCOMPARE(x.request.path, QByteArray("http://api.example.invalid/v1/chat/completions"));
    }
};

QTEST_GUILESS_MAIN(tst_ProviderExchange)
#include "tst_providerexchange.moc"
