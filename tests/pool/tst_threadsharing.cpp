// Which pools share network threads between HTTP/1.1 connections from the first request.
#include "threadsharing.h"

#include <QTest>
#include <QUrl>

using namespace poolscope;

class TestThreadSharing : public QObject {
    Q_OBJECT

private slots:
    void sharesWhereHttp1IsCertain_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("http2");
        QTest::addColumn<bool>("noPool");
        QTest::addColumn<int>("perThread");
        QTest::addColumn<bool>("http1Chosen");
        QTest::addColumn<int>("expected");
        QTest::addRow("plain http, auto")
            << "http://127.0.0.1:8080/v1" << int(Http2Mode::Auto) << false << 6 << false << 6;
        QTest::addRow("plain http, 4 asked")
            << "http://127.0.0.1:8080/v1" << int(Http2Mode::Auto) << false << 4 << false << 4;
        QTest::addRow("h2c prior knowledge")
            << "http://127.0.0.1:8080/v1" << int(Http2Mode::On) << false << 6 << false << 1;
        QTest::addRow("TLS, ALPN still to answer")
            << "https://api.example.com/v1" << int(Http2Mode::Auto) << false << 6 << false << 1;
        QTest::addRow("TLS, the server chose HTTP/1.1")
            << "https://api.example.com/v1" << int(Http2Mode::Auto) << false << 6 << true << 6;
        QTest::addRow("no pool, HTTP/1.1 chosen")
            << "https://api.example.com/v1" << int(Http2Mode::Auto) << true << 6 << true << 1;
        QTest::addRow("TLS, HTTP/2 off")
            << "https://api.example.com/v1" << int(Http2Mode::Off) << false << 6 << false << 6;
        QTest::addRow("no pool") << "http://127.0.0.1:8080/v1" << int(Http2Mode::Auto) << true << 6
                                 << false << 1;
        QTest::addRow("one asked")
            << "http://127.0.0.1:8080/v1" << int(Http2Mode::Off) << false << 1 << false << 1;
        QTest::addRow("more than Qt's six")
            << "http://127.0.0.1:8080/v1" << int(Http2Mode::Off) << false << 50 << false << 6;
    }
    void sharesWhereHttp1IsCertain() {
        QFETCH(QString, url);
        QFETCH(int, http2);
        QFETCH(bool, noPool);
        QFETCH(int, perThread);
        QFETCH(bool, http1Chosen);
        QFETCH(int, expected);
        PoolConfig config;
        config.http2 = Http2Mode(http2);
        config.noPool = noPool;
        config.connectionsPerThread = perThread;
        QCOMPARE(connectionsPerThread(config, QUrl(url), http1Chosen), expected);
    }
};

QTEST_GUILESS_MAIN(TestThreadSharing)
#include "tst_threadsharing.moc"
