// Profiles and API keys through the real binary, against the real OS keychain: run inside
// `dbus-run-session` with an unlocked gnome-keyring (scripts/test.sh does).
#include <QDirIterator>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

const QString kBinary = QStringLiteral(POOLSCOPE_BINARY_DIR) + u"/app/poolscope"_s;
const QString kKeyVariable = u"POOLSCOPE_TST_KEY"_s;

QString randomHex() {
    return QString::number(QRandomGenerator::global()->generate64(), 16) +
           QString::number(QRandomGenerator::global()->generate64(), 16);
}

struct Result {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Private XDG folders, so profiles land in a temporary config folder and the leak test can read
// every file the app wrote; the D-Bus session (and its keyring) is the test's own.
struct Sandbox {
    Sandbox() {
        environment = QProcessEnvironment::systemEnvironment();
        for (const QString& folder : {u"config"_s, u"data"_s, u"cache"_s})
            QDir(root.path()).mkpath(folder);
        environment.insert(u"XDG_CONFIG_HOME"_s, root.filePath(u"config"_s));
        environment.insert(u"XDG_DATA_HOME"_s, root.filePath(u"data"_s));
        environment.insert(u"XDG_CACHE_HOME"_s, root.filePath(u"cache"_s));
        environment.remove(kKeyVariable);
    }
    QTemporaryDir root;
    QProcessEnvironment environment;
};

// Runs poolscope to the end while this thread's event loop keeps serving (the test's server).
Result runPoolscope(const QProcessEnvironment& environment, const QStringList& arguments,
                    const QByteArray& input = {}) {
    QProcess process;
    process.setProcessEnvironment(environment);
    QEventLoop loop;
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    process.start(kBinary, arguments);
    Result result;
    if (!process.waitForStarted()) {
        result.err = "cannot start " + kBinary.toLocal8Bit();
        return result;
    }
    process.write(input);
    process.closeWriteChannel();
    if (process.state() != QProcess::NotRunning)
        loop.exec();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

// A minimal OpenAI-compatible server on 127.0.0.1 that remembers the Authorization header of
// every request: proof of which key actually went out.
class KeyCapturingServer : public QObject {
public:
    KeyCapturingServer() {
        QFile file(QStringLiteral(POOLSCOPE_TEST_DATA) + u"/providers/openai_response.json"_s);
        if (file.open(QIODevice::ReadOnly))
            m_body = file.readAll();
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    QString baseUrl() const {
        return u"http://127.0.0.1:"_s + QString::number(m_server.serverPort()) + u"/v1"_s;
    }
    QList<QByteArray> authorizations;

private:
    void serve(QTcpSocket* socket) {
        QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                break;
            qsizetype length = 0;
            QByteArray authorization;
            const QList<QByteArray> lines = buffer.left(end).split('\n');
            for (const QByteArray& line : lines.mid(1)) {
                const qsizetype colon = line.indexOf(':');
                const QByteArray name = line.left(colon).trimmed().toLower();
                const QByteArray value = line.mid(colon + 1).trimmed();
                if (name == "content-length")
                    length = value.toLongLong();
                else if (name == "authorization")
                    authorization = value;
            }
            if (buffer.size() < end + 4 + length)
                break;
            buffer.remove(0, end + 4 + length);
            authorizations.append(authorization);
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                          QByteArray::number(m_body.size()) + "\r\n\r\n" + m_body);
        }
        socket->setProperty("buffer", buffer);
    }

    QTcpServer m_server;
    QByteArray m_body;
};

} // namespace

class tst_Keychain : public QObject {
    Q_OBJECT

    // Removes the profile (and with it its keychain entry) however the test ends.
    struct ProfileGuard {
        const Sandbox& sandbox;
        QString name;
        ~ProfileGuard() { runPoolscope(sandbox.environment, {u"profile"_s, u"remove"_s, name}); }
    };

    static Result addProfile(const Sandbox& sandbox, const QString& name, const QString& baseUrl) {
        return runPoolscope(sandbox.environment,
                            {u"profile"_s, u"add"_s, name, u"--base-url"_s, baseUrl, u"--api"_s,
                             u"openai"_s, u"--model"_s, u"sim-small"_s, u"--api-key-env"_s,
                             kKeyVariable});
    }

private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("needs a D-Bus session with an unlocked gnome-keyring: run inside "
                  "dbus-run-session (scripts/test.sh does)");
        QVERIFY2(QFile::exists(kBinary), qPrintable(kBinary));
    }

    void profileAddListRemove() {
        Sandbox sandbox;
        const QString name = u"kc-"_s + randomHex().left(8);
        ProfileGuard guard{sandbox, name};
        const QProcessEnvironment& env = sandbox.environment;

        Result r = runPoolscope(env, {u"profile"_s, u"add"_s, name, u"--preset"_s, u"groq"_s});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runPoolscope(env, {u"profile"_s, u"add"_s, name, u"--preset"_s, u"groq"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("already exists"), r.err.constData());

        r = runPoolscope(env, {u"profile"_s, u"list"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray list = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.at(0).toObject().value(u"name"_s).toString(), u"simulator"_s);
        const QJsonObject added = list.at(1).toObject();
        QCOMPARE(added.value(u"name"_s).toString(), name);
        QCOMPARE(added.value(u"base_url"_s).toString(), u"https://api.groq.com/openai/v1"_s);
        QCOMPARE(added.value(u"api"_s).toString(), u"openai"_s);
        QCOMPARE(added.value(u"key_env"_s).toString(), u"GROQ_API_KEY"_s);
        r = runPoolscope(env, {u"profile"_s, u"list"_s});
        QVERIFY(r.out.contains(name.toUtf8()));
        QVERIFY(r.out.contains("simulator"));
        QVERIFY(QFile::exists(sandbox.root.filePath(u"config/PoolScope/PoolScope.conf"_s)));

        r = runPoolscope(env, {u"profile"_s, u"remove"_s, name});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runPoolscope(env, {u"profile"_s, u"list"_s, u"--json"_s});
        QCOMPARE(QJsonDocument::fromJson(r.out).array().size(), 1);
        r = runPoolscope(env, {u"profile"_s, u"remove"_s, name});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no profile named"), r.err.constData());
    }

    void badProfileUsageExitsTwo_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        QTest::addRow("remove simulator")
            << QStringList{u"profile"_s, u"remove"_s, u"simulator"_s} << QByteArray("built in");
        QTest::addRow("bad name") << QStringList{u"profile"_s, u"add"_s, u"a b"_s, u"--preset"_s,
                                                 u"openai"_s}
                                  << QByteArray("invalid profile name");
        QTest::addRow("no url") << QStringList{u"profile"_s, u"add"_s, u"x"_s, u"--model"_s, u"m"_s}
                                << QByteArray("--base-url is required");
        QTest::addRow("unknown preset")
            << QStringList{u"profile"_s, u"add"_s, u"x"_s, u"--preset"_s, u"skynet"_s}
            << QByteArray("unknown --preset");
        QTest::addRow("bad api") << QStringList{u"profile"_s,
                                                u"add"_s,
                                                u"x"_s,
                                                u"--base-url"_s,
                                                u"https://h.example/v1"_s,
                                                u"--api"_s,
                                                u"soap"_s,
                                                u"--model"_s,
                                                u"m"_s}
                                 << QByteArray("--api expects");
        QTest::addRow("url without scheme")
            << QStringList{u"profile"_s,           u"add"_s,     u"x"_s, u"--base-url"_s,
                           u"api.openai.com/v1"_s, u"--model"_s, u"m"_s}
            << QByteArray("https://");
        QTest::addRow("keys for unknown profile")
            << QStringList{u"keys"_s, u"set"_s, u"ghost"_s} << QByteArray("no profile named");
        QTest::addRow("keys for simulator")
            << QStringList{u"keys"_s, u"delete"_s, u"simulator"_s} << QByteArray("needs no key");
        QTest::addRow("keys without name")
            << QStringList{u"keys"_s, u"set"_s} << QByteArray("exactly one profile name");
        QTest::addRow("run unknown profile")
            << QStringList{u"run"_s, u"--profile"_s, u"ghost"_s} << QByteArray("no profile named");
    }
    void badProfileUsageExitsTwo() {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        Sandbox sandbox;
        const Result r = runPoolscope(sandbox.environment, arguments);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), r.err.constData());
    }

    void keyRoundTripReachesTheServer() {
        Sandbox sandbox;
        KeyCapturingServer server;
        const QString name = u"kc-"_s + randomHex().left(8);
        ProfileGuard guard{sandbox, name};
        QProcessEnvironment env = sandbox.environment;
        Result r = addProfile(sandbox, name, server.baseUrl());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList runArguments{u"run"_s,        u"--profile"_s, name,
                                       u"--requests"_s, u"2"_s,         u"--quiet"_s};

        // Missing: neither the keychain nor the variable has a key; the error names both.
        r = runPoolscope(env, runArguments);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("keychain has no key") && r.err.contains(kKeyVariable.toUtf8()),
                 r.err.constData());
        QVERIFY(server.authorizations.isEmpty());
        r = runPoolscope(env, {u"keys"_s, u"list"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).array().at(0)[u"keychain"_s].toBool(), false);

        // Set (with the newline echo adds), then the server receives exactly that key.
        const QByteArray first = "sk-first-" + randomHex().toLatin1();
        r = runPoolscope(env, {u"keys"_s, u"set"_s, name}, first + '\n');
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runPoolscope(env, runArguments);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(server.authorizations, (QList<QByteArray>{"Bearer " + first, "Bearer " + first}));
        r = runPoolscope(env, {u"keys"_s, u"list"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(name.toUtf8()));
        QVERIFY(!r.out.contains(first));
        r = runPoolscope(env, {u"keys"_s, u"list"_s, u"--json"_s});
        QCOMPARE(QJsonDocument::fromJson(r.out).array().at(0)[u"keychain"_s].toBool(), true);

        // Replace.
        const QByteArray second = "sk-second-" + randomHex().toLatin1();
        r = runPoolscope(env, {u"keys"_s, u"set"_s, name}, second);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        server.authorizations.clear();
        r = runPoolscope(env, runArguments);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(server.authorizations.value(0), "Bearer " + second);

        // The keychain wins over the variable while it has a key.
        env.insert(kKeyVariable, u"sk-from-env"_s);
        server.authorizations.clear();
        r = runPoolscope(env, runArguments);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(server.authorizations.value(0), "Bearer " + second);

        // Delete: the variable takes over; deleting again has nothing to do.
        r = runPoolscope(env, {u"keys"_s, u"delete"_s, name});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("deleted"));
        server.authorizations.clear();
        r = runPoolscope(env, runArguments);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(server.authorizations.value(0), QByteArray("Bearer sk-from-env"));
        r = runPoolscope(env, {u"keys"_s, u"delete"_s, name});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("nothing to delete"));

        // Empty input is refused, and stores nothing.
        r = runPoolscope(env, {u"keys"_s, u"set"_s, name}, "\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("empty key"), r.err.constData());
        r = runPoolscope(env, {u"keys"_s, u"list"_s, u"--json"_s});
        QCOMPARE(QJsonDocument::fromJson(r.out).array().at(0)[u"keychain"_s].toBool(), false);
    }

    void noSecretService_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("input");
        QTest::addRow("keys set") << QStringList{u"keys"_s, u"set"_s} << QByteArray("sk-x\n");
        QTest::addRow("keys delete") << QStringList{u"keys"_s, u"delete"_s} << QByteArray();
        QTest::addRow("keys list") << QStringList{u"keys"_s, u"list"_s} << QByteArray();
    }
    void noSecretService() {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, input);
        Sandbox sandbox;
        const QString name = u"kc-"_s + randomHex().left(8);
        ProfileGuard guard{sandbox, name};
        QVERIFY(addProfile(sandbox, name, u"https://llm.example.com/v1"_s).exitCode == 0);
        QProcessEnvironment env = sandbox.environment;
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent"_s);
        if (arguments.size() == 2 && arguments.last() != u"list"_s)
            arguments.append(name);
        const Result r = runPoolscope(env, arguments, input);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no secret service is running (install and unlock gnome-keyring "
                                "or KWallet); use a session-only key or an environment variable"),
                 r.err.constData());
    }

    void runFallsBackToTheVariableWithoutKeychain() {
        Sandbox sandbox;
        KeyCapturingServer server;
        const QString name = u"kc-"_s + randomHex().left(8);
        ProfileGuard guard{sandbox, name};
        QVERIFY(addProfile(sandbox, name, server.baseUrl()).exitCode == 0);
        QProcessEnvironment env = sandbox.environment;
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent"_s);
        const QStringList runArguments{u"run"_s, u"--profile"_s, name, u"--quiet"_s};

        Result r = runPoolscope(env, runArguments);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("no secret service is running") &&
                     r.err.contains(kKeyVariable.toUtf8()),
                 r.err.constData());
        env.insert(kKeyVariable, u"sk-env-only"_s);
        r = runPoolscope(env, runArguments);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(server.authorizations, QList<QByteArray>{"Bearer sk-env-only"});
    }

    void simulatorProfileNeedsNoKey() {
        Sandbox sandbox;
        const Result r =
            runPoolscope(sandbox.environment, {u"run"_s, u"--profile"_s, u"simulator"_s,
                                               u"--requests"_s, u"3"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(u"succeeded"_s).toInt(), 3);
    }

    // The key must appear in no file the app writes: settings, data, cache, results, summary,
    // nor in anything it prints.
    void keyIsWrittenNowhere() {
        Sandbox sandbox;
        KeyCapturingServer server;
        const QString name = u"kc-"_s + randomHex().left(8);
        ProfileGuard guard{sandbox, name};
        const QByteArray key = "sk-leakcheck-" + randomHex().toLatin1();
        QList<Result> results;
        results.append(addProfile(sandbox, name, server.baseUrl()));
        results.append(runPoolscope(sandbox.environment, {u"keys"_s, u"set"_s, name}, key));
        const QString out = sandbox.root.filePath(u"records.jsonl"_s);
        const QString summary = sandbox.root.filePath(u"summary.json"_s);
        results.append(
            runPoolscope(sandbox.environment, {u"run"_s, u"--profile"_s, name, u"--requests"_s,
                                               u"20"_s, u"--concurrency"_s, u"4"_s, u"--out"_s, out,
                                               u"--summary"_s, summary, u"--json"_s}));
        results.append(runPoolscope(sandbox.environment, {u"keys"_s, u"list"_s}));
        results.append(runPoolscope(sandbox.environment, {u"profile"_s, u"list"_s, u"--json"_s}));
        for (const Result& r : std::as_const(results))
            QVERIFY2(r.exitCode == 0, r.err.constData());
        // The key did go out (else the search below proves nothing)...
        QCOMPARE(server.authorizations.size(), 20);
        for (const QByteArray& authorization : std::as_const(server.authorizations))
            QCOMPARE(authorization, "Bearer " + key);

        // ...and is nowhere else, in clear or in base64.
        const QList<QByteArray> needles{key, key.toBase64(), key.mid(3)};
        int files = 0;
        QDirIterator it(sandbox.root.path(), QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
            const QByteArray content = file.readAll();
            for (const QByteArray& needle : needles)
                QVERIFY2(!content.contains(needle), qPrintable(u"the key is in "_s + path));
            ++files;
        }
        QVERIFY(files >= 3); // settings, records, summary at least
        QVERIFY(QFileInfo(out).size() > 0);
        QVERIFY(QFileInfo(summary).size() > 0);
        for (const Result& r : std::as_const(results)) {
            for (const QByteArray& needle : needles) {
                QVERIFY(!r.out.contains(needle));
                QVERIFY(!r.err.contains(needle));
            }
        }
    }
};

QTEST_GUILESS_MAIN(tst_Keychain)
#include "tst_keychain.moc"
