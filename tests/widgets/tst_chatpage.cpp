// The first vertical slice, end to end: a prompt typed in the chat goes through the pool (on its
// own thread) over HTTP to the simulator, and the answer streams in token by token.
#include "chatpage.h"
#include "poolhost.h"
#include "simulatorthread.h"

#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBrowser>

using namespace poolscope;
using namespace Qt::StringLiterals;

class tst_ChatPage : public QObject {
    Q_OBJECT
private slots:
    void ctrlEnterStreamsTheAnswerIn() {
        sim::SimConfig config;
        config.ttftMs = 20;
        config.ttftSigma = 0;
        config.tokensPerSecond = 100;
        config.outputTokens = 12;
        config.outputTokensJitter = false;
        sim::SimulatorThread simulator;
        QString error;
        QVERIFY2(simulator.start(config, 0, &error), qPrintable(error));
        Endpoint endpoint;
        endpoint.baseUrl = simulator.baseUrl();
        endpoint.model = u"sim-small"_s;
        PoolHost host(endpoint, PoolConfig{});

        ChatPage page(&host);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* input = page.findChild<QPlainTextEdit*>(u"promptInput"_s);
        auto* transcript = page.findChild<QTextBrowser*>(u"transcript"_s);
        QVERIFY(input && transcript);
        input->setFocus();
        QTest::keyClicks(input, u"What is a connection pool?"_s);

        int changes = 0;
        connect(transcript->document(), &QTextDocument::contentsChanged, this,
                [&changes] { ++changes; });
        QSignalSpy finished(&page, &ChatPage::answerFinished);
        QTest::keyClick(input, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(page.isBusy());
        QVERIFY(input->toPlainText().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);

        const RequestRecord record = finished.first().first().value<RequestRecord>();
        QVERIFY2(record.ok, qPrintable(record.error));
        QCOMPARE(record.tokens.completion, 12);
        QVERIFY(record.contentChunks >= 2);
        QVERIFY(!record.output.isEmpty());
        const QString text = page.transcriptText();
        QVERIFY(text.contains(u"What is a connection pool?"_s));
        QVERIFY(text.contains(record.output));
        QVERIFY(text.contains(u"TTFT"_s));
        // Token by token: the transcript changed many times while the answer streamed.
        QVERIFY2(changes >= 5, qPrintable(QString::number(changes)));
        // The server saw the request id the record carries: it really went over the socket.
        QTRY_VERIFY(!simulator.truth().isEmpty());
        QCOMPARE(simulator.truth().last().requestId, record.requestId);
        QVERIFY(!page.isBusy());
    }

    void stopCancelsTheStreamingAnswer() {
        sim::SimConfig config;
        config.ttftMs = 10;
        config.tokensPerSecond = 5;
        config.outputTokens = 100;
        sim::SimulatorThread simulator;
        QVERIFY(simulator.start(config));
        Endpoint endpoint;
        endpoint.baseUrl = simulator.baseUrl();
        endpoint.model = u"sim-small"_s;
        PoolHost host(endpoint, PoolConfig{});
        ChatPage page(&host);
        QSignalSpy finished(&page, &ChatPage::answerFinished);
        page.findChild<QPlainTextEdit*>(u"promptInput"_s)->setPlainText(u"long one"_s);
        page.send();
        QTest::qWait(300);
        page.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        const RequestRecord record = finished.first().first().value<RequestRecord>();
        QCOMPARE(record.errorClass, ErrorClass::Canceled);
        QVERIFY(page.findChild<QPushButton*>(u"sendButton"_s)->isEnabled());
    }
};

QTEST_MAIN(tst_ChatPage)
#include "tst_chatpage.moc"
