#include "requestdetailview.h"
#include "waterfallwidget.h"

#include <QTest>
#include <QTreeWidget>

using namespace poolscope;
using namespace Qt::StringLiterals;

class TestRequestDetailView : public QObject {
    Q_OBJECT
private slots:
    void showsEverything();
    void redactsCredentialsAgain_data();
    void redactsCredentialsAgain();
};

void TestRequestDetailView::showsEverything() {
    RequestRecord record;
    record.requestId = u"req-42"_s;
    record.ok = false;
    record.httpStatus = 503;
    record.errorClass = ErrorClass::Server5xx;
    record.error = u"service unavailable"_s;
    record.model = u"gpt-4.1"_s;
    record.connectionId = 3;
    record.reused = true;
    record.attempts = 2;
    record.timeline.queuedAt = 1'000'000;
    record.timeline.acquiredAt = 1'001'000;
    record.timeline.sentAt = 1'002'000;
    record.timeline.firstByteAt = 1'100'000;
    record.timeline.finishedAt = 1'200'000;
    record.attemptLog = {{1, ErrorClass::RateLimited, 429, u"too many requests"_s, 750},
                         {2, ErrorClass::Server5xx, 503, u"service unavailable"_s, 0}};
    record.requestHeaders = {{"Content-Type", "application/json"}};
    record.responseHeaders = {{"x-ratelimit-remaining-requests", "0"}};
    record.requestBody = "{\"model\":\"gpt-4.1\",\"stream\":true}";
    record.output = u"partial answer"_s;

    RequestDetailView view;
    view.showRecord(record);
    const QString summary = view.summaryText();
    for (const QString& part : {u"req-42"_s, u"server_error"_s, u"HTTP 503"_s, u"gpt-4.1"_s,
                                u"connection #3 (reused)"_s, u"service unavailable"_s})
        QVERIFY2(summary.contains(part), qPrintable(summary));
    QVERIFY(summary.contains(u"cost unknown"_s));
    QCOMPARE(view.attempts()->topLevelItemCount(), 2);
    QCOMPARE(view.attempts()->topLevelItem(0)->text(1), u"rate_limited"_s);
    QCOMPARE(view.attempts()->topLevelItem(0)->text(4), u"750 ms"_s);
    QCOMPARE(view.waterfall()->phases().size(), 4);                  // queue, send, wait, body
    QVERIFY(view.requestBodyText().contains(u"\"stream\": true"_s)); // indented JSON
    QCOMPARE(view.responseHeadersText(), u"x-ratelimit-remaining-requests: 0\n"_s);
    QCOMPARE(view.outputText(), u"partial answer"_s);

    view.clear();
    QVERIFY(view.outputText().isEmpty());
    QVERIFY(view.waterfall()->phases().isEmpty());
    QCOMPARE(view.attempts()->topLevelItemCount(), 0);
}

void TestRequestDetailView::redactsCredentialsAgain_data() {
    QTest::addColumn<QByteArray>("name");
    QTest::addRow("authorization") << QByteArray("Authorization");
    QTest::addRow("x-api-key") << QByteArray("x-api-key");
    QTest::addRow("gemini") << QByteArray("X-Goog-Api-Key");
}

void TestRequestDetailView::redactsCredentialsAgain() {
    QFETCH(QByteArray, name);
    RequestRecord record;
    record.requestHeaders = {{name, "Bearer sk-live-secret"}, {"Accept", "text/event-stream"}};
    record.responseHeaders = {{name, "sk-echoed-secret"}};
    RequestDetailView view;
    view.showRecord(record);
    QVERIFY(!view.requestHeadersText().contains(u"secret"_s));
    QVERIFY(!view.responseHeadersText().contains(u"secret"_s));
    QVERIFY(view.requestHeadersText().contains(QString::fromLatin1(name) + u": [redacted]"_s));
    QVERIFY(view.requestHeadersText().contains(u"Accept: text/event-stream"_s));
}

QTEST_MAIN(TestRequestDetailView)
#include "tst_requestdetailview.moc"
