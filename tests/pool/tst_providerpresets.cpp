#include "profile.h"
#include "providerpresets.h"

#include <QSet>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

class tst_ProviderPresets : public QObject {
    Q_OBJECT
private slots:
    void documentedPresets_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("baseUrl");
        QTest::addColumn<QString>("api");
        QTest::addColumn<QString>("keyEnvVar");
        QTest::addRow("openai") << u"openai"_s << u"https://api.openai.com/v1"_s << u"openai"_s
                                << u"OPENAI_API_KEY"_s;
        QTest::addRow("anthropic") << u"anthropic"_s << u"https://api.anthropic.com/v1"_s
                                   << u"anthropic"_s << u"ANTHROPIC_API_KEY"_s;
        QTest::addRow("gemini") << u"gemini"_s
                                << u"https://generativelanguage.googleapis.com/v1beta"_s
                                << u"gemini"_s << u"GEMINI_API_KEY"_s;
        QTest::addRow("deepseek") << u"deepseek"_s << u"https://api.deepseek.com"_s << u"openai"_s
                                  << u"DEEPSEEK_API_KEY"_s;
        QTest::addRow("holysheep") << u"holysheep"_s << u"https://api.holysheep.ai/v1"_s
                                   << u"openai"_s << u"HOLYSHEEP_API_KEY"_s;
        QTest::addRow("openrouter") << u"openrouter"_s << u"https://openrouter.ai/api/v1"_s
                                    << u"openai"_s << u"OPENROUTER_API_KEY"_s;
        QTest::addRow("groq") << u"groq"_s << u"https://api.groq.com/openai/v1"_s << u"openai"_s
                              << u"GROQ_API_KEY"_s;
        QTest::addRow("mistral") << u"mistral"_s << u"https://api.mistral.ai/v1"_s << u"openai"_s
                                 << u"MISTRAL_API_KEY"_s;
        QTest::addRow("together") << u"together"_s << u"https://api.together.ai/v1"_s << u"openai"_s
                                  << u"TOGETHER_API_KEY"_s;
        QTest::addRow("ollama") << u"ollama"_s << u"http://localhost:11434/v1"_s << u"openai"_s
                                << QString();
        QTest::addRow("llamacpp") << u"llamacpp"_s << u"http://localhost:8080/v1"_s << u"openai"_s
                                  << QString();
        QTest::addRow("vllm") << u"vllm"_s << u"http://localhost:8000/v1"_s << u"openai"_s
                              << QString();
        QTest::addRow("lmstudio") << u"lmstudio"_s << u"http://localhost:1234/v1"_s << u"openai"_s
                                  << QString();
        QTest::addRow("simulator") << u"simulator"_s << QString() << u"openai"_s << QString();
    }
    void documentedPresets() {
        QFETCH(QString, id);
        QFETCH(QString, baseUrl);
        QFETCH(QString, api);
        QFETCH(QString, keyEnvVar);
        const auto preset = findProviderPreset(id);
        QVERIFY(preset);
        QCOMPARE(preset->id, id);
        QCOMPARE(preset->baseUrl.toString(), baseUrl);
        QCOMPARE(apiStyleName(preset->api), api);
        QCOMPARE(preset->keyEnvVar, keyEnvVar);
        QVERIFY(!preset->defaultModel.isEmpty());
        QCOMPARE(preset->isSimulator(), id == u"simulator"_s);
        // Cloud keys only ever travel over TLS; local servers need no key.
        if (!preset->local)
            QCOMPARE(preset->baseUrl.scheme(), u"https"_s);
        QCOMPARE(preset->local, keyEnvVar.isEmpty());
    }

    void idsAndNamesAreUnique() {
        QSet<QString> ids, names;
        for (const ProviderPreset& preset : providerPresets()) {
            QCOMPARE(preset.id, preset.id.toLower());
            QVERIFY2(!ids.contains(preset.id), qPrintable(preset.id));
            QVERIFY2(!names.contains(preset.displayName.toLower()), qPrintable(preset.displayName));
            ids.insert(preset.id);
            names.insert(preset.displayName.toLower());
        }
        QCOMPARE(ids.size(), 14);
    }

    void findsByIdOrDisplayName() {
        QCOMPARE(findProviderPreset(u"Google Gemini"_s)->id, u"gemini"_s);
        QCOMPARE(findProviderPreset(u"LLAMA.CPP SERVER"_s)->id, u"llamacpp"_s);
        QCOMPARE(findProviderPreset(u" lmstudio "_s)->id, u"lmstudio"_s);
        QVERIFY(!findProviderPreset(u"openai2"_s));
        QVERIFY(!findProviderPreset(QString()));
    }

    void matchesUrls_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected"); // empty: no preset
        QTest::addRow("openai") << u"https://api.openai.com/v1"_s << u"openai"_s;
        QTest::addRow("other path") << u"https://api.openai.com/v2/"_s << u"openai"_s;
        QTest::addRow("host case") << u"https://API.Anthropic.com/v1"_s << u"anthropic"_s;
        QTest::addRow("loopback ip") << u"http://127.0.0.1:11434/v1"_s << u"ollama"_s;
        QTest::addRow("ipv6 loopback") << u"http://[::1]:8000/v1"_s << u"vllm"_s;
        QTest::addRow("other port") << u"http://localhost:9999/v1"_s << QString();
        QTest::addRow("plain http cloud") << u"http://api.openai.com/v1"_s << QString();
        QTest::addRow("unknown host") << u"https://llm.example.com/v1"_s << QString();
        QTest::addRow("not a url") << u"nonsense"_s << QString();
    }
    void matchesUrls() {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        const auto preset = providerPresetForUrl(QUrl(url));
        QCOMPARE(preset ? preset->id : QString(), expected);
    }

    void everyPresetMakesAValidProfile() {
        for (const ProviderPreset& preset : providerPresets()) {
            const QString name = preset.isSimulator() ? Profile::simulatorName() : preset.id;
            const Profile profile = Profile::fromPreset(name, preset);
            QString error;
            QVERIFY2(profile.validate(&error), qPrintable(preset.id + u": "_s + error));
        }
    }
};

QTEST_GUILESS_MAIN(tst_ProviderPresets)
#include "tst_providerpresets.moc"
