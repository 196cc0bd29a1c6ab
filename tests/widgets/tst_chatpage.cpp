// The first vertical slice, end to end: a prompt typed in the chat goes through the pool (on its
// own thread) over HTTP to the simulator, and the answer streams in token by token.
#include "chatcolumn.h"
#include "chatpage.h"
#include "poolhost.h"
#include "simulatorthread.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <QTextBrowser>
#include <memory>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

// A simulator with quick, predictable answers and a pool in front of it.
struct Stage {
    sim::SimulatorThread simulator;
    std::unique_ptr<PoolHost> host;

    explicit Stage(int outputTokens = 8) {
        sim::SimConfig config;
        config.ttftMs = 10;
        config.ttftSigma = 0;
        config.tokensPerSecond = 400;
        config.outputTokens = outputTokens;
        config.outputTokensJitter = false;
        QString error;
        if (!simulator.start(config, 0, &error))
            qFatal("simulator: %s", qPrintable(error));
        Endpoint endpoint;
        endpoint.baseUrl = simulator.baseUrl();
        endpoint.model = u"sim-small"_s;
        host = std::make_unique<PoolHost>(endpoint, PoolConfig{});
    }
};

QJsonObject sentBody(const RequestRecord& record) {
    return QJsonDocument::fromJson(record.requestBody).object();
}

RequestRecord sendAndWait(ChatPage& page, const QString& prompt, int answers = 1) {
    QSignalSpy finished(&page, &ChatPage::answerFinished);
    page.findChild<QPlainTextEdit*>(u"promptInput"_s)->setPlainText(prompt);
    page.send();
    if (!QTest::qWaitFor([&] { return finished.size() >= answers; }, 10000))
        return {};
    return finished.first().first().value<RequestRecord>();
}

} // namespace

class tst_ChatPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // settings go to a test location
        QSettings().remove(u"playground"_s);
    }
    void cleanup() { QSettings().remove(u"playground"_s); }

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

    void systemPromptAndParametersGoOnTheWire() {
        Stage stage;
        ChatPage page(stage.host.get());
        page.findChild<QPlainTextEdit*>(u"systemPrompt"_s)->setPlainText(u"Answer briefly."_s);
        page.findChild<QDoubleSpinBox*>(u"temperature"_s)->setValue(0.7);
        page.findChild<QSpinBox*>(u"maxTokens"_s)->setValue(33);
        page.findChild<ChatColumn*>(u"mainColumn"_s)->setModel(u"sim-large"_s);
        const RequestRecord record = sendAndWait(page, u"Hello"_s);
        QVERIFY2(record.ok, qPrintable(record.error));
        const QJsonObject body = sentBody(record);
        QCOMPARE(body.value(u"model"_s).toString(), u"sim-large"_s);
        QCOMPARE(body.value(u"max_tokens"_s).toInt(), 33);
        QCOMPARE(body.value(u"temperature"_s).toDouble(), 0.7);
        const QJsonArray messages = body.value(u"messages"_s).toArray();
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0)[u"role"_s].toString(), u"system"_s);
        QCOMPARE(messages.at(0)[u"content"_s].toString(), u"Answer briefly."_s);
        QCOMPARE(messages.at(1)[u"content"_s].toString(), u"Hello"_s);

        // "default" sends neither field, and the parameters outlive the page.
        ChatPage second(stage.host.get());
        QCOMPARE(second.findChild<QSpinBox*>(u"maxTokens"_s)->value(), 33);
        second.findChild<QDoubleSpinBox*>(u"temperature"_s)->setValue(-0.1);
        second.findChild<QSpinBox*>(u"maxTokens"_s)->setValue(0);
        const QJsonObject plain = sentBody(sendAndWait(second, u"Again"_s));
        QVERIFY(!plain.contains(u"temperature"_s));
        QVERIFY(!plain.contains(u"max_tokens"_s));
    }

    void eachAnswerShowsItsCostOrSaysUnknown() {
        Stage stage;
        ChatPage page(stage.host.get());
        PriceTable prices;
        // $1 per million input tokens, $2 per million output: pico-USD per token.
        prices.setPrice(u"sim-small"_s, {1000000, 2000000, -1, u"test"_s, u"2026-11-21"_s});
        page.setPrices(prices);
        const RequestRecord priced = sendAndWait(page, u"What does it cost?"_s);
        QVERIFY2(priced.ok, qPrintable(priced.error));
        const qint64 expected = priced.tokens.prompt * 1000000LL +
                                priced.tokens.completion * 2000000LL; // hand rule, in pico-USD
        QVERIFY2(page.transcriptText().contains(PriceTable::formatUsd(expected, 6)),
                 qPrintable(page.transcriptText()));

        page.findChild<ChatColumn*>(u"mainColumn"_s)->setModel(u"sim-unpriced"_s);
        QVERIFY(sendAndWait(page, u"And this one?"_s).ok);
        QVERIFY(page.transcriptText().contains(u"cost unknown (no price for sim-unpriced)"_s));
    }

    void theConversationCarriesItsHistoryAndCopiesTheAnswer() {
        Stage stage;
        ChatPage page(stage.host.get());
        const RequestRecord first = sendAndWait(page, u"First question"_s);
        QVERIFY(first.ok);
        const RequestRecord second = sendAndWait(page, u"Second question"_s);
        const QJsonArray messages = sentBody(second).value(u"messages"_s).toArray();
        QCOMPARE(messages.size(), 3); // user, assistant, user
        QCOMPARE(messages.at(1)[u"role"_s].toString(), u"assistant"_s);
        QCOMPARE(messages.at(1)[u"content"_s].toString(), first.output);

        page.copyLastAnswer();
        QCOMPARE(QApplication::clipboard()->text(), second.output);
        page.clear();
        QVERIFY(page.transcriptText().isEmpty());
        QVERIFY(sentBody(sendAndWait(page, u"Fresh"_s)).value(u"messages"_s).toArray().size() == 1);
    }

    void sideBySideSendsThePromptToBothProfiles() {
        Stage left(5);
        Stage right(9);
        ChatPage page(left.host.get(), right.host.get());
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(!page.isSideBySide());
        page.findChild<QCheckBox*>(u"sideBySide"_s)->setChecked(true);
        QVERIFY(page.isSideBySide());
        QSignalSpy finished(&page, &ChatPage::answerFinished);
        page.findChild<QPlainTextEdit*>(u"promptInput"_s)->setPlainText(u"Compare us"_s);
        page.send();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 10000);
        QList<int> tokens;
        for (const QList<QVariant>& answer : finished)
            tokens.append(answer.first().value<RequestRecord>().tokens.completion);
        std::sort(tokens.begin(), tokens.end());
        QCOMPARE(tokens, (QList<int>{5, 9})); // one answer from each server
        QCOMPARE(left.simulator.truth().size(), 1);
        QCOMPARE(right.simulator.truth().size(), 1);
        const QString rightText = page.compareColumn()->transcriptText();
        QVERIFY(rightText.contains(u"Compare us"_s));
        QVERIFY(rightText.contains(u"9 tokens"_s));
        QVERIFY(page.transcriptText().contains(u"5 tokens"_s));

        page.findChild<QCheckBox*>(u"sideBySide"_s)->setChecked(false);
        QVERIFY(sendAndWait(page, u"Only the left"_s).ok);
        QCOMPARE(right.simulator.truth().size(), 1);
    }

    // The history is saved after every answer and comes back in a new window, which goes on
    // with the same conversation.
    void historySurvivesARestart() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"chat-history.json"_s);
        Stage stage;
        QString answer;
        {
            ChatPage page(stage.host.get());
            page.setHistoryPath(path);
            const RequestRecord record = sendAndWait(page, u"Remember me"_s);
            QVERIFY(record.ok);
            answer = record.output;
            // No orderly shutdown: the file must already hold the answer.
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(file.readAll().contains(answer.toUtf8()));
        }
        ChatPage restarted(stage.host.get());
        restarted.setHistoryPath(path);
        QVERIFY(restarted.historyError().isEmpty());
        QVERIFY(restarted.transcriptText().contains(u"Remember me"_s));
        QVERIFY(restarted.transcriptText().contains(answer));
        QVERIFY(restarted.transcriptText().contains(u"TTFT"_s)); // the numbers line too
        const QJsonArray messages =
            sentBody(sendAndWait(restarted, u"Still there?"_s)).value(u"messages"_s).toArray();
        QCOMPARE(messages.size(), 3);
        QCOMPARE(messages.at(0)[u"content"_s].toString(), u"Remember me"_s);
    }
};

QTEST_MAIN(tst_ChatPage)
#include "tst_chatpage.moc"
