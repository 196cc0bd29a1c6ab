// The pool against a real server it does not control: nginx on 127.0.0.1 with TLS and HTTP/2,
// answering a canned chat completion, and in front of the simulator under /sim/ (the simulator
// speaks HTTP/1.1 only). nginx's stub_status counts the connections it accepted.
#include "connectionpool.h"
#include "simulatorthread.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

quint16 freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    return probe.serverPort();
}

const char* const kCompletion =
    "{\\\"id\\\":\\\"chatcmpl-1\\\",\\\"object\\\":\\\"chat.completion\\\",\\\"model\\\":"
    "\\\"canned\\\",\\\"choices\\\":[{\\\"index\\\":0,\\\"message\\\":{\\\"role\\\":"
    "\\\"assistant\\\",\\\"content\\\":\\\"Pooling reuses connections.\\\"},"
    "\\\"finish_reason\\\":\\\"stop\\\"}],\\\"usage\\\":{\\\"prompt_tokens\\\":5,"
    "\\\"completion_tokens\\\":4,\\\"total_tokens\\\":9}}";

class Nginx {
public:
    bool start(quint16 simulatorPort, QString* error) {
        const QString nginx = QStandardPaths::findExecutable(u"nginx"_s, {u"/usr/sbin"_s});
        if (nginx.isEmpty()) {
            *error = u"nginx is not installed (scripts/test.sh installs nginx-light)"_s;
            return false;
        }
        const QString dir = m_dir.path();
        QProcess openssl;
        openssl.start(u"openssl"_s,
                      {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s,
                       dir + u"/key.pem"_s, u"-out"_s, dir + u"/cert.pem"_s, u"-days"_s, u"2"_s,
                       u"-subj"_s, u"/CN=localhost"_s, u"-addext"_s,
                       u"subjectAltName=DNS:localhost,IP:127.0.0.1"_s});
        if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0) {
            *error = u"openssl could not make a certificate"_s;
            return false;
        }
        httpPort = freePort();
        tlsPort = freePort();
        h2cPort = freePort();
        tlsHttp1Port = freePort();
        QDir().mkpath(dir + u"/logs"_s);
        const QString config =
            u"worker_processes 1; daemon off; error_log "_s + dir + u"/logs/error.log; pid "_s +
            dir + u"/nginx.pid;\n"_s + u"events { worker_connections 1024; }\n"_s +
            u"http { access_log off; keepalive_requests 100000; keepalive_timeout 120s;\n"_s +
            u"client_body_temp_path "_s + dir + u"/body; proxy_temp_path "_s + dir +
            u"/proxy; fastcgi_temp_path "_s + dir + u"/fcgi; uwsgi_temp_path "_s + dir +
            u"/uwsgi; scgi_temp_path "_s + dir + u"/scgi;\n"_s + u" server {\n"_s +
            u"  listen 127.0.0.1:"_s + QString::number(httpPort) + u";\n"_s +
            u"  listen 127.0.0.1:"_s + QString::number(tlsPort) + u" ssl http2;\n"_s +
            u"  listen 127.0.0.1:"_s + QString::number(h2cPort) + u" http2;\n"_s +
            u"  listen 127.0.0.1:"_s + QString::number(tlsHttp1Port) + u" ssl;\n"_s +
            u"  ssl_certificate "_s + dir + u"/cert.pem; ssl_certificate_key "_s + dir +
            u"/key.pem;\n"_s + u"  location = /status { stub_status; }\n"_s +
            u"  location /sim/ { proxy_pass http://127.0.0.1:"_s + QString::number(simulatorPort) +
            u"/; proxy_http_version 1.1; proxy_buffering off; }\n"_s +
            u"  location /v1/chat/completions { default_type application/json; return 200 \""_s +
            QString::fromLatin1(kCompletion) + u"\"; }\n"_s + u" }\n}\n"_s;
        QFile file(dir + u"/nginx.conf"_s);
        if (!file.open(QIODevice::WriteOnly)) {
            *error = u"cannot write nginx.conf"_s;
            return false;
        }
        file.write(config.toUtf8());
        file.close();
        m_process.start(nginx, {u"-p"_s, dir, u"-c"_s, dir + u"/nginx.conf"_s});
        if (!m_process.waitForStarted(5000)) {
            *error = u"nginx did not start"_s;
            return false;
        }
        for (int i = 0; i < 100 && acceptedConnections() < 0; ++i)
            QTest::qWait(50);
        if (acceptedConnections() < 0) {
            *error = u"nginx is not answering: "_s + QString::fromUtf8(m_process.readAll());
            return false;
        }
        m_baseline = acceptedConnections(); // the probes above were connections too
        return true;
    }
    ~Nginx() {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }

    // Connections nginx accepted since the previous call (status probes not counted).
    qint64 acceptedSinceLastCall() {
        const qint64 now = acceptedConnections();
        const qint64 accepted = now - m_baseline - 1; // minus this probe
        m_baseline = now;
        return accepted;
    }
    QString certificatePath() const { return m_dir.path() + u"/cert.pem"_s; }

    quint16 httpPort = 0, tlsPort = 0, h2cPort = 0, tlsHttp1Port = 0;

private:
    qint64 acceptedConnections() {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, httpPort);
        if (!socket.waitForConnected(1000))
            return -1;
        socket.write("GET /status HTTP/1.0\r\nHost: localhost\r\n\r\n");
        QByteArray reply;
        while (socket.waitForReadyRead(1000))
            reply += socket.readAll();
        // "server accepts handled requests\n 12 12 40"
        const QRegularExpression numbers(u"accepts handled requests\\s+(\\d+)"_s);
        const auto match = numbers.match(QString::fromLatin1(reply));
        return match.hasMatch() ? match.captured(1).toLongLong() : -1;
    }

    QTemporaryDir m_dir;
    QProcess m_process;
    qint64 m_baseline = 0;
};

ChatRequest prompt(bool stream = false) {
    ChatRequest request;
    request.messages.append({u"user"_s, u"hi"_s});
    request.stream = stream;
    return request;
}

} // namespace

class tst_PoolNginx : public QObject {
    Q_OBJECT

    sim::SimulatorThread m_simulator;
    Nginx m_nginx;

    Endpoint endpoint(const QString& scheme, quint16 port, bool trust) const {
        Endpoint e;
        e.baseUrl = QUrl(scheme + u"://127.0.0.1:"_s + QString::number(port) + u"/v1"_s);
        e.model = u"canned"_s;
        if (trust)
            e.extraCaCertificates = QSslCertificate::fromPath(m_nginx.certificatePath());
        return e;
    }

    // The simulator through nginx's TLS + HTTP/2 port, or its h2c port.
    Endpoint simulatorBehindNginx(bool tls = true) const {
        Endpoint e = endpoint(u"https"_s, m_nginx.tlsPort, true);
        e.baseUrl = QUrl((tls ? u"https"_s : u"http"_s) + u"://127.0.0.1:"_s +
                         QString::number(tls ? m_nginx.tlsPort : m_nginx.h2cPort) + u"/sim/v1"_s);
        e.model = u"sim-small"_s;
        return e;
    }

    QList<RequestRecord> runAll(ConnectionPool& pool, int requests, bool stream = false) {
        QList<RequestRecord> records;
        QObject context;
        connect(&pool, &ConnectionPool::requestFinished, &context,
                [&records](const RequestRecord& r) { records.append(r); });
        for (int i = 0; i < requests; ++i)
            pool.submit(prompt(stream));
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(records.size(), requests, 60000);
        }();
        return records;
    }

private slots:
    void initTestCase() {
        QString error;
        // Behind nginx every answer is slow to start: nginx opens a new connection to the
        // simulator per request, and each costs 1 s before the response headers; then 0.2 s to
        // the first token and 0.5 s of tokens.
        sim::SimConfig slowStart;
        slowStart.connectCostMs = 1000;
        slowStart.ttftMs = 200;
        slowStart.ttftSigma = 0;
        slowStart.tokensPerSecond = 20;
        slowStart.outputTokens = 10;
        slowStart.outputTokensJitter = false;
        QVERIFY2(m_simulator.start(slowStart, 0, &error), qPrintable(error));
        QVERIFY2(m_nginx.start(m_simulator.port(), &error), qPrintable(error));
    }

    void counts_data() {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("maxConnections");
        QTest::addColumn<int>("requests");
        QTest::addColumn<QString>("httpVersion");
        QTest::addRow("http/1.1 plain, max 6")
            << u"http"_s << int(Http2Mode::Off) << 6 << 300 << u"1.1"_s;
        QTest::addRow("http/1.1 over TLS, max 4")
            << u"https"_s << int(Http2Mode::Off) << 4 << 200 << u"1.1"_s;
        QTest::addRow("http/1.1 over TLS, max 10 (two threads)")
            << u"https"_s << int(Http2Mode::Off) << 10 << 300 << u"1.1"_s;
        QTest::addRow("h2 over TLS (ALPN), max 3")
            << u"https"_s << int(Http2Mode::Auto) << 3 << 300 << u"2"_s;
        QTest::addRow("h2c prior knowledge, max 2")
            << u"h2c"_s << int(Http2Mode::On) << 2 << 200 << u"2"_s;
    }
    void counts() {
        QFETCH(QString, scheme);
        QFETCH(int, mode);
        QFETCH(int, maxConnections);
        QFETCH(int, requests);
        QFETCH(QString, httpVersion);
        m_nginx.acceptedSinceLastCall(); // earlier rows' connections are not this row's
        const quint16 port = scheme == u"https"_s ? m_nginx.tlsPort
                             : scheme == u"h2c"_s ? m_nginx.h2cPort
                                                  : m_nginx.httpPort;
        PoolConfig config;
        config.maxConnections = maxConnections;
        config.http2 = Http2Mode(mode);
        ConnectionPool pool(endpoint(scheme == u"https"_s ? u"https"_s : u"http"_s, port, true),
                            config);
        const QList<RequestRecord> records = runAll(pool, requests);
        for (const RequestRecord& r : records) {
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.httpVersion, httpVersion);
            QCOMPARE(r.output, u"Pooling reuses connections."_s);
            QCOMPARE(r.tokens.completion, 4);
        }
        const qint64 opened = qint64(pool.snapshot().connectionsOpened);
        QVERIFY(opened >= 1 && opened <= maxConnections);
        QCOMPARE(m_nginx.acceptedSinceLastCall(), opened);
        if (httpVersion == u"1.1"_s)
            QCOMPARE(opened, qint64(maxConnections));
        // Each new connection's handshake is timed on exactly one request, also where several
        // connections share a thread (six per thread by default).
        qint64 tlsTimed = 0;
        for (const RequestRecord& r : records)
            tlsTimed += r.tlsMs() >= 0 ? 1 : 0;
        QCOMPARE(tlsTimed, scheme == u"https"_s ? opened : 0);
        if (httpVersion == u"1.1"_s)
            QCOMPARE(int(pool.findChildren<QNetworkAccessManager*>().size()),
                     (maxConnections + 5) / 6);
    }

    // Over TLS in auto mode a lane's protocol is known only after its handshake (ALPN): until one
    // said HTTP/1.1, every lane gets a thread of its own; from then on, six share one.
    void http1ByAlpnSharesThreadsOnceKnown() {
        m_nginx.acceptedSinceLastCall();
        PoolConfig config;
        config.maxConnections = 10;
        ConnectionPool pool(endpoint(u"https"_s, m_nginx.tlsHttp1Port, true), config);
        QList<RequestRecord> records = runAll(pool, 1);
        records += runAll(pool, 300);
        qint64 tlsTimed = 0;
        for (const RequestRecord& r : records) {
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.httpVersion, u"1.1"_s);
            tlsTimed += r.tlsMs() >= 0 ? 1 : 0;
        }
        QCOMPARE(int(pool.snapshot().connectionsOpened), 10);
        QCOMPARE(int(pool.snapshot().connectionsClosed), 0);
        QCOMPARE(pool.snapshot().total, 10);
        QCOMPARE(m_nginx.acceptedSinceLastCall(), 10);
        QCOMPARE(tlsTimed, 10);
        // the first lane alone, then the other nine in threads of six and three
        QCOMPARE(int(pool.findChildren<QNetworkAccessManager*>().size()), 3);
    }

    void aBurstWaitsForTheFirstAlpnAnswer_data() {
        QTest::addColumn<bool>("http2");
        QTest::addRow("h2: one connection") << true;
        QTest::addRow("http/1.1: the first alone, then threads of six") << false;
    }
    void aBurstWaitsForTheFirstAlpnAnswer() {
        // 80 requests at once over TLS in auto mode (fewer than the 100 streams an h2
        // connection may carry), at most 10 connections. Until the first
        // handshake's ALPN answer, the others wait for it: with h2 that one connection carries
        // them all; with HTTP/1.1 the rest open knowing it, six to a thread. Before, each request
        // opened a connection with a thread of its own before any answer came.
        QFETCH(bool, http2);
        m_nginx.acceptedSinceLastCall();
        PoolConfig config;
        config.maxConnections = 10;
        ConnectionPool pool(
            endpoint(u"https"_s, http2 ? m_nginx.tlsPort : m_nginx.tlsHttp1Port, true), config);
        const QList<RequestRecord> records = runAll(pool, 80);
        for (const RequestRecord& r : records) {
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.httpVersion, http2 ? u"2"_s : u"1.1"_s);
        }
        const int expected = http2 ? 1 : 10;
        QCOMPARE(int(pool.snapshot().connectionsOpened), expected);
        QCOMPARE(m_nginx.acceptedSinceLastCall(), expected);
        QCOMPARE(int(pool.findChildren<QNetworkAccessManager*>().size()), http2 ? 1 : 3);
    }

    void aBurstToAnHttp1ServerGoesOnAfterTheHandshake() {
        // The burst waits for the first TLS handshake only, not for the first answer: once ALPN
        // (or its absence) says HTTP/1.1, the other requests open their connections at once.
        // Through nginx to the simulator every answer takes over a second; a review found the
        // other three queued for all of the first one (1.5 s), and timed out with a shorter
        // acquire timeout.
        m_nginx.acceptedSinceLastCall();
        PoolConfig config;
        config.maxConnections = 4;
        Endpoint e = simulatorBehindNginx();
        e.baseUrl.setPort(m_nginx.tlsHttp1Port);
        ConnectionPool pool(e, config);
        const QList<RequestRecord> records = runAll(pool, 4, true);
        for (const RequestRecord& r : records) {
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.httpVersion, u"1.1"_s);
            QVERIFY2(r.queueMs() < 500, qPrintable(QString::number(r.queueMs())));
        }
        QCOMPARE(int(pool.snapshot().connectionsOpened), 4);
        QCOMPARE(m_nginx.acceptedSinceLastCall(), 4);
    }

    void http2CarriesManyStreamsBeforeAnyAnswer_data() {
        QTest::addColumn<bool>("tls");
        QTest::addRow("h2 over TLS (ALPN)") << true;
        QTest::addRow("h2c prior knowledge") << false;
    }
    void http2CarriesManyStreamsBeforeAnyAnswer() {
        QFETCH(bool, tls);
        // One connection allowed and twenty streamed requests whose response headers take 1 s.
        // Once ALPN has chosen h2 (at the TLS handshake), or from the start with prior
        // knowledge, the connection must carry all of them at once. Before, the other nineteen
        // waited in the pool's queue until the first answer was over; learning h2 only from
        // the first response would still keep them 1 s.
        m_nginx.acceptedSinceLastCall();
        PoolConfig config;
        config.maxConnections = 1;
        config.http2 = tls ? Http2Mode::Auto : Http2Mode::On;
        ConnectionPool pool(simulatorBehindNginx(tls), config);
        const QList<RequestRecord> records = runAll(pool, 20, true);
        for (const RequestRecord& r : records) {
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.httpVersion, u"2"_s);
            QVERIFY2(r.queueMs() < 500, qPrintable(QString::number(r.queueMs())));
        }
        QCOMPARE(int(pool.snapshot().connectionsOpened), 1);
        QCOMPARE(m_nginx.acceptedSinceLastCall(), 1);
    }

    void fewerStreamsPerConnectionSpreadThem() {
        // At most five streams per connection: twenty streams at once spread over several
        // connections, none carries more than five, and none of the twenty waits for another
        // to end. (The first connection waits for ALPN's answer alone; after it, each new
        // connection carries one request until its own handshake, so up to the pool's maximum
        // may open.)
        m_nginx.acceptedSinceLastCall();
        PoolConfig config;
        config.maxConnections = 8;
        config.maxStreamsPerConnection = 5;
        ConnectionPool pool(simulatorBehindNginx(), config);
        const QList<RequestRecord> records = runAll(pool, 20, true);
        QHash<qint64, int> streamsPerConnection;
        for (const RequestRecord& r : records) {
            QVERIFY2(r.ok, qPrintable(r.error));
            QVERIFY2(r.queueMs() < 500, qPrintable(QString::number(r.queueMs())));
            ++streamsPerConnection[r.connectionId];
        }
        QVERIFY(streamsPerConnection.size() >= 4 && streamsPerConnection.size() <= 8);
        for (int streams : std::as_const(streamsPerConnection))
            QVERIFY2(streams <= 5, qPrintable(QString::number(streams)));
        QCOMPARE(int(pool.snapshot().connectionsOpened), int(streamsPerConnection.size()));
        QCOMPARE(m_nginx.acceptedSinceLastCall(), qint64(streamsPerConnection.size()));
    }

    void selfSignedIsRefusedUnlessTrusted() {
        PoolConfig config;
        config.retries = 0;
        ConnectionPool pool(endpoint(u"https"_s, m_nginx.tlsPort, false), config);
        const QList<RequestRecord> records = runAll(pool, 1);
        QCOMPARE(records.first().errorClass, ErrorClass::Tls);
        QVERIFY2(records.first().error.contains(u"--ca-cert"_s), qPrintable(records.first().error));
        QCOMPARE(int(pool.snapshot().connectionsOpened), 0);
    }
};

QTEST_GUILESS_MAIN(tst_PoolNginx)
#include "tst_poolnginx.moc"
