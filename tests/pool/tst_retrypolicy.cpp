#include "retrypolicy.h"

#include <QTest>

using namespace poolscope;

class tst_RetryPolicy : public QObject {
    Q_OBJECT
private slots:
    void retryableClasses_data() {
        QTest::addColumn<int>("cls");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("retryable");
        QTest::addRow("429") << int(ErrorClass::RateLimited) << 429 << true;
        QTest::addRow("408") << int(ErrorClass::Http4xx) << 408 << true;
        QTest::addRow("409") << int(ErrorClass::Http4xx) << 409 << true;
        QTest::addRow("500") << int(ErrorClass::Server5xx) << 500 << true;
        QTest::addRow("503") << int(ErrorClass::Server5xx) << 503 << true;
        QTest::addRow("400") << int(ErrorClass::BadRequest) << 400 << false;
        QTest::addRow("401") << int(ErrorClass::Auth) << 401 << false;
        QTest::addRow("404") << int(ErrorClass::NotFound) << 404 << false;
        QTest::addRow("reset") << int(ErrorClass::Reset) << 0 << true;
        QTest::addRow("refused") << int(ErrorClass::Refused) << 0 << true;
        QTest::addRow("connect timeout") << int(ErrorClass::ConnectTimeout) << 0 << true;
        QTest::addRow("total timeout") << int(ErrorClass::TotalTimeout) << 0 << false;
        QTest::addRow("tls") << int(ErrorClass::Tls) << 0 << false;
        QTest::addRow("malformed 200") << int(ErrorClass::Malformed) << 200 << false;
    }
    void retryableClasses() {
        QFETCH(int, cls);
        QFETCH(int, status);
        QFETCH(bool, retryable);
        QCOMPARE(RetryPolicy::isRetryable(ErrorClass(cls), status), retryable);
    }

    void serverDelay_data() {
        QTest::addColumn<QByteArray>("retryAfterMs");
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addColumn<qint64>("expected"); // -1: none
        QTest::addRow("seconds") << QByteArray() << QByteArray("3") << qint64(3000);
        QTest::addRow("fractional seconds") << QByteArray() << QByteArray("1.5") << qint64(1500);
        QTest::addRow("ms wins") << QByteArray("250") << QByteArray("3") << qint64(250);
        QTest::addRow("http date")
            << QByteArray() << QByteArray("Wed, 21 Oct 2015 07:28:10 GMT") << qint64(10000);
        QTest::addRow("garbage") << QByteArray() << QByteArray("soon") << qint64(-1);
        QTest::addRow("none") << QByteArray() << QByteArray() << qint64(-1);
    }
    void serverDelay() {
        QFETCH(QByteArray, retryAfterMs);
        QFETCH(QByteArray, retryAfter);
        QFETCH(qint64, expected);
        const QDateTime now(QDate(2015, 10, 21), QTime(7, 28, 0), Qt::UTC);
        const auto delay = RetryPolicy::serverDelayMs(retryAfterMs, retryAfter, now);
        QCOMPARE(delay.value_or(-1), expected);
    }

    void backoffDoublesAndCaps() {
        RetryPolicy policy;
        QCOMPARE(policy.delayMs(1, std::nullopt, 0.0), qint64(500));
        QCOMPARE(policy.delayMs(2, std::nullopt, 0.0), qint64(1000));
        QCOMPARE(policy.delayMs(3, std::nullopt, 0.0), qint64(2000));
        QCOMPARE(policy.delayMs(10, std::nullopt, 0.0), qint64(8000));
        QCOMPARE(policy.delayMs(1, std::nullopt, 1.0), qint64(375)); // jitter 0.75
    }

    void serverDelayWinsUpToTheCap() {
        RetryPolicy policy;
        QCOMPARE(policy.delayMs(1, qint64(20000), 0.5), qint64(20000));
        // Beyond 60 s the server's ask is ignored in favour of our own backoff.
        QCOMPARE(policy.delayMs(1, qint64(120000), 0.0), qint64(500));
    }
};

QTEST_GUILESS_MAIN(tst_RetryPolicy)
#include "tst_retrypolicy.moc"
