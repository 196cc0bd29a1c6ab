#include "apikeychoice.h"
#include "endpointresolver.h"
#include "memorysecretstore.h"

#include <QSignalSpy>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

Profile remoteProfile(const QString& envVar) {
    Profile profile;
    profile.name = u"remote"_s;
    profile.baseUrl = QUrl(u"https://api.example.test/v1"_s);
    profile.api = ApiStyle::Anthropic;
    profile.model = u"claude-sonnet-4-5"_s;
    profile.keyEnvVar = envVar;
    return profile;
}

Endpoint simulatorEndpoint() {
    Endpoint endpoint;
    endpoint.baseUrl = QUrl(u"http://127.0.0.1:40000/v1"_s);
    endpoint.model = u"sim-small"_s;
    return endpoint;
}

} // namespace

class tst_EndpointResolver : public QObject {
    Q_OBJECT
private slots:
    void init() { qunsetenv("POOLSCOPE_TEST_KEY"); }

    void storedKeyWinsOverTheEnvironment() {
        qputenv("POOLSCOPE_TEST_KEY", "from-env");
        SecretResult stored{SecretResult::Operation::Read, u"remote"_s, "from-keychain", {}, {}};
        QString error;
        const auto choice =
            chooseApiKey(remoteProfile(u"POOLSCOPE_TEST_KEY"_s), stored, true, &error);
        QVERIFY2(choice, qPrintable(error));
        QCOMPARE(choice->key, QByteArray("from-keychain"));
        QCOMPARE(choice->source, u"the OS keychain"_s);
    }

    void environmentWhenNothingIsStored() {
        qputenv("POOLSCOPE_TEST_KEY", "from-env");
        SecretResult missing{SecretResult::Operation::Read,
                             u"remote"_s,
                             {},
                             SecretResult::Error::NotFound,
                             u"none"_s};
        const auto choice =
            chooseApiKey(remoteProfile(u"POOLSCOPE_TEST_KEY"_s), missing, true, nullptr);
        QVERIFY(choice);
        QCOMPARE(choice->key, QByteArray("from-env"));
        QCOMPARE(choice->source, u"$POOLSCOPE_TEST_KEY"_s);
    }

    void noKeyAnywhereNamesWhatWasTried() {
        SecretResult broken{SecretResult::Operation::Read,
                            u"remote"_s,
                            {},
                            SecretResult::Error::NoBackend,
                            u"no secret service is running"_s};
        QString error;
        QVERIFY(!chooseApiKey(remoteProfile(u"POOLSCOPE_TEST_KEY"_s), broken, true, &error));
        QVERIFY2(error.contains(u"no secret service is running"_s), qPrintable(error));
        QVERIFY(error.contains(u"POOLSCOPE_TEST_KEY"_s));
        QVERIFY(error.contains(u"remote"_s));
    }

    void aLocalServerMayNeedNoKey() {
        SecretResult missing{SecretResult::Operation::Read,
                             u"remote"_s,
                             {},
                             SecretResult::Error::NotFound,
                             u"none"_s};
        const auto choice = chooseApiKey(remoteProfile(QString()), missing, true, nullptr);
        QVERIFY(choice);
        QVERIFY(choice->key.isEmpty());
    }

    void resolvesAProfileThroughTheStore() {
        MemorySecretStore secrets;
        QSignalSpy written(&secrets, &SecretStore::finished);
        secrets.write(u"remote"_s, "sk-stored");
        QVERIFY(written.wait());
        EndpointResolver resolver(&secrets, simulatorEndpoint());
        QSignalSpy resolved(&resolver, &EndpointResolver::resolved);
        QSignalSpy failed(&resolver, &EndpointResolver::failed);
        resolver.resolve(remoteProfile(u"POOLSCOPE_TEST_KEY"_s));
        QVERIFY(resolver.isBusy());
        QVERIFY(resolved.wait());
        QCOMPARE(failed.size(), 0);
        const auto endpoint = resolved.first().at(1).value<Endpoint>();
        QCOMPARE(endpoint.apiKey, QByteArray("sk-stored"));
        QCOMPARE(endpoint.name, u"remote"_s);
        QCOMPARE(endpoint.api, ApiStyle::Anthropic);
        QCOMPARE(endpoint.baseUrl, QUrl(u"https://api.example.test/v1"_s));
        // "session only": the memory store is not persistent.
        QCOMPARE(resolved.first().at(2).toString(), u"this session only"_s);
        QVERIFY(!resolver.isBusy());
    }

    void theSimulatorProfileMapsToTheSimulator() {
        MemorySecretStore secrets;
        EndpointResolver resolver(&secrets, simulatorEndpoint());
        QSignalSpy resolved(&resolver, &EndpointResolver::resolved);
        Profile simulator = Profile::simulator();
        simulator.model = u"sim-large"_s;
        resolver.resolve(simulator);
        QCOMPARE(resolved.size(), 0); // later, never from inside the call
        QVERIFY(resolved.wait());
        const auto endpoint = resolved.first().at(1).value<Endpoint>();
        QCOMPARE(endpoint.baseUrl, simulatorEndpoint().baseUrl);
        QCOMPARE(endpoint.model, u"sim-large"_s);
        QCOMPARE(endpoint.name, Profile::simulatorName());
    }

    void aMissingKeyFailsWithTheReason() {
        MemorySecretStore secrets;
        EndpointResolver resolver(&secrets, simulatorEndpoint());
        QSignalSpy failed(&resolver, &EndpointResolver::failed);
        resolver.resolve(remoteProfile(u"POOLSCOPE_TEST_KEY"_s));
        QVERIFY(failed.wait());
        QVERIFY(failed.first().at(1).toString().contains(u"POOLSCOPE_TEST_KEY"_s));
    }

    void theLastChoiceWins() {
        MemorySecretStore secrets;
        secrets.setResponseDelay(std::chrono::milliseconds(50));
        EndpointResolver resolver(&secrets, simulatorEndpoint());
        QSignalSpy resolved(&resolver, &EndpointResolver::resolved);
        QSignalSpy failed(&resolver, &EndpointResolver::failed);
        resolver.resolve(remoteProfile(u"POOLSCOPE_TEST_KEY"_s)); // would fail: no key
        resolver.resolve(Profile::simulator());                   // the person changed their mind
        QVERIFY(resolved.wait());
        QTest::qWait(150); // the keychain's late answer for "remote" must be ignored
        QCOMPARE(resolved.size(), 1);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(resolved.first().at(0).value<Profile>().name, Profile::simulatorName());
    }
};

QTEST_GUILESS_MAIN(tst_EndpointResolver)
#include "tst_endpointresolver.moc"
