#include "requestrecord.h"

#include <QJsonObject>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

class tst_RequestRecord : public QObject {
    Q_OBJECT
private slots:
    void derivedTimings() {
        RequestRecord r;
        r.timeline.queuedAt = 1000000;
        r.timeline.acquiredAt = 1002000;
        r.queueUs = 2000;
        r.timeline.connectStartAt = 1002100;
        r.timeline.sentAt = 1003100;
        r.timeline.firstByteAt = 1050000;
        r.timeline.firstTokenAt = 1060000;
        r.timeline.finishedAt = 1160000;
        r.tokens.completion = 11;
        r.streamed = true;
        r.interTokenGapsUs = {10000, 20000};
        QCOMPARE(r.queueMs(), 2.0);
        QCOMPARE(r.connectMs(), 1.0);
        QCOMPARE(r.tlsMs(), -1.0);
        QCOMPARE(r.ttfbMs(), 50.0);
        QCOMPARE(r.ttftMs(), 60.0);
        QCOMPARE(r.e2eMs(), 160.0);
        QCOMPARE(r.itlMeanMs(), 15.0);
        QCOMPARE(r.tpotMs(), 10.0); // (160 - 60) / (11 - 1)
    }

    void jsonHasTheContractKeys() {
        RequestRecord r;
        r.requestId = u"psr-1"_s;
        r.index = u"3"_s;
        r.ok = true;
        r.httpStatus = 200;
        r.costPicoUsd = 1500000;
        r.tokens.prompt = 1200;
        r.tokens.cached = 700;
        r.tokens.cacheWrite = 400;
        r.tokens.cacheWrite1h = 150;
        const QJsonObject json = r.toJson();
        for (const QString& key :
             {u"request_id"_s, u"index"_s, u"status"_s, u"http_status"_s, u"error_class"_s,
              u"error"_s, u"attempts"_s, u"model"_s, u"connection_id"_s, u"reused"_s,
              u"http_version"_s, u"timings_ms"_s, u"itl_ms_mean"_s, u"tokens"_s, u"cost_usd"_s,
              u"output"_s})
            QVERIFY2(json.contains(key), qPrintable(key));
        for (const QString& key :
             {u"queue"_s, u"connect"_s, u"tls"_s, u"ttfb"_s, u"ttft"_s, u"e2e"_s})
            QVERIFY2(json.value(u"timings_ms"_s).toObject().contains(key), qPrintable(key));
        const QJsonObject tokens = json.value(u"tokens"_s).toObject();
        QCOMPARE(tokens.value(u"prompt"_s).toInteger(), 1200);
        QCOMPARE(tokens.value(u"cached"_s).toInteger(), 700);
        QCOMPARE(tokens.value(u"cache_write"_s).toInteger(), 400);
        QCOMPARE(tokens.value(u"cache_write_1h"_s).toInteger(), 150);
        QCOMPARE(json.value(u"status"_s).toString(), u"ok"_s);
        QCOMPARE(json.value(u"cost_usd"_s).toDouble(), 1.5e-6);
        r.costPicoUsd.reset();
        QVERIFY(r.toJson().value(u"cost_usd"_s).isNull()); // unknown, not 0
    }

    void secretsAreRedacted() {
        const RecordHeaders headers{{"Authorization", "Bearer sk-secret"},
                                    {"x-api-key", "sk-ant-secret"},
                                    {"X-Goog-Api-Key", "g-secret"},
                                    {"Content-Type", "application/json"}};
        const RecordHeaders redacted = redactedHeaders(headers);
        for (const auto& [name, value] : redacted) {
            QVERIFY(!value.contains("secret"));
        }
        QCOMPARE(redacted.last().second, QByteArray("application/json"));
    }
};

QTEST_GUILESS_MAIN(tst_RequestRecord)
#include "tst_requestrecord.moc"
