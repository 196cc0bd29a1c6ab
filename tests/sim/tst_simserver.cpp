// Integration tests of the simulator: a real SimServer on its own thread, driven over
// 127.0.0.1 by raw sockets (to see every byte and every close) and by QNetworkAccessManager
// (the client PoolScope uses). Timing checks are orderings and generous bounds only.
#include "simconfig.h"
#include "simserver.h"
#include "simulatorthread.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <memory>

#ifdef Q_OS_UNIX
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;
using namespace poolscope::sim;

namespace {

struct HttpResponse {
    int status = 0;
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;                      // de-chunked
    bool complete = false;                // the body ended where its framing said
    QByteArray header(const char* name) const { return headers.value(QByteArray(name)); }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

struct SseEvent {
    QByteArray event;
    QByteArray data;
    QJsonObject json() const { return QJsonDocument::fromJson(data).object(); }
};

QList<SseEvent> parseSse(const QByteArray& body) {
    QList<SseEvent> events;
    qsizetype from = 0;
    while (from < body.size()) {
        qsizetype end = body.indexOf("\n\n", from);
        if (end < 0)
            end = body.size();
        SseEvent event;
        for (const QByteArray& line : body.mid(from, end - from).split('\n')) {
            if (line.startsWith("event: "))
                event.event = line.mid(7);
            else if (line.startsWith("data: "))
                event.data = line.mid(6);
        }
        if (!event.data.isEmpty() || !event.event.isEmpty())
            events.append(event);
        from = end + 2;
    }
    return events;
}

// A blocking HTTP/1.1 client on a raw socket: what it reads is exactly what the server sent.
class RawClient {
public:
    explicit RawClient(quint16 port) {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.waitForConnected(10000);
    }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    void send(const QByteArray& data) {
        m_socket.write(data);
        m_socket.flush();
    }
    // Reads one response, or what arrives of it before the timeout or the close.
    HttpResponse read(int timeoutMs = 20000) {
        QElapsedTimer timer;
        timer.start();
        HttpResponse response;
        while (!parse(response)) {
            if (!more(timer, timeoutMs))
                break;
        }
        return response;
    }
    // Everything that arrives within `ms`.
    QByteArray readFor(int ms) {
        QElapsedTimer timer;
        timer.start();
        while (more(timer, ms)) {
        }
        return std::exchange(m_buffer, {});
    }
    // True once the server has closed the connection (within the timeout).
    bool waitForClose(int timeoutMs = 10000) {
        QElapsedTimer timer;
        timer.start();
        while (m_socket.state() != QAbstractSocket::UnconnectedState &&
               timer.elapsed() < timeoutMs) {
            m_socket.waitForReadyRead(50);
            m_buffer += m_socket.readAll();
        }
        return m_socket.state() == QAbstractSocket::UnconnectedState;
    }
    void close() { m_socket.abort(); }
    QByteArray& buffer() { return m_buffer; }

private:
    bool more(const QElapsedTimer& timer, int timeoutMs) {
        const qint64 left = timeoutMs - timer.elapsed();
        if (left <= 0)
            return false;
        if (m_socket.bytesAvailable() == 0) {
            if (m_socket.state() != QAbstractSocket::ConnectedState)
                return false;
            m_socket.waitForReadyRead(int(std::min<qint64>(left, 100)));
        }
        m_buffer += m_socket.readAll();
        return true;
    }

    // Parses a whole response from the buffer (and consumes it) or returns false.
    bool parse(HttpResponse& response) {
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
        response = {};
        response.status = lines.value(0).split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                response.headers.insert(line.left(colon).toLower(), line.mid(colon + 1).trimmed());
        }
        const qsizetype bodyStart = headEnd + 4;
        if (response.status >= 100 && response.status < 200) { // interim: no body
            response.complete = true;
            m_buffer.remove(0, bodyStart);
            return true;
        }
        if (response.headers.contains("content-length")) {
            const qsizetype length = response.header("content-length").toLongLong();
            if (m_buffer.size() - bodyStart < length) {
                if (m_socket.state() != QAbstractSocket::ConnectedState &&
                    m_socket.bytesAvailable() == 0) {
                    response.body = m_buffer.mid(bodyStart);
                    m_buffer.clear();
                    return true; // cut short
                }
                return false;
            }
            response.body = m_buffer.mid(bodyStart, length);
            response.complete = true;
            m_buffer.remove(0, bodyStart + length);
            return true;
        }
        if (response.header("transfer-encoding") == "chunked") {
            qsizetype at = bodyStart;
            QByteArray body;
            for (;;) {
                const qsizetype lineEnd = m_buffer.indexOf("\r\n", at);
                if (lineEnd < 0)
                    break;
                bool ok = false;
                const qsizetype size = m_buffer.mid(at, lineEnd - at).toLongLong(&ok, 16);
                if (!ok)
                    break;
                if (m_buffer.size() < lineEnd + 2 + size + 2)
                    break;
                if (size == 0) {
                    response.body = body;
                    response.complete = m_buffer.mid(lineEnd + 2, 2) == "\r\n";
                    m_buffer.remove(0, lineEnd + 4);
                    return true;
                }
                body += m_buffer.mid(lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
            }
            if (m_socket.state() != QAbstractSocket::ConnectedState &&
                m_socket.bytesAvailable() == 0) {
                response.body = body;
                m_buffer.clear();
                return true; // cut short
            }
            return false;
        }
        // Neither: the body ends with the connection.
        if (m_socket.state() != QAbstractSocket::ConnectedState && m_socket.bytesAvailable() == 0) {
            response.body = m_buffer.mid(bodyStart);
            response.complete = true;
            m_buffer.clear();
            return true;
        }
        return false;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
};

QByteArray chatPath(bool anthropic) {
    return anthropic ? "/v1/messages"_ba : "/v1/chat/completions"_ba;
}

QByteArray chatBody(bool anthropic, bool stream, const QJsonObject& extra = {},
                    const QString& prompt = u"Tell me about connection pools."_s) {
    QJsonObject body{
        {u"model"_s, anthropic ? u"claude-sim"_s : u"sim-small"_s},
        {u"messages"_s, QJsonArray{QJsonObject{{u"role"_s, u"user"_s}, {u"content"_s, prompt}}}}};
    if (stream)
        body.insert(u"stream"_s, true);
    if (anthropic && !extra.contains(u"max_tokens"_s))
        body.insert(u"max_tokens"_s, 1024);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray post(const QByteArray& path, const QByteArray& body, const QByteArray& headers = {}) {
    return "POST "_ba + path +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"_ba +
           "Content-Length: "_ba + QByteArray::number(body.size()) + "\r\n"_ba + headers +
           "\r\n"_ba + body;
}

QByteArray chatRequest(bool anthropic, bool stream, const QJsonObject& extra = {},
                       const QByteArray& headers = {}) {
    return post(chatPath(anthropic), chatBody(anthropic, stream, extra), headers);
}

// Quick answers: no TTFT, all tokens at once, exactly 8 of them.
SimConfig fastConfig() {
    SimConfig config;
    config.ttftMs = 0;
    config.ttftSigma = 0;
    config.tokensPerSecond = 0;
    config.outputTokens = 8;
    config.outputTokensJitter = false;
    return config;
}

// The text of a response of either API, streamed or not.
QString responseText(bool anthropic, bool stream, const HttpResponse& response) {
    if (!stream) {
        const QJsonObject json = response.json();
        return anthropic ? json["content"_L1][0]["text"_L1].toString()
                         : json["choices"_L1][0]["message"_L1]["content"_L1].toString();
    }
    QString text;
    for (const SseEvent& event : parseSse(response.body)) {
        const QJsonObject json = event.json();
        if (anthropic)
            text += json["delta"_L1]["text"_L1].toString();
        else
            text += json["choices"_L1][0]["delta"_L1]["content"_L1].toString();
    }
    return text;
}

std::unique_ptr<SimulatorThread> startSim(const SimConfig& config) {
    auto sim = std::make_unique<SimulatorThread>();
    QString error;
    if (!sim->start(config, 0, &error))
        qWarning("simulator did not start: %s", qPrintable(error));
    return sim;
}

} // namespace

class TestSimServer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();

    void openAiNonStreaming();
    void openAiStreaming_data();
    void openAiStreaming();
    void anthropic_data();
    void anthropic();
    void maxTokensCap_data();
    void maxTokensCap();
    void modelsAndHealth();
    void httpErrors_data();
    void httpErrors();
    void garbageNeverCrashes();
    void pipelinedRequests();
    void expectContinue();

    void rateLimitRequests_data();
    void rateLimitRequests();
    void rateLimitTokens();
    void capacityQueues();
    void capacityRejects503_data();
    void capacityRejects503();
    void queuedClientLeavingFreesNothing();
    void connectionCostOnlyOnNewConnections();
    void keepAliveIdleCloses();
    void maxRequestsPerConnection();
    void clientAsksToClose_data();
    void clientAsksToClose();
    void connectionCountingIsExact();
    void qnamReusesConnections();
    void multipleWorkerThreads();

    void truthLog();
    void tokenPacing();
    void determinismUnderSeed();
    void liveConfig();

    void faultError_data();
    void faultError();
    void faultReset_data();
    void faultReset();
    void faultStallServerGivesUp();
    void faultStallClientGivesUp();
    void faultMalformed_data();
    void faultMalformed();
    void clientLeavesMidStream();

    void qnamStreaming();
    void tls();
    void manyConcurrentStreams();
};

void TestSimServer::initTestCase() {
    // manyConcurrentStreams holds thousands of sockets on both ends.
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
#endif
}

void TestSimServer::openAiNonStreaming() {
    auto sim = startSim(fastConfig());
    RawClient client(sim->port());
    // 40 characters of prompt: 10 prompt tokens.
    const QByteArray body = chatBody(false, false, {}, QString(40, u'x'));
    client.send(post("/v1/chat/completions", body, "X-Client-Request-Id: req-42\r\n"));
    const HttpResponse response = client.read();
    QCOMPARE(response.status, 200);
    QVERIFY(response.complete);
    QCOMPARE(response.header("x-request-id"), "req-42"_ba);
    QCOMPARE(response.header("content-type"), "application/json"_ba);
    QCOMPARE(response.header("connection"), "keep-alive"_ba);
    const QJsonObject json = response.json();
    QCOMPARE(json["object"_L1].toString(), u"chat.completion"_s);
    QCOMPARE(json["model"_L1].toString(), u"sim-small"_s);
    QVERIFY(json["id"_L1].toString().startsWith("chatcmpl-"_L1));
    const QJsonObject choice = json["choices"_L1][0].toObject();
    QCOMPARE(choice["message"_L1]["role"_L1].toString(), u"assistant"_s);
    QCOMPARE(choice["finish_reason"_L1].toString(), u"stop"_s);
    QCOMPARE(choice["message"_L1]["content"_L1].toString().split(u' ').size(), 8);
    const QJsonObject usage = json["usage"_L1].toObject();
    QCOMPARE(usage["prompt_tokens"_L1].toInt(), 10);
    QCOMPARE(usage["completion_tokens"_L1].toInt(), 8);
    QCOMPARE(usage["total_tokens"_L1].toInt(), 18);
    QCOMPARE(usage["prompt_tokens_details"_L1]["cached_tokens"_L1].toInt(-1), 0);
    QCOMPARE(usage["completion_tokens_details"_L1]["reasoning_tokens"_L1].toInt(-1), 0);

    QTRY_COMPARE(sim->truth().size(), 1);
    const TruthRecord truth = sim->truth().first();
    QCOMPARE(truth.requestId, u"req-42"_s);
    QCOMPARE(truth.status, 200);
    QVERIFY(truth.newConnection);
    QVERIFY(truth.completed);
    QVERIFY(!truth.stream);
    QCOMPARE(truth.outputTokens, 8);
    QCOMPARE(truth.promptTokens, 10);
    QCOMPARE(truth.path, u"/v1/chat/completions"_s);
    const SimStats stats = sim->stats();
    QCOMPARE(stats.requestsReceived, 1u);
    QCOMPARE(stats.requestsCompleted, 1u);
}

void TestSimServer::openAiStreaming_data() {
    QTest::addColumn<bool>("includeUsage");
    QTest::addRow("without usage") << false;
    QTest::addRow("with usage") << true;
}

void TestSimServer::openAiStreaming() {
    QFETCH(bool, includeUsage);
    auto sim = startSim(fastConfig());
    RawClient client(sim->port());
    QJsonObject extra;
    if (includeUsage)
        extra.insert(u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}});
    client.send(chatRequest(false, true, extra));
    const HttpResponse response = client.read();
    QCOMPARE(response.status, 200);
    QVERIFY(response.complete);
    QCOMPARE(response.header("transfer-encoding"), "chunked"_ba);
    QVERIFY(response.header("content-type").startsWith("text/event-stream"));
    const QList<SseEvent> events = parseSse(response.body);
    QCOMPARE(events.size(), 1 + 8 + 1 + (includeUsage ? 1 : 0) + 1);
    QCOMPARE(events.last().data, "[DONE]"_ba);
    const QJsonObject first = events[0].json();
    QCOMPARE(first["object"_L1].toString(), u"chat.completion.chunk"_s);
    QCOMPARE(first["choices"_L1][0]["delta"_L1]["role"_L1].toString(), u"assistant"_s);
    QCOMPARE(first["choices"_L1][0]["delta"_L1]["content"_L1].toString(u"x"_s), QString());
    for (int i = 1; i <= 8; ++i) {
        const QJsonObject chunk = events[i].json();
        QVERIFY(!chunk["choices"_L1][0]["delta"_L1]["content"_L1].toString().isEmpty());
        QVERIFY(chunk["choices"_L1][0]["finish_reason"_L1].isNull());
        QCOMPARE(chunk["id"_L1], first["id"_L1]);
    }
    QCOMPARE(events[9].json()["choices"_L1][0]["finish_reason"_L1].toString(), u"stop"_s);
    bool sawUsage = false;
    for (const SseEvent& event : events) {
        const QJsonObject json = event.json();
        if (json.contains("usage"_L1)) {
            sawUsage = true;
            QCOMPARE(json["choices"_L1].toArray().size(), 0);
            QCOMPARE(json["usage"_L1]["completion_tokens"_L1].toInt(), 8);
            QCOMPARE(json["usage"_L1]["total_tokens"_L1].toInt(),
                     8 + json["usage"_L1]["prompt_tokens"_L1].toInt());
        }
    }
    QCOMPARE(sawUsage, includeUsage);
    QCOMPARE(responseText(false, true, response).split(u' ').size(), 8);
    QTRY_COMPARE(sim->stats().openStreams, 0);
    QTRY_COMPARE(sim->truth().size(), 1);
    QVERIFY(sim->truth().first().stream);
}

void TestSimServer::anthropic_data() {
    QTest::addColumn<bool>("stream");
    QTest::addRow("message") << false;
    QTest::addRow("stream") << true;
}

void TestSimServer::anthropic() {
    QFETCH(bool, stream);
    auto sim = startSim(fastConfig());
    RawClient client(sim->port());
    client.send(chatRequest(true, stream, {{u"system"_s, u"0123456789ab"_s}},
                            "anthropic-version: 2023-06-01\r\nX-Client-Request-Id: a-1\r\n"));
    const HttpResponse response = client.read();
    QCOMPARE(response.status, 200);
    QVERIFY(response.complete);
    QCOMPARE(response.header("request-id"), "a-1"_ba);
    // "Tell me about connection pools." is 31 characters, the system prompt 12: 11 tokens.
    const int promptTokens = (31 + 12 + 3) / 4;
    if (!stream) {
        const QJsonObject json = response.json();
        QCOMPARE(json["type"_L1].toString(), u"message"_s);
        QCOMPARE(json["role"_L1].toString(), u"assistant"_s);
        QCOMPARE(json["model"_L1].toString(), u"claude-sim"_s);
        QCOMPARE(json["content"_L1][0]["type"_L1].toString(), u"text"_s);
        QCOMPARE(json["stop_reason"_L1].toString(), u"end_turn"_s);
        QCOMPARE(json["usage"_L1]["input_tokens"_L1].toInt(), promptTokens);
        QCOMPARE(json["usage"_L1]["output_tokens"_L1].toInt(), 8);
        QCOMPARE(responseText(true, false, response).split(u' ').size(), 8);
        return;
    }
    const QList<SseEvent> events = parseSse(response.body);
    QStringList names;
    for (const SseEvent& event : events) {
        names.append(QString::fromLatin1(event.event));
        QCOMPARE(event.json()["type"_L1].toString(), QString::fromLatin1(event.event));
    }
    QStringList expected{u"message_start"_s, u"content_block_start"_s, u"ping"_s};
    for (int i = 0; i < 8; ++i)
        expected.append(u"content_block_delta"_s);
    expected += QStringList{u"content_block_stop"_s, u"message_delta"_s, u"message_stop"_s};
    QCOMPARE(names, expected);
    QCOMPARE(events[0].json()["message"_L1]["usage"_L1]["input_tokens"_L1].toInt(), promptTokens);
    QCOMPARE(events[3].json()["delta"_L1]["type"_L1].toString(), u"text_delta"_s);
    const QJsonObject delta = events[events.size() - 2].json();
    QCOMPARE(delta["delta"_L1]["stop_reason"_L1].toString(), u"end_turn"_s);
    QCOMPARE(delta["usage"_L1]["output_tokens"_L1].toInt(), 8);
    QCOMPARE(responseText(true, true, response).split(u' ').size(), 8);
}

void TestSimServer::maxTokensCap_data() {
    QTest::addColumn<bool>("anthropic");
    QTest::addColumn<bool>("stream");
    QTest::addColumn<QString>("field");
    QTest::addRow("openai max_tokens") << false << false << u"max_tokens"_s;
    QTest::addRow("openai max_completion_tokens stream")
        << false << true << u"max_completion_tokens"_s;
    QTest::addRow("anthropic") << true << false << u"max_tokens"_s;
    QTest::addRow("anthropic stream") << true << true << u"max_tokens"_s;
}

void TestSimServer::maxTokensCap() {
    QFETCH(bool, anthropic);
    QFETCH(bool, stream);
    QFETCH(QString, field);
    SimConfig config = fastConfig();
    config.outputTokens = 20;
    auto sim = startSim(config);
    RawClient client(sim->port());
    QJsonObject extra{{field, 5}};
    if (stream && !anthropic)
        extra.insert(u"stream_options"_s, QJsonObject{{u"include_usage"_s, true}});
    client.send(chatRequest(anthropic, stream, extra));
    const HttpResponse response = client.read();
    QCOMPARE(response.status, 200);
    QCOMPARE(responseText(anthropic, stream, response).split(u' ').size(), 5);
    QByteArray reason;
    int reported = -1;
    if (!stream) {
        const QJsonObject json = response.json();
        reason = (anthropic ? json["stop_reason"_L1] : json["choices"_L1][0]["finish_reason"_L1])
                     .toString()
                     .toLatin1();
        reported = anthropic ? json["usage"_L1]["output_tokens"_L1].toInt()
                             : json["usage"_L1]["completion_tokens"_L1].toInt();
    } else {
        for (const SseEvent& event : parseSse(response.body)) {
            const QJsonObject json = event.json();
            if (anthropic && event.event == "message_delta") {
                reason = json["delta"_L1]["stop_reason"_L1].toString().toLatin1();
                reported = json["usage"_L1]["output_tokens"_L1].toInt();
            } else if (!anthropic && json["choices"_L1][0]["finish_reason"_L1].isString()) {
                reason = json["choices"_L1][0]["finish_reason"_L1].toString().toLatin1();
            } else if (!anthropic && json.contains("usage"_L1)) {
                reported = json["usage"_L1]["completion_tokens"_L1].toInt();
            }
        }
    }
    QCOMPARE(reason, anthropic ? "max_tokens"_ba : "length"_ba);
    QCOMPARE(reported, 5);
}

void TestSimServer::modelsAndHealth() {
    auto sim = startSim(fastConfig());
    RawClient client(sim->port());
    client.send("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\n\r\n"_ba);
    const HttpResponse models = client.read();
    QCOMPARE(models.status, 200);
    QCOMPARE(models.json()["object"_L1].toString(), u"list"_s);
    QStringList ids;
    for (const QJsonValue& model : models.json()["data"_L1].toArray()) {
        ids.append(model["id"_L1].toString());
        QCOMPARE(model["object"_L1].toString(), u"model"_s);
    }
    QVERIFY(ids.contains(u"sim-small"_s));
    QVERIFY(ids.contains(u"sim-large"_s));
    const HttpResponse health = client.read();
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json()["status"_L1].toString(), u"ok"_s);
}

void TestSimServer::httpErrors_data() {
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("shape"); // "openai", "anthropic"
    QTest::addColumn<bool>("staysOpen");

    QTest::addRow("unknown path") << "GET /v1/nothing HTTP/1.1\r\n\r\n"_ba << 404 << u"openai"_s
                                  << true;
    QTest::addRow("unknown path post") << post("/v2/chat", "{}") << 404 << u"openai"_s << true;
    QTest::addRow("chat with GET")
        << "GET /v1/chat/completions HTTP/1.1\r\n\r\n"_ba << 405 << u"openai"_s << true;
    QTest::addRow("messages with GET")
        << "GET /v1/messages HTTP/1.1\r\n\r\n"_ba << 405 << u"anthropic"_s << true;
    QTest::addRow("models with POST") << post("/v1/models", "{}") << 405 << u"openai"_s << true;
    QTest::addRow("bad json openai")
        << post("/v1/chat/completions", "{\"model\":") << 400 << u"openai"_s << true;
    QTest::addRow("bad json anthropic")
        << post("/v1/messages", "not json") << 400 << u"anthropic"_s << true;
    QTest::addRow("empty body") << post("/v1/chat/completions", "") << 400 << u"openai"_s << true;
    QTest::addRow("no messages") << post("/v1/chat/completions", "{\"model\":\"m\"}") << 400
                                 << u"openai"_s << true;
    QTest::addRow("bad max_tokens") << post("/v1/messages", R"({"max_tokens":0,"messages":[]})")
                                    << 400 << u"anthropic"_s << true;
    QTest::addRow("no content-length")
        << "POST /v1/chat/completions HTTP/1.1\r\n\r\n{}"_ba << 411 << u"openai"_s << false;
    QTest::addRow("body too large")
        << "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n"_ba << 413
        << u"openai"_s << false;
    QTest::addRow("header too large")
        << "GET /health HTTP/1.1\r\nX-Long: "_ba + QByteArray(40000, 'a') + "\r\n\r\n"_ba << 431
        << u"openai"_s << false;
    QTest::addRow("garbage") << "\x01\x02\x03 nonsense\r\n\r\n"_ba << 400 << u"openai"_s << false;
    QTest::addRow("http/2 preface")
        << "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"_ba << 505 << u"openai"_s << false;
}

void TestSimServer::httpErrors() {
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, shape);
    QFETCH(bool, staysOpen);
    auto sim = startSim(fastConfig());
    RawClient client(sim->port());
    client.send(request);
    const HttpResponse response = client.read();
    QCOMPARE(response.status, status);
    QVERIFY(response.complete);
    const QJsonObject json = response.json();
    if (shape == "anthropic"_L1) {
        QCOMPARE(json["type"_L1].toString(), u"error"_s);
        QVERIFY(!json["error"_L1]["type"_L1].toString().isEmpty());
        QVERIFY(!json["error"_L1]["message"_L1].toString().isEmpty());
    } else {
        QVERIFY(!json["error"_L1]["message"_L1].toString().isEmpty());
        QVERIFY(!json["error"_L1]["type"_L1].toString().isEmpty());
    }
    if (status == 405)
        QVERIFY(!response.header("allow").isEmpty());
    if (staysOpen) {
        QCOMPARE(response.header("connection"), "keep-alive"_ba);
        client.send("GET /health HTTP/1.1\r\n\r\n"_ba);
        QCOMPARE(client.read().status, 200);
    } else {
        QCOMPARE(response.header("connection"), "close"_ba);
        QVERIFY(client.waitForClose());
    }
    QTRY_COMPARE(sim->stats().openConnections, staysOpen ? 1 : 0);
}

void TestSimServer::garbageNeverCrashes() {
    auto sim = startSim(fastConfig());
    // Random bytes, truncated requests, a TLS ClientHello, slices of valid requests: the server
    // answers or waits, and closes cleanly when the client goes.
    std::vector<std::unique_ptr<RawClient>> clients;
    quint64 state = 12345;
    const auto nextRandom = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return quint32(state >> 33);
    };
    const QByteArray valid = chatRequest(false, true);
    for (int i = 0; i < 40; ++i) {
        auto client = std::make_unique<RawClient>(sim->port());
        QByteArray data;
        switch (i % 4) {
        case 0:
            for (int n = 0; n < 200; ++n)
                data.append(char(nextRandom()));
            break;
        case 1:
            data = valid.left(nextRandom() % valid.size());
            break;
        case 2:
            data = QByteArray::fromHex("160301002e0100002a0303") + QByteArray(40, '\0');
            break;
        default:
            data = valid;
            for (int n = 0; n < 5; ++n)
                data[nextRandom() % data.size()] = char(nextRandom());
        }
        client->send(data);
        clients.push_back(std::move(client));
    }
    for (auto& client : clients)
        client->readFor(20);
    RawClient good(sim->port());
    good.send(chatRequest(true, false));
    QCOMPARE(good.read().status, 200);
    for (auto& client : clients)
        client->close();
    good.close();
    QTRY_COMPARE(sim->stats().openConnections, 0);
    const SimStats stats = sim->stats();
    QCOMPARE(stats.connectionsAccepted, 41u);
    QCOMPARE(stats.connectionsClosed, 41u);
    QCOMPARE(stats.activeRequests, 0);
    QCOMPARE(stats.openStreams, 0);
}

void TestSimServer::pipelinedRequests() {
    auto sim = startSim(fastConfig());
    RawClient client(sim->port());
    client.send(chatRequest(false, false, {}, "X-Client-Request-Id: one\r\n") +
                chatRequest(true, true, {}, "X-Client-Request-Id: two\r\n") +
                "GET /health HTTP/1.1\r\nX-Client-Request-Id: three\r\n\r\n"_ba);
    const HttpResponse one = client.read();
    const HttpResponse two = client.read();
    const HttpResponse three = client.read();
    QCOMPARE(one.header("x-request-id"), "one"_ba);
    QCOMPARE(two.header("x-request-id"), "two"_ba);
    QCOMPARE(three.header("x-request-id"), "three"_ba);
    QCOMPARE(one.status, 200);
    QVERIFY(two.complete);
    QCOMPARE(three.status, 200);
    QCOMPARE(sim->stats().connectionsAccepted, 1u);
}

void TestSimServer::expectContinue() {
    auto sim = startSim(fastConfig());
    RawClient client(sim->port());
    const QByteArray body = chatBody(false, false);
    client.send(
        "POST /v1/chat/completions HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: "_ba +
        QByteArray::number(body.size()) + "\r\n\r\n"_ba);
    const HttpResponse interim = client.read();
    QCOMPARE(interim.status, 100);
    client.send(body);
    QCOMPARE(client.read().status, 200);
}

void TestSimServer::rateLimitRequests_data() {
    QTest::addColumn<bool>("anthropic");
    QTest::addRow("openai") << false;
    QTest::addRow("anthropic") << true;
}

void TestSimServer::rateLimitRequests() {
    QFETCH(bool, anthropic);
    SimConfig config = fastConfig();
    config.rpm = 3; // a request every 20 s
    auto sim = startSim(config);
    RawClient client(sim->port());
    const QByteArray remainingHeader = anthropic ? "anthropic-ratelimit-requests-remaining"_ba
                                                 : "x-ratelimit-remaining-requests"_ba;
    const QByteArray limitHeader =
        anthropic ? "anthropic-ratelimit-requests-limit"_ba : "x-ratelimit-limit-requests"_ba;
    const QByteArray resetHeader =
        anthropic ? "anthropic-ratelimit-requests-reset"_ba : "x-ratelimit-reset-requests"_ba;
    for (int i = 0; i < 3; ++i) {
        client.send(chatRequest(anthropic, i == 1));
        const HttpResponse response = client.read();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.headers.value(limitHeader), "3"_ba);
        QCOMPARE(response.headers.value(remainingHeader), QByteArray::number(2 - i));
        QVERIFY(!response.headers.value(resetHeader).isEmpty());
    }
    for (int i = 0; i < 2; ++i) {
        client.send(chatRequest(anthropic, false));
        const HttpResponse limited = client.read();
        QCOMPARE(limited.status, 429);
        bool ok = false;
        const int retryAfter = limited.header("retry-after").toInt(&ok);
        QVERIFY2(ok, limited.header("retry-after").constData());
        QVERIFY2(retryAfter >= 1 && retryAfter <= 20, limited.header("retry-after").constData());
        const qint64 retryMs = limited.header("retry-after-ms").toLongLong(&ok);
        QVERIFY(ok);
        QVERIFY(retryMs > 15000 && retryMs <= 20000); // the next slot is about 20 s away
        QCOMPARE(qint64(retryAfter), (retryMs + 999) / 1000);
        QCOMPARE(limited.headers.value(remainingHeader), "0"_ba);
        const QJsonObject json = limited.json();
        if (anthropic) {
            QCOMPARE(json["error"_L1]["type"_L1].toString(), u"rate_limit_error"_s);
            QVERIFY(QDateTime::fromString(QString::fromLatin1(limited.headers.value(resetHeader)),
                                          Qt::ISODate)
                        .isValid());
        } else {
            QCOMPARE(json["error"_L1]["code"_L1].toString(), u"rate_limit_exceeded"_s);
            QCOMPARE(json["error"_L1]["type"_L1].toString(), u"requests"_s);
        }
    }
    QCOMPARE(sim->stats().rateLimited, 2u);
    QTRY_COMPARE(sim->truth().size(), 5);
    QCOMPARE(sim->truth().last().status, 429);
    // Switching the limit off lets requests through at once.
    config.rpm = 0;
    sim->setConfig(config);
    client.send(chatRequest(anthropic, false));
    const HttpResponse after = client.read();
    QCOMPARE(after.status, 200);
    QVERIFY(!after.headers.contains(remainingHeader));
}

void TestSimServer::rateLimitTokens() {
    SimConfig config = fastConfig();
    config.tpm = 100;
    auto sim = startSim(config);
    RawClient client(sim->port());
    // prompt 8 tokens + max_tokens 60 = 68 of the 100 per minute
    client.send(chatRequest(false, false, {{u"max_tokens"_s, 60}}));
    const HttpResponse first = client.read();
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("x-ratelimit-limit-tokens"), "100"_ba);
    QCOMPARE(first.header("x-ratelimit-remaining-tokens"), "32"_ba);
    client.send(chatRequest(false, false, {{u"max_tokens"_s, 60}}));
    const HttpResponse second = client.read();
    QCOMPARE(second.status, 429);
    QCOMPARE(second.json()["error"_L1]["type"_L1].toString(), u"tokens"_s);
    // 36 tokens short at 100 per minute: about 21.6 s
    const int retryAfter = second.header("retry-after").toInt();
    QVERIFY2(retryAfter >= 20 && retryAfter <= 22, second.header("retry-after").constData());
    client.send(chatRequest(false, false, {{u"max_tokens"_s, 10}})); // 18 fit
    QCOMPARE(client.read().status, 200);
}

void TestSimServer::capacityQueues() {
    SimConfig config = fastConfig();
    config.capacity = 1;
    config.ttftMs = 400;
    config.queueTimeoutMs = 20000;
    auto sim = startSim(config);
    RawClient a(sim->port());
    RawClient b(sim->port());
    a.send(chatRequest(false, false, {}, "X-Client-Request-Id: a\r\n"));
    QTRY_COMPARE(sim->stats().activeRequests, 1);
    b.send(chatRequest(false, true, {}, "X-Client-Request-Id: b\r\n"));
    QTRY_COMPARE(sim->stats().queuedRequests, 1);
    QCOMPARE(sim->stats().activeRequests, 1);
    QCOMPARE(a.read().status, 200);
    const HttpResponse second = b.read();
    QCOMPARE(second.status, 200);
    QVERIFY(second.complete);
    QTRY_COMPARE(sim->truth().size(), 2);
    const QList<TruthRecord> truth = sim->truth();
    QCOMPARE(truth[0].requestId, u"a"_s);
    QCOMPARE(truth[1].requestId, u"b"_s);
    QCOMPARE(truth[0].queuedUs, 0);
    // b waited for a's slot (most of a's 400 ms), and its TTFT counted from the grant.
    QVERIFY2(truth[1].queuedUs > 200'000, qPrintable(QString::number(truth[1].queuedUs)));
    QVERIFY(truth[1].firstTokenAtUs - truth[1].receivedAtUs >= truth[1].queuedUs + 400'000);
    QVERIFY(truth[1].firstTokenAtUs >= truth[0].lastByteAtUs);
    const SimStats stats = sim->stats();
    QCOMPARE(stats.activeRequests, 0);
    QCOMPARE(stats.queuedRequests, 0);
    QCOMPARE(stats.rejected503, 0u);
}

void TestSimServer::capacityRejects503_data() {
    QTest::addColumn<bool>("anthropic");
    QTest::addRow("openai") << false;
    QTest::addRow("anthropic") << true;
}

void TestSimServer::capacityRejects503() {
    QFETCH(bool, anthropic);
    SimConfig config = fastConfig();
    config.capacity = 1;
    config.ttftMs = 1500;
    config.queueTimeoutMs = 300;
    auto sim = startSim(config);
    RawClient a(sim->port());
    RawClient b(sim->port());
    a.send(chatRequest(anthropic, false));
    QTRY_COMPARE(sim->stats().activeRequests, 1);
    QElapsedTimer timer;
    timer.start();
    b.send(chatRequest(anthropic, false));
    const HttpResponse rejected = b.read();
    const qint64 waited = timer.elapsed();
    QCOMPARE(rejected.status, 503);
    QVERIFY2(waited >= 250, qPrintable(QString::number(waited)));
    const QJsonObject json = rejected.json();
    if (anthropic)
        QCOMPARE(json["error"_L1]["type"_L1].toString(), u"overloaded_error"_s);
    else
        QCOMPARE(json["error"_L1]["type"_L1].toString(), u"server_error"_s);
    QCOMPARE(sim->stats().rejected503, 1u);
    QCOMPARE(sim->stats().queuedRequests, 0);
    QCOMPARE(a.read().status, 200); // the request holding the slot is unaffected
    QTRY_COMPARE(sim->stats().activeRequests, 0);
    QTRY_COMPARE(sim->truth().size(), 2);
    // Logged as they end: the 503 first.
    QCOMPARE(sim->truth()[0].status, 503);
    QVERIFY(sim->truth()[0].queuedUs >= 250'000);
    QCOMPARE(sim->truth()[1].status, 200);
}

void TestSimServer::queuedClientLeavingFreesNothing() {
    // A queued client that leaves must not take (or leak) the slot it was waiting for.
    SimConfig config = fastConfig();
    config.capacity = 1;
    config.ttftMs = 500;
    auto sim = startSim(config);
    RawClient a(sim->port());
    a.send(chatRequest(false, false));
    QTRY_COMPARE(sim->stats().activeRequests, 1);
    {
        RawClient b(sim->port());
        b.send(chatRequest(false, false));
        QTRY_COMPARE(sim->stats().queuedRequests, 1);
        b.close();
    }
    QTRY_COMPARE(sim->stats().queuedRequests, 0);
    QCOMPARE(a.read().status, 200);
    QTRY_COMPARE(sim->stats().activeRequests, 0);
    RawClient c(sim->port());
    c.send(chatRequest(false, false));
    QCOMPARE(c.read().status, 200);
    QTRY_COMPARE(sim->stats().activeRequests, 0);
    QTRY_COMPARE(sim->truth().size(), 3);
    QCOMPARE(sim->truth()[0].status, 499); // b, logged when it left before an answer
    QVERIFY(!sim->truth()[0].completed);
    QCOMPARE(sim->truth()[1].status, 200);
}

void TestSimServer::connectionCostOnlyOnNewConnections() {
    SimConfig config = fastConfig();
    config.connectCostMs = 500;
    auto sim = startSim(config);
    RawClient client(sim->port());
    QElapsedTimer timer;
    timer.start();
    client.send(chatRequest(false, false));
    QCOMPARE(client.read().status, 200);
    const qint64 first = timer.elapsed();
    QVERIFY2(first >= 450, qPrintable(QString::number(first)));
    timer.restart();
    client.send(chatRequest(true, true));
    QCOMPARE(client.read().status, 200);
    const qint64 second = timer.elapsed();
    RawClient other(sim->port());
    other.send("GET /health HTTP/1.1\r\n\r\n"_ba); // any first response pays the cost
    QCOMPARE(other.read().status, 200);

    QTRY_COMPARE(sim->truth().size(), 3);
    const QList<TruthRecord> truth = sim->truth();
    QVERIFY(truth[0].newConnection);
    QVERIFY(!truth[1].newConnection);
    QVERIFY(truth[2].newConnection);
    QCOMPARE(truth[0].connectionId, truth[1].connectionId);
    QVERIFY(truth[2].connectionId != truth[0].connectionId);
    QVERIFY(truth[0].lastByteAtUs - truth[0].receivedAtUs >= 500'000);
    QVERIFY(truth[2].lastByteAtUs - truth[2].receivedAtUs >= 500'000);
    // The reused connection does not pay: well under the cost, on the server's clock and ours.
    QVERIFY2(truth[1].lastByteAtUs - truth[1].receivedAtUs < 400'000,
             qPrintable(QString::number(truth[1].lastByteAtUs - truth[1].receivedAtUs)));
    QVERIFY2(second < first, qPrintable(u"%1 vs %2"_s.arg(second).arg(first)));
}

void TestSimServer::keepAliveIdleCloses() {
    SimConfig config = fastConfig();
    config.keepAliveIdleMs = 300;
    auto sim = startSim(config);
    RawClient client(sim->port());
    client.send(chatRequest(false, false));
    QCOMPARE(client.read().status, 200);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(client.waitForClose(10000));
    QVERIFY2(timer.elapsed() >= 250, qPrintable(QString::number(timer.elapsed())));
    // A connection that never sends anything is closed too.
    RawClient silent(sim->port());
    QVERIFY(silent.waitForClose(10000));
    QTRY_COMPARE(sim->stats().connectionsClosed, 2u);
    QCOMPARE(sim->stats().openConnections, 0);
    // Activity keeps a connection open: requests every 100 ms for longer than the idle time.
    RawClient busy(sim->port());
    for (int i = 0; i < 6; ++i) {
        busy.send("GET /health HTTP/1.1\r\n\r\n"_ba);
        QCOMPARE(busy.read().status, 200);
        QTest::qWait(100);
    }
    QVERIFY(busy.isConnected());
}

void TestSimServer::maxRequestsPerConnection() {
    SimConfig config = fastConfig();
    config.maxRequestsPerConnection = 3;
    auto sim = startSim(config);
    RawClient client(sim->port());
    for (int i = 1; i <= 3; ++i) {
        client.send(chatRequest(i == 2, i == 3));
        const HttpResponse response = client.read();
        QCOMPARE(response.status, 200);
        QVERIFY(response.complete);
        QCOMPARE(response.header("connection"), i < 3 ? "keep-alive"_ba : "close"_ba);
    }
    QVERIFY(client.waitForClose());
    QTRY_COMPARE(sim->stats().connectionsClosed, 1u);
    QCOMPARE(sim->stats().requestsCompleted, 3u);
}

void TestSimServer::clientAsksToClose_data() {
    QTest::addColumn<QByteArray>("request");
    QTest::addRow("connection close") << chatRequest(false, false, {}, "Connection: close\r\n");
    QTest::addRow("http/1.0") << "GET /health HTTP/1.0\r\n\r\n"_ba;
    QByteArray streaming10 = chatRequest(true, true);
    streaming10.replace("HTTP/1.1", "HTTP/1.0");
    QTest::addRow("http/1.0 stream") << streaming10;
}

void TestSimServer::clientAsksToClose() {
    QFETCH(QByteArray, request);
    auto sim = startSim(fastConfig());
    RawClient client(sim->port());
    client.send(request);
    const HttpResponse response = client.read();
    QCOMPARE(response.status, 200);
    QVERIFY(response.complete);
    QCOMPARE(response.header("connection"), "close"_ba);
    QVERIFY(response.header("transfer-encoding").isEmpty()); // never chunked to 1.0
    QVERIFY(client.waitForClose());
    QTRY_COMPARE(sim->stats().connectionsClosed, 1u);
}

void TestSimServer::connectionCountingIsExact() {
    auto sim = startSim(fastConfig());
    constexpr int kSockets = 64;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < kSockets; ++i)
        clients.push_back(std::make_unique<RawClient>(sim->port()));
    QTRY_COMPARE(sim->stats().connectionsAccepted, quint64(kSockets));
    QCOMPARE(sim->stats().openConnections, kSockets);
    for (int i = 0; i < kSockets; ++i)
        clients[i]->send(chatRequest(i % 2, i % 3 == 0));
    for (auto& client : clients)
        QCOMPARE(client->read().status, 200);
    for (int i = 0; i < kSockets / 2; ++i)
        clients[i]->close();
    QTRY_COMPARE(sim->stats().connectionsClosed, quint64(kSockets / 2));
    QCOMPARE(sim->stats().openConnections, kSockets / 2);
    clients.clear();
    QTRY_COMPARE(sim->stats().connectionsClosed, quint64(kSockets));
    const SimStats stats = sim->stats();
    QCOMPARE(stats.connectionsAccepted, quint64(kSockets));
    QCOMPARE(stats.openConnections, 0);
    QCOMPARE(stats.requestsReceived, quint64(kSockets));
    QCOMPARE(stats.requestsCompleted, quint64(kSockets));
    QSet<quint64> ids;
    for (const TruthRecord& record : sim->truth())
        ids.insert(record.connectionId);
    QCOMPARE(ids.size(), kSockets);
}

void TestSimServer::qnamReusesConnections() {
    auto sim = startSim(fastConfig());
    QNetworkAccessManager nam;
    const QUrl url(sim->baseUrl().toString() + u"/chat/completions"_s);
    const auto makeRequest = [&url](int i) {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        request.setRawHeader("X-Client-Request-Id", "q-" + QByteArray::number(i));
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        return request;
    };
    // One after the other: one connection, reused.
    for (int i = 0; i < 5; ++i) {
        QNetworkReply* reply = nam.post(makeRequest(i), chatBody(false, false));
        QTRY_VERIFY(reply->isFinished());
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->rawHeader("x-request-id"), "q-" + QByteArray::number(i));
        QCOMPARE(
            QJsonDocument::fromJson(reply->readAll())["usage"_L1]["completion_tokens"_L1].toInt(),
            8);
        reply->deleteLater();
    }
    QCOMPARE(sim->stats().connectionsAccepted, 1u);
    // Twelve at once: QNAM opens at most six connections to one host.
    SimConfig slow = fastConfig();
    slow.ttftMs = 300;
    sim->setConfig(slow);
    QList<QNetworkReply*> replies;
    for (int i = 0; i < 12; ++i)
        replies.append(nam.post(makeRequest(100 + i), chatBody(false, i % 2)));
    for (QNetworkReply* reply : replies) {
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000);
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        reply->deleteLater();
    }
    QTRY_COMPARE(sim->truth().size(), 17);
    QSet<quint64> connections;
    int fresh = 0;
    for (const TruthRecord& record : sim->truth()) {
        connections.insert(record.connectionId);
        fresh += record.newConnection;
    }
    const SimStats stats = sim->stats();
    QVERIFY2(stats.connectionsAccepted <= 6,
             qPrintable(QString::number(stats.connectionsAccepted)));
    QCOMPARE(quint64(connections.size()), stats.connectionsAccepted);
    QCOMPARE(quint64(fresh), stats.connectionsAccepted);
}

void TestSimServer::multipleWorkerThreads() {
    SimConfig config = fastConfig();
    config.workerThreads = 3;
    config.ttftMs = 20;
    auto sim = startSim(config);
    constexpr int kSockets = 16;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < kSockets; ++i)
        clients.push_back(std::make_unique<RawClient>(sim->port()));
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < kSockets; ++i)
            clients[i]->send(chatRequest(i % 2, round % 2));
        for (auto& client : clients)
            QCOMPARE(client->read().status, 200);
    }
    QCOMPARE(sim->stats().connectionsAccepted, quint64(kSockets));
    QTRY_COMPARE(sim->truth().size(), kSockets * 5);
    QSet<quint64> ids;
    for (const TruthRecord& record : sim->truth())
        ids.insert(record.connectionId);
    QCOMPARE(ids.size(), kSockets);
    clients.clear();
    QTRY_COMPARE(sim->stats().openConnections, 0);
    QCOMPARE(sim->stats().connectionsClosed, quint64(kSockets));
}

void TestSimServer::truthLog() {
    SimConfig config = fastConfig();
    config.ttftMs = 30;
    config.tokensPerSecond = 400;
    auto sim = startSim(config);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"truth.jsonl"_s);
    QString error;
    QVERIFY2(sim->setLogFile(path, &error), qPrintable(error));
    QObject receiver;
    int signalled = 0;
    connect(sim->server(), &SimServer::requestLogged, &receiver,
            [&signalled](const TruthRecord&) { ++signalled; });

    RawClient client(sim->port());
    QStringList ids;
    for (int i = 0; i < 6; ++i) {
        const QByteArray id = "log-" + QByteArray::number(i);
        ids.append(QString::fromLatin1(id));
        const QByteArray header = "X-Client-Request-Id: " + id + "\r\n";
        if (i == 5)
            client.send("GET /v1/unknown HTTP/1.1\r\n" + header + "\r\n");
        else
            client.send(chatRequest(i % 2, i < 3, {}, header));
        client.read();
    }
    QTRY_COMPARE(sim->truth().size(), 6);
    QTRY_COMPARE(signalled, 6);

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.size(), 7); // six lines and the empty rest after the last newline
    QVERIFY(lines.last().isEmpty());
    const QList<TruthRecord> truth = sim->truth();
    for (int i = 0; i < 6; ++i) {
        QJsonParseError parseError;
        const QJsonObject json = QJsonDocument::fromJson(lines[i], &parseError).object();
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        for (const char* key : {"request_id", "connection_id", "received_at_us",
                                "first_token_at_us", "last_byte_at_us", "status", "new_connection"})
            QVERIFY2(json.contains(QLatin1StringView(key)), key);
        QCOMPARE(json["request_id"_L1].toString(), ids[i]);
        QCOMPARE(truth[i].requestId, ids[i]);
        QCOMPARE(json["connection_id"_L1].toInteger(), qint64(truth[0].connectionId));
        QCOMPARE(json["new_connection"_L1].toBool(), i == 0);
        QCOMPARE(json["received_at_us"_L1].toInteger(), truth[i].receivedAtUs);
        QCOMPARE(json["last_byte_at_us"_L1].toInteger(), truth[i].lastByteAtUs);
        const qint64 received = json["received_at_us"_L1].toInteger();
        const qint64 first = json["first_token_at_us"_L1].toInteger();
        const qint64 last = json["last_byte_at_us"_L1].toInteger();
        if (i < 5) {
            QCOMPARE(json["status"_L1].toInt(), 200);
            QVERIFY(received > 0);
            QVERIFY2(received + 30'000 <= first, lines[i].constData()); // TTFT 30 ms
            QVERIFY2(first <= last, lines[i].constData());
        } else {
            QCOMPARE(json["status"_L1].toInt(), 404);
            QCOMPARE(first, -1);
            QVERIFY(received <= last);
        }
        if (i > 0) // one clock, in order
            QVERIFY(truth[i].receivedAtUs >= truth[i - 1].lastByteAtUs);
    }
    // Stopping the log leaves the file as it is.
    QVERIFY(sim->setLogFile({}, &error));
    client.send("GET /health HTTP/1.1\r\n\r\n"_ba);
    client.read();
    QTRY_COMPARE(sim->truth().size(), 7);
    QCOMPARE(QFileInfo(path).size(), file.size());
}

void TestSimServer::tokenPacing() {
    // 10 tokens at 20 per second after a 200 ms TTFT: about 650 ms, spread out, not at once.
    SimConfig config = fastConfig();
    config.ttftMs = 200;
    config.tokensPerSecond = 20;
    config.outputTokens = 10;
    auto sim = startSim(config);
    RawClient client(sim->port());
    client.send(chatRequest(false, true));
    QElapsedTimer timer;
    timer.start();
    QList<qint64> arrivals; // ms at which each token chunk arrived
    QByteArray seen;
    while (timer.elapsed() < 10000 && !seen.contains("[DONE]")) {
        const QByteArray more = client.readFor(5);
        for (int i = 0; i < more.count("\"content\":\"") - (seen.isEmpty() ? 1 : 0); ++i)
            arrivals.append(timer.elapsed());
        seen += more;
    }
    QVERIFY(seen.contains("[DONE]"));
    QCOMPARE(arrivals.size(), 10);
    QVERIFY2(arrivals.first() >= 150, qPrintable(QString::number(arrivals.first())));
    QVERIFY2(arrivals.last() - arrivals.first() >= 350,
             qPrintable(QString::number(arrivals.last() - arrivals.first())));
    QTRY_COMPARE(sim->truth().size(), 1);
    const TruthRecord truth = sim->truth().first();
    QVERIFY(truth.firstTokenAtUs - truth.receivedAtUs >= 200'000);
    // Tokens keep to their schedule (TTFT, then one every 50 ms): a first token sent late on a
    // busy machine shortens the gap to the last one, so the schedule is measured from arrival.
    QVERIFY(truth.lastByteAtUs - truth.receivedAtUs >= 200'000 + 9 * 50'000 - 1000);
    QCOMPARE(truth.outputTokens, 10);
}

void TestSimServer::determinismUnderSeed() {
    SimConfig config = fastConfig();
    config.outputTokensJitter = true;
    config.outputTokens = 30;
    config.ttftSigma = 0.5;
    config.seed = 7;
    const auto run = [](const SimConfig& c) {
        auto sim = startSim(c);
        RawClient client(sim->port());
        QStringList texts;
        for (int i = 0; i < 6; ++i) {
            client.send(chatRequest(i % 2, i % 3 == 0));
            texts.append(responseText(i % 2, i % 3 == 0, client.read()));
        }
        return texts;
    };
    const QStringList first = run(config);
    const QStringList second = run(config);
    QCOMPARE(first, second);
    QSet<qsizetype> lengths;
    for (const QString& text : first)
        lengths.insert(text.split(u' ').size());
    QVERIFY(lengths.size() > 1); // the jitter is there
    config.seed = 8;
    QVERIFY(run(config) != first);
}

void TestSimServer::liveConfig() {
    auto sim = startSim(fastConfig());
    RawClient client(sim->port());
    for (int tokens : {3, 11, 5}) {
        SimConfig config = fastConfig();
        config.outputTokens = tokens;
        sim->setConfig(config);
        QCOMPARE(sim->config().outputTokens, tokens);
        client.send(chatRequest(false, false));
        QCOMPARE(responseText(false, false, client.read()).split(u' ').size(), tokens);
    }
}

void TestSimServer::faultError_data() {
    QTest::addColumn<bool>("anthropic");
    QTest::addColumn<bool>("stream");
    QTest::addRow("openai") << false << false;
    QTest::addRow("openai stream") << false << true;
    QTest::addRow("anthropic") << true << false;
    QTest::addRow("anthropic stream") << true << true;
}

void TestSimServer::faultError() {
    QFETCH(bool, anthropic);
    QFETCH(bool, stream);
    SimConfig config = fastConfig();
    config.errorRate = 1;
    auto sim = startSim(config);
    RawClient client(sim->port());
    client.send(chatRequest(anthropic, stream));
    const HttpResponse response = client.read();
    QCOMPARE(response.status, 500);
    QVERIFY(response.complete);
    const QJsonObject json = response.json();
    QCOMPARE(json["error"_L1]["type"_L1].toString(),
             anthropic ? u"api_error"_s : u"server_error"_s);
    // The connection stays usable.
    client.send("GET /health HTTP/1.1\r\n\r\n"_ba);
    QCOMPARE(client.read().status, 200);
    QTRY_COMPARE(sim->truth().size(), 2);
    QCOMPARE(sim->truth()[0].fault, u"error"_s);
    QCOMPARE(sim->truth()[0].status, 500);
    QCOMPARE(sim->stats().faultsInjected, 1u);
    QCOMPARE(sim->stats().openStreams, 0);
}

void TestSimServer::faultReset_data() {
    QTest::addColumn<bool>("stream");
    QTest::addRow("stream") << true;
    QTest::addRow("complete") << false;
}

void TestSimServer::faultReset() {
    QFETCH(bool, stream);
    SimConfig config = fastConfig();
    config.resetRate = 1;
    config.outputTokens = 10;
    config.tokensPerSecond = 200;
    auto sim = startSim(config);
#ifndef Q_OS_UNIX
    QSKIP("needs POSIX sockets to tell a reset from a close");
#else
    // A plain POSIX socket: a reset must show as ECONNRESET, not as an orderly end of stream.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(sim->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const QByteArray request = chatRequest(false, stream);
    QCOMPARE(::send(fd, request.constData(), request.size(), 0), request.size());
    QByteArray received;
    int lastErrno = 0;
    for (;;) {
        char buffer[4096];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            received.append(buffer, n);
            continue;
        }
        lastErrno = n < 0 ? errno : 0;
        break;
    }
    ::close(fd);
    QCOMPARE(lastErrno, ECONNRESET);
    QVERIFY(received.startsWith("HTTP/1.1 200"));
    if (stream) {
        QVERIFY(received.count("\"content\":\"") >= 2); // the role chunk and a token at least
        QVERIFY(!received.contains("[DONE]"));
    } else {
        const qsizetype length = received.mid(received.indexOf("content-length: ") + 16)
                                     .split('\r')
                                     .first()
                                     .toLongLong();
        QVERIFY(received.size() - received.indexOf("\r\n\r\n") - 4 < length);
    }
#endif
    QTRY_COMPARE(sim->truth().size(), 1);
    const TruthRecord truth = sim->truth().first();
    QCOMPARE(truth.fault, u"reset"_s);
    QCOMPARE(truth.status, 200);
    QVERIFY(!truth.completed);
    if (stream)
        QVERIFY(truth.outputTokens >= 1 && truth.outputTokens < 10);
    QTRY_COMPARE(sim->stats().openConnections, 0);
    QCOMPARE(sim->stats().openStreams, 0);
    QCOMPARE(sim->stats().activeRequests, 0);
    QCOMPARE(sim->stats().faultsInjected, 1u);
}

void TestSimServer::faultStallServerGivesUp() {
    SimConfig config = fastConfig();
    config.stallRate = 1;
    config.stallMs = 600;
    config.outputTokens = 10;
    config.tokensPerSecond = 100;
    auto sim = startSim(config);
    RawClient client(sim->port());
    client.send(chatRequest(true, true));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(client.waitForClose(20000)); // the server ends the stall after stallMs
    QVERIFY2(timer.elapsed() >= 500, qPrintable(QString::number(timer.elapsed())));
    const QByteArray received = client.buffer();
    QVERIFY(received.startsWith("HTTP/1.1 200"));
    QVERIFY(received.contains("message_start"));
    QVERIFY(!received.contains("message_stop"));
    QTRY_COMPARE(sim->truth().size(), 1);
    const TruthRecord truth = sim->truth().first();
    QCOMPARE(truth.fault, u"stall"_s);
    QVERIFY(!truth.completed);
    QVERIFY(truth.outputTokens < 10);
    QTRY_COMPARE(sim->stats().openStreams, 0);
    QCOMPARE(sim->stats().activeRequests, 0);
}

void TestSimServer::faultStallClientGivesUp() {
    SimConfig config = fastConfig();
    config.stallRate = 1;
    config.stallMs = 120000;
    auto sim = startSim(config);
    {
        RawClient client(sim->port());
        client.send(chatRequest(false, false));
        const QByteArray partial = client.readFor(500);
        QVERIFY(partial.startsWith("HTTP/1.1 200")); // headers and part of the body, no more
        QTRY_COMPARE(sim->stats().activeRequests, 1);
        client.close();
    }
    QTRY_COMPARE(sim->truth().size(), 1);
    QCOMPARE(sim->truth().first().fault, u"stall"_s);
    QCOMPARE(sim->truth().first().status, 200);
    QVERIFY(!sim->truth().first().completed);
    QTRY_COMPARE(sim->stats().activeRequests, 0);
    QCOMPARE(sim->stats().openConnections, 0);
}

void TestSimServer::faultMalformed_data() {
    QTest::addColumn<bool>("anthropic");
    QTest::addColumn<bool>("stream");
    QTest::addRow("openai") << false << false;
    QTest::addRow("openai stream") << false << true;
    QTest::addRow("anthropic") << true << false;
    QTest::addRow("anthropic stream") << true << true;
}

void TestSimServer::faultMalformed() {
    QFETCH(bool, anthropic);
    QFETCH(bool, stream);
    SimConfig config = fastConfig();
    config.malformedRate = 1;
    auto sim = startSim(config);
    RawClient client(sim->port());
    client.send(chatRequest(anthropic, stream));
    const HttpResponse response = client.read();
    QCOMPARE(response.status, 200);
    QVERIFY(response.complete); // the framing is right; the JSON inside is not
    QJsonParseError error;
    if (!stream) {
        QJsonDocument::fromJson(response.body, &error);
        QVERIFY(error.error != QJsonParseError::NoError);
    } else {
        int broken = 0;
        const QList<SseEvent> events = parseSse(response.body);
        for (const SseEvent& event : events) {
            if (event.data == "[DONE]")
                continue;
            QJsonDocument::fromJson(event.data, &error);
            broken += error.error != QJsonParseError::NoError;
        }
        QCOMPARE(broken, 1);
        QVERIFY(anthropic ? events.last().event == "message_stop" : events.last().data == "[DONE]");
    }
    QTRY_COMPARE(sim->truth().size(), 1);
    QCOMPARE(sim->truth().first().fault, u"malformed"_s);
    QVERIFY(sim->truth().first().completed);
}

void TestSimServer::clientLeavesMidStream() {
    SimConfig config = fastConfig();
    config.tokensPerSecond = 20;
    config.outputTokens = 40;
    auto sim = startSim(config);
    {
        RawClient client(sim->port());
        client.send(chatRequest(false, true));
        QVERIFY(client.readFor(300).contains("\"content\":\""));
        QTRY_COMPARE(sim->stats().openStreams, 1);
    }
    QTRY_COMPARE(sim->stats().openStreams, 0);
    QTRY_COMPARE(sim->truth().size(), 1);
    const TruthRecord truth = sim->truth().first();
    QCOMPARE(truth.status, 200);
    QVERIFY(!truth.completed);
    QVERIFY(truth.outputTokens > 0 && truth.outputTokens < 40);
    QCOMPARE(sim->stats().activeRequests, 0);
    QCOMPARE(sim->stats().requestsCompleted, 0u);
}

void TestSimServer::qnamStreaming() {
    SimConfig config = fastConfig();
    config.tokensPerSecond = 500;
    auto sim = startSim(config);
    QNetworkAccessManager nam;
    for (bool anthropic : {false, true}) {
        QNetworkRequest request(QUrl(sim->baseUrl().toString() +
                                     (anthropic ? u"/messages"_s : u"/chat/completions"_s)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        QByteArray streamed;
        QNetworkReply* reply = nam.post(request, chatBody(anthropic, true));
        connect(reply, &QIODevice::readyRead, this,
                [reply, &streamed] { streamed += reply->readAll(); });
        QTRY_VERIFY(reply->isFinished());
        streamed += reply->readAll();
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        HttpResponse response;
        response.body = streamed;
        QCOMPARE(responseText(anthropic, true, response).split(u' ').size(), 8);
        reply->deleteLater();
    }
}

void TestSimServer::tls() {
    QTemporaryDir dir;
    SimulatorThread sim;
    QString error;
    QVERIFY2(sim.enableTls(dir.path(), &error), qPrintable(error));
    QVERIFY2(sim.start(fastConfig(), 0, &error), qPrintable(error));
    QCOMPARE(sim.baseUrl().scheme(), u"https"_s);
    const QFileInfo key(dir.filePath(u"poolscope-sim-key.pem"_s));
    QVERIFY(key.exists());
    QCOMPARE(key.permissions() &
                 (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(sim.certificatePem());
    QCOMPARE(certificates.size(), 1);
    QVERIFY(certificates.first()
                .subjectAlternativeNames()
                .values(QSsl::IpAddressEntry)
                .contains(u"127.0.0.1"_s));

    // A client that trusts exactly this certificate verifies it: no errors ignored.
    QNetworkAccessManager nam;
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(certificates);
    for (bool stream : {false, true}) {
        QNetworkRequest request(QUrl(sim.baseUrl().toString() + u"/chat/completions"_s));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        request.setSslConfiguration(ssl);
        QNetworkReply* reply = nam.post(request, chatBody(false, stream));
        int sslErrors = 0;
        connect(reply, &QNetworkReply::sslErrors, this,
                [&sslErrors](const QList<QSslError>&) { ++sslErrors; });
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000);
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(sslErrors, 0);
        HttpResponse response;
        response.body = reply->readAll();
        QCOMPARE(responseText(false, stream, response).split(u' ').size(), 8);
        reply->deleteLater();
    }
    QCOMPARE(sim.stats().connectionsAccepted, 1u); // kept alive across both
    // A client that does not trust it fails the handshake.
    QNetworkRequest untrusted(QUrl(sim.baseUrl().toString() + u"/models"_s));
    QNetworkAccessManager other;
    QNetworkReply* reply = other.get(untrusted);
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000);
    QCOMPARE(reply->error(), QNetworkReply::SslHandshakeFailedError);
    reply->deleteLater();

    // The next start reuses the stored certificate.
    SimulatorThread again;
    QVERIFY(again.enableTls(dir.path(), &error));
    QCOMPARE(again.certificatePem(), sim.certificatePem());
}

void TestSimServer::manyConcurrentStreams() {
    // Many streams open at once, each lasting seconds. (tests/bench/sim_wrk.sh MODE=hold runs
    // 10,000 against a separate server process; one process holding both ends of that many
    // sockets would need more descriptors than the usual hard limit.)
    int streams = 500;
#ifdef Q_OS_UNIX
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    streams = int(std::min<rlim_t>(2000, (limit.rlim_cur - 200) / 2));
#endif
    SimConfig config = fastConfig();
    config.ttftMs = 100;
    config.tokensPerSecond = 4;
    config.outputTokens = 16; // about 4 s per stream
    auto sim = startSim(config);
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    int done = 0;
    const QByteArray request = chatRequest(false, true);
    for (int i = 0; i < streams; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket* raw = socket.get();
        auto received = std::make_shared<QByteArray>();
        connect(raw, &QTcpSocket::connected, this, [raw, &request] { raw->write(request); });
        connect(raw, &QIODevice::readyRead, this, [raw, received, &done] {
            *received += raw->readAll();
            if (received->endsWith("data: [DONE]\n\n\r\n0\r\n\r\n"))
                ++done;
        });
        raw->connectToHost(QHostAddress::LocalHost, sim->port());
        sockets.push_back(std::move(socket));
    }
    QTRY_COMPARE_WITH_TIMEOUT(sim->stats().openStreams, streams, 30000);
    QCOMPARE(sim->stats().openConnections, streams);
    QTRY_COMPARE_WITH_TIMEOUT(done, streams, 60000);
    const SimStats stats = sim->stats();
    QCOMPARE(stats.requestsCompleted, quint64(streams));
    QCOMPARE(stats.openStreams, 0);
    QCOMPARE(stats.connectionsAccepted, quint64(streams));
    sockets.clear();
    QTRY_COMPARE_WITH_TIMEOUT(sim->stats().openConnections, 0, 20000);
}

QTEST_GUILESS_MAIN(TestSimServer)
#include "tst_simserver.moc"
