#include "profilestore.h"
#include "providerpresets.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

Profile openAiProfile(const QString& name = u"openai"_s) {
    return Profile::fromPreset(name, *findProviderPreset(u"openai"_s));
}

} // namespace

class tst_ProfileStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_path;

private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + u".conf"_s);
        QFile::remove(m_path);
    }

    void simulatorAlwaysExists() {
        QSettings settings(m_path, QSettings::IniFormat);
        ProfileStore store(&settings);
        const QList<Profile> profiles = store.profiles();
        QCOMPARE(profiles.size(), 1);
        QCOMPARE(profiles.first(), Profile::simulator());
        QVERIFY(profiles.first().usesSimulator());
        QVERIFY(store.contains(u"simulator"_s));

        QString error;
        QVERIFY(!store.remove(u"simulator"_s, &error));
        QVERIFY(error.contains(u"built in"_s));
        Profile changed = Profile::simulator();
        changed.model = u"sim-large"_s;
        QVERIFY(!store.replace(changed, &error));
        QVERIFY(!store.add(changed, &error));
        QCOMPARE(store.profile(u"simulator"_s)->model, u"sim-small"_s);
        QVERIFY(!QFile::exists(m_path)); // nothing written for a built-in
    }

    void roundTripEveryField_data() {
        QTest::addColumn<Profile>("profile");
        QTest::addRow("preset") << openAiProfile();
        Profile full;
        full.name = u"corp-claude_2.1"_s;
        full.baseUrl = QUrl(u"https://llm-gateway.example.com/anthropic/v1"_s);
        full.api = ApiStyle::Anthropic;
        full.model = u"claude-sonnet-4-5"_s;
        full.caCertificatePath = u"/etc/ssl/corp-root.pem"_s;
        full.proxyUrl = QUrl(u"socks5://proxy.example.com:1080"_s);
        full.keyEnvVar = u"CORP_LLM_KEY"_s;
        QTest::addRow("every field") << full;
        Profile local;
        local.name = u"ollama"_s;
        local.baseUrl = QUrl(u"http://127.0.0.1:11434/v1"_s);
        local.model = u"llama3.2"_s;
        QTest::addRow("keyless local") << local;
    }
    void roundTripEveryField() {
        QFETCH(Profile, profile);
        {
            QSettings settings(m_path, QSettings::IniFormat);
            ProfileStore store(&settings);
            QSignalSpy changed(&store, &ProfileStore::profilesChanged);
            QString error;
            QVERIFY2(store.add(profile, &error), qPrintable(error));
            QCOMPARE(changed.size(), 1);
            QCOMPARE(*store.profile(profile.name), profile);
        }
        // A fresh settings object on the same file: it really is on disk.
        QSettings settings(m_path, QSettings::IniFormat);
        const ProfileStore store(&settings);
        QCOMPARE(store.names(), (QStringList{u"simulator"_s, profile.name}));
        QCOMPARE(*store.profile(profile.name), profile);
    }

    void storesNoSecretsAndOnlyKnownKeys() {
        QSettings settings(m_path, QSettings::IniFormat);
        ProfileStore store(&settings);
        Profile profile = openAiProfile();
        profile.caCertificatePath = u"/tmp/ca.pem"_s;
        profile.proxyUrl = QUrl(u"http://user@proxy.example.com:3128"_s);
        QString error;
        QVERIFY2(store.add(profile, &error), qPrintable(error));
        const QStringList allowed = {u"base_url"_s,       u"api"_s,   u"model"_s,
                                     u"ca_certificate"_s, u"proxy"_s, u"key_env"_s};
        for (const QString& key : settings.allKeys()) {
            QVERIFY2(key.startsWith(u"profiles/openai/"_s), qPrintable(key));
            QVERIFY2(allowed.contains(key.section(u'/', 2)), qPrintable(key));
        }
    }

    void namesAreUniqueIgnoringCase() {
        QSettings settings(m_path, QSettings::IniFormat);
        ProfileStore store(&settings);
        QString error;
        QVERIFY(store.add(openAiProfile(u"work"_s), &error));
        QVERIFY(!store.add(openAiProfile(u"work"_s), &error));
        QVERIFY(error.contains(u"already exists"_s));
        QVERIFY(!store.add(openAiProfile(u"WORK"_s), &error));
        QCOMPARE(store.names(), (QStringList{u"simulator"_s, u"work"_s}));
    }

    void listIsSimulatorThenByName() {
        QSettings settings(m_path, QSettings::IniFormat);
        ProfileStore store(&settings);
        QString error;
        for (const QString& name : {u"zeta"_s, u"Alpha"_s, u"mid"_s})
            QVERIFY(store.add(openAiProfile(name), &error));
        QCOMPARE(store.names(), (QStringList{u"simulator"_s, u"Alpha"_s, u"mid"_s, u"zeta"_s}));
    }

    void rejectsInvalidProfiles_data() {
        QTest::addColumn<Profile>("profile");
        QTest::addColumn<QString>("message");
        const Profile good = openAiProfile();
        Profile p = good;
        p.name = u"has space"_s;
        QTest::addRow("name with space") << p << u"invalid profile name"_s;
        p.name = u"a/b"_s;
        QTest::addRow("name with slash") << p << u"invalid profile name"_s;
        p.name = u"-flag"_s;
        QTest::addRow("name like an option") << p << u"invalid profile name"_s;
        p.name = QString(65, u'x');
        QTest::addRow("name too long") << p << u"invalid profile name"_s;
        p = good;
        p.baseUrl = QUrl(u"ftp://api.openai.com/v1"_s);
        QTest::addRow("not http") << p << u"http"_s;
        p.baseUrl = QUrl();
        QTest::addRow("no url") << p << u"needs a base URL"_s;
        p.baseUrl = QUrl(u"https://user:sk-secret@api.openai.com/v1"_s);
        QTest::addRow("credentials in url") << p << u"password"_s;
        p = good;
        p.proxyUrl = QUrl(u"http://me:hunter2@proxy:3128"_s);
        QTest::addRow("proxy password") << p << u"password"_s;
        p.proxyUrl = QUrl(u"ftp://proxy:21"_s);
        QTest::addRow("proxy scheme") << p << u"proxy"_s;
        p = good;
        p.keyEnvVar = u"NOT-A-VAR"_s;
        QTest::addRow("env var") << p << u"environment variable"_s;
        p = good;
        p.model = u"  "_s;
        QTest::addRow("no model") << p << u"needs a model"_s;
    }
    void rejectsInvalidProfiles() {
        QFETCH(Profile, profile);
        QFETCH(QString, message);
        QSettings settings(m_path, QSettings::IniFormat);
        ProfileStore store(&settings);
        QString error;
        QVERIFY(!store.add(profile, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QCOMPARE(store.names(), QStringList{u"simulator"_s});
    }

    void replaceAndRemove() {
        QSettings settings(m_path, QSettings::IniFormat);
        ProfileStore store(&settings);
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        QString error;
        Profile profile = openAiProfile();
        profile.caCertificatePath = u"/tmp/ca.pem"_s;
        QVERIFY(store.add(profile, &error));
        profile.model = u"gpt-4.1"_s;
        profile.caCertificatePath.clear();
        QVERIFY2(store.replace(profile, &error), qPrintable(error));
        QCOMPARE(*store.profile(u"openai"_s), profile);
        QVERIFY(!settings.contains(u"profiles/openai/ca_certificate"_s)); // no stale keys

        QVERIFY(!store.replace(openAiProfile(u"ghost"_s), &error));
        QVERIFY(error.contains(u"no profile"_s));
        QVERIFY(!store.remove(u"ghost"_s, &error));

        QVERIFY(store.remove(u"openai"_s, &error));
        QVERIFY(!store.contains(u"openai"_s));
        QCOMPARE(changed.size(), 3);
        QSettings reread(m_path, QSettings::IniFormat);
        QVERIFY(reread.allKeys().isEmpty());
    }

    void seesWritesFromAnotherProcess() {
        QSettings mine(m_path, QSettings::IniFormat);
        const ProfileStore store(&mine);
        QCOMPARE(store.names().size(), 1);
        {
            QSettings theirs(m_path, QSettings::IniFormat); // e.g. `poolscope profile add`
            ProfileStore other(&theirs);
            QString error;
            QVERIFY(other.add(openAiProfile(u"from-cli"_s), &error));
        }
        QVERIFY(store.contains(u"from-cli"_s));
    }

    void skipsHandEditedBrokenEntries() {
        {
            QSettings settings(m_path, QSettings::IniFormat);
            settings.setValue(u"profiles/broken/base_url"_s, u"not a url"_s);
            settings.setValue(u"profiles/broken/model"_s, u"m"_s);
            settings.setValue(u"profiles/simulator/base_url"_s, u"https://evil.example.com"_s);
            settings.setValue(u"profiles/fine/base_url"_s, u"https://api.openai.com/v1"_s);
            settings.setValue(u"profiles/fine/model"_s, u"gpt-4.1"_s);
        }
        QSettings settings(m_path, QSettings::IniFormat);
        const ProfileStore store(&settings);
        QCOMPARE(store.names(), (QStringList{u"simulator"_s, u"fine"_s}));
        QVERIFY(store.profile(u"simulator"_s)->usesSimulator());
        QCOMPARE(store.profile(u"fine"_s)->api, ApiStyle::OpenAI); // missing api: the default
    }

    // QSettings writes through QSaveFile (temporary file + rename) unless told otherwise; the
    // store relies on that and refuses to write when it has been switched off.
    void writesAtomically() {
        QSettings settings(m_path, QSettings::IniFormat);
        QVERIFY(settings.isAtomicSyncRequired());
        ProfileStore store(&settings);
        QString error;
        QVERIFY(store.add(openAiProfile(u"one"_s), &error));
        QVERIFY(store.add(openAiProfile(u"two"_s), &error));
        QVERIFY(store.remove(u"one"_s, &error));
        // No temporary or lock files left behind next to the settings file.
        const QStringList left =
            QDir(m_dir.path())
                .entryList({QFileInfo(m_path).fileName() + u"*"_s}, QDir::Files | QDir::Hidden);
        QCOMPARE(left, QStringList{QFileInfo(m_path).fileName()});

        const QByteArray before = [this] {
            QFile file(m_path);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        }();
        settings.setAtomicSyncRequired(false);
        QVERIFY(!store.add(openAiProfile(u"three"_s), &error));
        QVERIFY(error.contains(u"atomic"_s));
        QVERIFY(!store.remove(u"two"_s, &error));
        settings.sync();
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), before);
    }

    void reportsUnwritableSettings() {
        // A directory where the file should be: no temporary file can replace it.
        QVERIFY(QDir().mkpath(m_path));
        QSettings settings(m_path, QSettings::IniFormat);
        ProfileStore store(&settings);
        QString error;
        QVERIFY(!store.add(openAiProfile(), &error));
        QVERIFY2(error.contains(u"cannot write"_s), qPrintable(error));
    }

    void endpointFromProfile() {
        Profile profile = openAiProfile();
        profile.proxyUrl = QUrl(u"http://proxy.example.com"_s);
        QString error;
        auto endpoint = profile.toEndpoint("sk-123", &error);
        QVERIFY2(endpoint, qPrintable(error));
        QCOMPARE(endpoint->baseUrl, profile.baseUrl);
        QCOMPARE(endpoint->apiKey, QByteArray("sk-123"));
        QCOMPARE(endpoint->model, u"gpt-4.1-mini"_s);
        QVERIFY(endpoint->proxy);
        QCOMPARE(endpoint->proxy->type(), QNetworkProxy::HttpProxy);
        QCOMPARE(endpoint->proxy->port(), quint16(3128));

        profile.caCertificatePath = m_dir.filePath(u"missing.pem"_s);
        QVERIFY(!profile.toEndpoint("sk-123", &error));
        QVERIFY(error.contains(u"no PEM certificate"_s));
    }
};

QTEST_GUILESS_MAIN(tst_ProfileStore)
#include "tst_profilestore.moc"
