// The window as a person uses it: choosing a profile points the chat (and the batch page) at
// that server with the key from the SecretStore; a profile without a key is refused with the
// reason and the previous one stays; the choice and the conversation survive a restart.
#include "chatcolumn.h"
#include "chatpage.h"
#include "fixtureserver.h"
#include "mainwindow.h"
#include "memorysecretstore.h"
#include "poolconfigio.h"
#include "poolhost.h"
#include "profilestore.h"
#include "settingspage.h"
#include "simulatorthread.h"

#include <QFile>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

QByteArray openAiStream() {
    QFile file(QStringLiteral(POOLSCOPE_TEST_DATA) + u"/providers/openai_stream.sse"_s);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

RequestRecord chat(MainWindow& window, const QString& prompt) {
    ChatPage* page = window.chatPage();
    QSignalSpy finished(page, &ChatPage::answerFinished);
    page->findChild<QPlainTextEdit*>(u"promptInput"_s)->setPlainText(prompt);
    page->send();
    if (!QTest::qWaitFor([&] { return !finished.isEmpty(); }, 10000))
        return {};
    return finished.first().first().value<RequestRecord>();
}

} // namespace

class tst_MainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"PoolScopeTest"_s);
        QCoreApplication::setApplicationName(u"tst_mainwindow"_s);
        QSettings().clear();
        QVERIFY(m_simulator.start(sim::SimConfig{}));
        QVERIFY(m_fixture.start());
        m_fixture.setResponse(FixtureServer::sse(openAiStream()));
        m_simulatorEndpoint.name = Profile::simulatorName();
        m_simulatorEndpoint.baseUrl = m_simulator.baseUrl();
        m_simulatorEndpoint.model = u"sim-small"_s;
        m_profileSettings =
            std::make_unique<QSettings>(m_dir.filePath(u"profiles.ini"_s), QSettings::IniFormat);
        m_profiles = std::make_unique<ProfileStore>(m_profileSettings.get());
        Profile fixture;
        fixture.name = u"fixture"_s;
        fixture.baseUrl = m_fixture.baseUrl();
        fixture.model = u"gpt-4.1-mini"_s;
        fixture.keyEnvVar = u"POOLSCOPE_TEST_UNSET_KEY"_s;
        QVERIFY(m_profiles->add(fixture, nullptr));
        Profile keyless = fixture;
        keyless.name = u"keyless"_s;
        QVERIFY(m_profiles->add(keyless, nullptr));
        QSignalSpy stored(&m_secrets, &SecretStore::finished);
        m_secrets.write(u"fixture"_s, "sk-test-fixture-0123456789KEY1");
        QVERIFY(stored.wait());
    }

    void choosingAProfileSendsTheChatThereWithItsKey() {
        PoolHost host(m_simulatorEndpoint, PoolConfig{});
        PoolHost compareHost(m_simulatorEndpoint, PoolConfig{});
        MainWindow window(context(&host, &compareHost));
        QCOMPARE(window.activeProfile(), Profile::simulatorName());

        QSignalSpy activated(&window, &MainWindow::profileActivated);
        window.chooseProfile(u"fixture"_s);
        QVERIFY(activated.wait());
        QCOMPARE(window.activeProfile(), u"fixture"_s);
        QCOMPARE(window.chatPage()->mainColumn()->model(), u"gpt-4.1-mini"_s);

        const int before = int(m_fixture.received().size());
        const RequestRecord record = chat(window, u"Hello fixture"_s);
        QVERIFY2(record.ok, qPrintable(record.error));
        QCOMPARE(record.profile, u"fixture"_s);
        QCOMPARE(m_fixture.received().size(), before + 1);
        QCOMPARE(m_fixture.received().last().header("authorization"),
                 QByteArray("Bearer sk-test-fixture-0123456789KEY1"));
        // What the window keeps of the request never holds the key.
        for (const auto& header : record.requestHeaders)
            QVERIFY(!header.second.contains("0123456789KEY1"));
    }

    void aProfileWithoutAKeyIsRefusedAndThePreviousOneStays() {
        PoolHost host(m_simulatorEndpoint, PoolConfig{});
        MainWindow window(context(&host, nullptr));
        QSignalSpy activated(&window, &MainWindow::profileActivated);
        QSignalSpy failed(&window, &MainWindow::profileFailed);
        if (window.activeProfile() != u"fixture"_s) { // restored from the last test, or not
            window.chooseProfile(u"fixture"_s);
            QVERIFY(activated.wait());
        }
        window.chooseProfile(u"keyless"_s);
        QVERIFY(failed.wait());
        const QString error = failed.first().at(1).toString();
        QVERIFY2(error.contains(u"POOLSCOPE_TEST_UNSET_KEY"_s), qPrintable(error));
        QCOMPARE(window.activeProfile(), u"fixture"_s);
        QCOMPARE(window.chatPage()->mainColumn()->profile(), u"fixture"_s);
        // The warning is on screen without blocking anything.
        QVERIFY(window.findChild<QWidget*>(u"warning"_s));
        QVERIFY(chat(window, u"still the fixture"_s).ok);
    }

    void theChoiceAndTheConversationSurviveARestart() {
        PoolHost host(m_simulatorEndpoint, PoolConfig{});
        {
            MainWindow window(context(&host, nullptr));
            QSignalSpy activated(&window, &MainWindow::profileActivated);
            window.chooseProfile(u"fixture"_s);
            QVERIFY(activated.wait());
            QVERIFY(chat(window, u"remember this"_s).ok);
        }
        MainWindow restarted(context(&host, nullptr));
        QSignalSpy activated(&restarted, &MainWindow::profileActivated);
        QVERIFY(activated.wait()); // the last session's profile, resolved again
        QCOMPARE(restarted.activeProfile(), u"fixture"_s);
        QVERIFY(restarted.chatPage()->transcriptText().contains(u"remember this"_s));
    }

    void removingTheActiveProfileFallsBackToTheSimulator() {
        PoolHost host(m_simulatorEndpoint, PoolConfig{});
        MainWindow window(context(&host, nullptr));
        QSignalSpy activated(&window, &MainWindow::profileActivated);
        if (window.activeProfile() != u"fixture"_s) {
            window.chooseProfile(u"fixture"_s);
            QVERIFY(activated.wait());
            activated.clear();
        }
        QVERIFY(m_profiles->remove(u"keyless"_s, nullptr)); // not the active one: no switch
        QTest::qWait(50);
        QCOMPARE(window.activeProfile(), u"fixture"_s);
        QVERIFY(m_profiles->remove(u"fixture"_s, nullptr));
        QVERIFY(activated.wait());
        QCOMPARE(window.activeProfile(), Profile::simulatorName());
        QVERIFY(chat(window, u"back on the simulator"_s).ok);
    }

    void morePoolThanDescriptorsIsCappedAndSaid() {
        PoolHost host(m_simulatorEndpoint, PoolConfig{});
        MainWindowContext fixture = context(&host, nullptr);
        fixture.descriptors.limit = 200; // (200 - 64) / 3 connections fit beside the simulator
        MainWindow window(fixture);
        PoolConfig asked;
        asked.maxConnections = 100;
        asked.minIdle = 80;
        emit window.settingsPage()->poolConfigApplied(asked);
        QVERIFY2(
            window.statusBar()->currentMessage().contains(u"max 45 connections, min idle 45"_s),
            qPrintable(window.statusBar()->currentMessage()));
        auto* warning = window.findChild<QMessageBox*>(u"warning"_s);
        QVERIFY(warning);
        QVERIFY2(warning->text().contains(u"at most 45"_s), qPrintable(warning->text()));
        QSettings settings;
        QCOMPARE(loadPoolConfig(settings).maxConnections, 100); // what was asked is kept
        warning->close();

        asked.maxConnections = 40;
        asked.minIdle = 0;
        emit window.settingsPage()->poolConfigApplied(asked);
        QVERIFY(window.statusBar()->currentMessage().contains(u"max 40 connections"_s));
        for (const QMessageBox* box : window.findChildren<QMessageBox*>(u"warning"_s))
            QVERIFY(!box->isVisible()); // no warning when it fits
    }

private:
    MainWindowContext context(PoolHost* host, PoolHost* compareHost) {
        MainWindowContext context;
        context.host = host;
        context.compareHost = compareHost;
        context.profiles = m_profiles.get();
        context.secrets = &m_secrets;
        context.simulatorEndpoint = m_simulatorEndpoint;
        context.historyPath = m_dir.filePath(u"chat-history.json"_s);
        return context;
    }

    QTemporaryDir m_dir;
    sim::SimulatorThread m_simulator;
    FixtureServer m_fixture;
    Endpoint m_simulatorEndpoint;
    std::unique_ptr<QSettings> m_profileSettings;
    std::unique_ptr<ProfileStore> m_profiles;
    MemorySecretStore m_secrets;
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
