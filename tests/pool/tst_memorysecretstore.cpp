#include "memorysecretstore.h"

#include "secretanswer.h"

#include <QSignalSpy>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

using Operation = SecretResult::Operation;
using Error = SecretResult::Error;

class tst_MemorySecretStore : public QObject {
    Q_OBJECT
private slots:
    void roundTripIsAsynchronous() {
        MemorySecretStore store;
        QSignalSpy spy(&store, &SecretStore::finished);
        store.write(u"openai"_s, "sk-one");
        QCOMPARE(spy.size(), 0); // never from inside the call
        SecretResult result = secretAnswer(spy);
        QCOMPARE(result.operation, Operation::Write);
        QCOMPARE(result.profile, u"openai"_s);
        QVERIFY2(result.ok(), qPrintable(result.errorString));
        QVERIFY(result.secret.isEmpty()); // a write does not echo the key back

        store.read(u"openai"_s);
        QCOMPARE(spy.size(), 0);
        result = secretAnswer(spy);
        QCOMPARE(result.operation, Operation::Read);
        QVERIFY(result.ok());
        QCOMPARE(result.secret, QByteArray("sk-one"));
        QVERIFY(!store.isPersistent());
    }

    void replaceDeleteAndMissing() {
        MemorySecretStore store;
        QSignalSpy spy(&store, &SecretStore::finished);
        store.read(u"groq"_s);
        SecretResult result = secretAnswer(spy);
        QCOMPARE(result.error, Error::NotFound);
        QVERIFY(result.errorString.contains(u"groq"_s));

        store.write(u"groq"_s, "gsk-old");
        QVERIFY(secretAnswer(spy).ok());
        store.write(u"groq"_s, "gsk-new");
        QVERIFY(secretAnswer(spy).ok());
        store.read(u"groq"_s);
        QCOMPARE(secretAnswer(spy).secret, QByteArray("gsk-new"));
        QCOMPARE(store.profiles(), QStringList{u"groq"_s});

        store.remove(u"groq"_s);
        QVERIFY(secretAnswer(spy).ok());
        QVERIFY(!store.contains(u"groq"_s));
        store.read(u"groq"_s);
        QCOMPARE(secretAnswer(spy).error, Error::NotFound);
        store.remove(u"groq"_s); // removing what is not there is not an error
        result = secretAnswer(spy);
        QCOMPARE(result.operation, Operation::Remove);
        QVERIFY(result.ok());
    }

    void refusesEmptyKey() {
        MemorySecretStore store;
        QSignalSpy spy(&store, &SecretStore::finished);
        store.write(u"openai"_s, QByteArray());
        const SecretResult result = secretAnswer(spy);
        QCOMPARE(result.error, Error::Other);
        QVERIFY(!store.contains(u"openai"_s));
    }

    void injectedFailure_data() {
        QTest::addColumn<int>("error");
        QTest::addRow("no backend") << int(Error::NoBackend);
        QTest::addRow("access denied") << int(Error::AccessDenied);
        QTest::addRow("other") << int(Error::Other);
    }
    void injectedFailure() {
        QFETCH(int, error);
        MemorySecretStore store;
        QSignalSpy spy(&store, &SecretStore::finished);
        store.write(u"a"_s, "key-a");
        QVERIFY(secretAnswer(spy).ok());

        store.setFailure(Error(error), u"the backend says no"_s);
        store.write(u"b"_s, "key-b");
        SecretResult result = secretAnswer(spy);
        QCOMPARE(int(result.error), error);
        QCOMPARE(result.errorString, u"the backend says no"_s);
        QVERIFY(!store.contains(u"b"_s)); // a failed write stores nothing
        store.read(u"a"_s);
        result = secretAnswer(spy);
        QCOMPARE(int(result.error), error);
        QVERIFY(result.secret.isEmpty()); // a failed read carries no key
        store.remove(u"a"_s);
        QCOMPARE(int(secretAnswer(spy).error), error);
        QVERIFY(store.contains(u"a"_s));

        store.clearFailure();
        store.read(u"a"_s);
        QCOMPARE(secretAnswer(spy).secret, QByteArray("key-a"));
    }

    void slowBackendTimesOut() {
        MemorySecretStore store;
        store.setTimeout(std::chrono::milliseconds(50));
        store.setResponseDelay(std::chrono::milliseconds(10000));
        QSignalSpy spy(&store, &SecretStore::finished);
        store.write(u"openai"_s, "sk-one");
        QVERIFY(spy.wait(2000)); // bounded by the timeout, not the backend's 10 s
        const SecretResult result = spy.takeFirst().at(0).value<SecretResult>();
        QCOMPARE(result.error, Error::TimedOut);
        QVERIFY(result.errorString.contains(u"50 ms"_s));
        QVERIFY(result.secret.isEmpty());
    }

    void answersCanBeMatchedWhenInterleaved() {
        MemorySecretStore store;
        QSignalSpy spy(&store, &SecretStore::finished);
        store.write(u"a"_s, "key-a");
        store.write(u"b"_s, "key-b");
        QTRY_COMPARE(spy.size(), 2);
        spy.clear();
        store.read(u"b"_s);
        store.read(u"a"_s);
        store.read(u"c"_s);
        QTRY_COMPARE(spy.size(), 3);
        QHash<QString, SecretResult> byProfile;
        for (const QList<QVariant>& arguments : std::as_const(spy)) {
            const auto result = arguments.at(0).value<SecretResult>();
            byProfile.insert(result.profile, result);
        }
        QCOMPARE(byProfile.value(u"a"_s).secret, QByteArray("key-a"));
        QCOMPARE(byProfile.value(u"b"_s).secret, QByteArray("key-b"));
        QCOMPARE(byProfile.value(u"c"_s).error, Error::NotFound);
    }

    void operationNames() {
        QCOMPARE(secretOperationName(Operation::Read), u"read"_s);
        QCOMPARE(secretOperationName(Operation::Write), u"write"_s);
        QCOMPARE(secretOperationName(Operation::Remove), u"remove"_s);
    }
};

QTEST_GUILESS_MAIN(tst_MemorySecretStore)
#include "tst_memorysecretstore.moc"
