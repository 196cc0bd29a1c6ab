#include "fallbacksecretstore.h"
#include "memorysecretstore.h"

#include "secretanswer.h"

#include <QSignalSpy>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

using Operation = SecretResult::Operation;
using Error = SecretResult::Error;

class tst_FallbackSecretStore : public QObject {
    Q_OBJECT
private slots:
    void usesTheKeychainWhileThereIsOne() {
        MemorySecretStore keychain;
        FallbackSecretStore store(&keychain);
        QSignalSpy spy(&store, &SecretStore::finished);
        QSignalSpy sessionOnly(&store, &FallbackSecretStore::sessionOnlyStarted);
        store.write(u"openai"_s, "sk-kept");
        QVERIFY(secretAnswer(spy).ok());
        QVERIFY(keychain.contains(u"openai"_s)); // it went to the keychain
        store.read(u"openai"_s);
        QCOMPARE(secretAnswer(spy).secret, QByteArray("sk-kept"));
        store.read(u"missing"_s);
        QCOMPARE(secretAnswer(spy).error, Error::NotFound);
        QVERIFY(store.isPersistent());
        QCOMPARE(sessionOnly.size(), 0);
    }

    void otherKeychainErrorsAreReportedNotHidden() {
        MemorySecretStore keychain;
        keychain.setFailure(Error::AccessDenied, u"the keychain is locked"_s);
        FallbackSecretStore store(&keychain);
        QSignalSpy spy(&store, &SecretStore::finished);
        store.write(u"openai"_s, "sk-x");
        const SecretResult result = secretAnswer(spy);
        QCOMPARE(result.error, Error::AccessDenied); // a locked keychain is not "no keychain"
        QVERIFY(store.isPersistent());
    }

    void noBackendSwitchesToSessionOnlyAndSaysWhy() {
        MemorySecretStore keychain;
        keychain.setFailure(Error::NoBackend, u"no secret service is running"_s);
        FallbackSecretStore store(&keychain);
        QSignalSpy spy(&store, &SecretStore::finished);
        QSignalSpy sessionOnly(&store, &FallbackSecretStore::sessionOnlyStarted);

        store.write(u"anthropic"_s, "sk-ant-session");
        const SecretResult written = secretAnswer(spy);
        QVERIFY2(written.ok(), qPrintable(written.errorString)); // replayed in memory
        QCOMPARE(written.operation, Operation::Write);
        QCOMPARE(sessionOnly.size(), 1);
        const QString reason = sessionOnly.first().at(0).toString();
        QVERIFY2(reason.contains(u"no secret service is running"_s), qPrintable(reason));
        QVERIFY(reason.contains(u"session only"_s));
        QVERIFY(!store.isPersistent());
        QVERIFY(store.isSessionOnly());
        QVERIFY(!keychain.contains(u"anthropic"_s));

        // From now on the keychain is not asked again.
        keychain.clearFailure();
        store.read(u"anthropic"_s);
        QCOMPARE(secretAnswer(spy).secret, QByteArray("sk-ant-session"));
        QVERIFY(!keychain.contains(u"anthropic"_s));
        store.remove(u"anthropic"_s);
        QVERIFY(secretAnswer(spy).ok());
        store.read(u"anthropic"_s);
        QCOMPARE(secretAnswer(spy).error, Error::NotFound);
        QCOMPARE(sessionOnly.size(), 1); // said once
    }

    void aReadWithNoBackendAnswersNotFoundFromTheSession() {
        MemorySecretStore keychain;
        keychain.setFailure(Error::NoBackend, u"no D-Bus session"_s);
        FallbackSecretStore store(&keychain);
        QSignalSpy spy(&store, &SecretStore::finished);
        store.read(u"groq"_s);
        const SecretResult result = secretAnswer(spy);
        QCOMPARE(result.operation, Operation::Read);
        QCOMPARE(result.error, Error::NotFound);
        QVERIFY(store.isSessionOnly());
    }

    void answersOfAnotherUserOfTheKeychainAreIgnored() {
        MemorySecretStore keychain;
        FallbackSecretStore store(&keychain);
        QSignalSpy spy(&store, &SecretStore::finished);
        keychain.read(u"direct"_s); // not through the fallback store
        QVERIFY(!spy.wait(200));
        QCOMPARE(spy.size(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_FallbackSecretStore)
#include "tst_fallbacksecretstore.moc"
