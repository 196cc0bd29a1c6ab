#include "profilecommand.h"

#include "../keychainsecretstore.h"
#include "exitcodes.h"
#include "keyscommand.h"
#include "profilestore.h"
#include "providerpresets.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QSslCertificate>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace poolscope::cli {

namespace {

constexpr int ExitSettingsFailed = 1;

const char* const kProfileUsage =
    "usage:\n"
    "  poolscope profile add NAME --base-url URL [--api openai|anthropic|gemini] [--model M]\n"
    "                        [--preset P] [--api-key-env VAR] [--ca-cert FILE] [--proxy URL]\n"
    "  poolscope profile list [--json]\n"
    "  poolscope profile remove NAME     (also deletes its key from the keychain)\n"
    "  poolscope profile presets         the known providers --preset accepts\n"
    "\n"
    "With --preset the base URL, API style, model and key variable default to the provider's;\n"
    "any option given wins. Keys are never stored in a profile: see `poolscope keys --help`.\n"
    "Exit status: 0 done, 1 the settings file could not be written, 2 bad usage.\n";

int usageError(const QString& message) {
    QTextStream(stderr) << "poolscope profile: " << message << "\n\n" << kProfileUsage;
    return ExitUsage;
}

int fail(const QString& message, int code) {
    QTextStream(stderr) << "poolscope profile: " << message << Qt::endl;
    return code;
}

bool isLoopback(const QUrl& url) {
    const QString host = url.host().toLower();
    return host == u"localhost"_s || host == u"::1"_s || host.startsWith(u"127."_s);
}

QStringList presetIds() {
    QStringList ids;
    for (const ProviderPreset& preset : providerPresets()) {
        if (!preset.isSimulator())
            ids.append(preset.id);
    }
    return ids;
}

int profileAdd(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOptions({
        {u"base-url"_s, u"API root."_s, u"URL"_s},
        {u"api"_s, u"Wire format."_s, u"STYLE"_s},
        {u"model"_s, u"Model name."_s, u"M"_s},
        {u"preset"_s, u"Known provider."_s, u"P"_s},
        {u"api-key-env"_s, u"Environment variable holding the key."_s, u"VAR"_s},
        {u"ca-cert"_s, u"PEM certificate to trust."_s, u"FILE"_s},
        {u"proxy"_s, u"HTTP or SOCKS5 proxy."_s, u"URL"_s},
    });
    QStringList argv = arguments;
    argv.prepend(u"poolscope profile add"_s);
    if (!parser.parse(argv))
        return usageError(parser.errorText());
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(u"`profile add` takes exactly one profile name"_s);
    const QString name = positional.first();
    QString error;
    if (!Profile::isValidName(name, &error))
        return fail(error, ExitUsage);
    if (name == Profile::simulatorName())
        return fail(u"\"simulator\" is the built-in profile; pick another name"_s, ExitUsage);

    std::optional<ProviderPreset> preset;
    if (parser.isSet(u"preset"_s)) {
        preset = findProviderPreset(parser.value(u"preset"_s));
        if (!preset || preset->isSimulator())
            return fail(u"unknown --preset \""_s + parser.value(u"preset"_s) +
                            u"\"; choose one of "_s + presetIds().join(u", "_s),
                        ExitUsage);
    }
    Profile profile;
    if (preset)
        profile = Profile::fromPreset(name, *preset);
    profile.name = name;
    if (parser.isSet(u"base-url"_s)) {
        // Strict: no guessing "http://" for a cloud API, which would send the key in clear.
        const QUrl url(parser.value(u"base-url"_s), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != u"http"_s && url.scheme() != u"https"_s))
            return fail(u"--base-url expects a full http:// or https:// URL, e.g. "
                        u"https://api.openai.com/v1"_s,
                        ExitUsage);
        profile.baseUrl = url;
    } else if (!preset) {
        return usageError(u"--base-url is required (or --preset; see `poolscope profile "
                          u"presets`)"_s);
    }
    // A bare URL of a known provider still gets that provider's style, model and key variable.
    const std::optional<ProviderPreset> known =
        preset ? preset : providerPresetForUrl(profile.baseUrl);
    if (parser.isSet(u"api"_s)) {
        const auto api = apiStyleFromName(parser.value(u"api"_s));
        if (!api)
            return fail(u"--api expects openai, anthropic or gemini"_s, ExitUsage);
        profile.api = *api;
    } else if (known) {
        profile.api = known->api;
    }
    if (parser.isSet(u"model"_s))
        profile.model = parser.value(u"model"_s).trimmed();
    else if (known && profile.model.isEmpty())
        profile.model = known->defaultModel;
    if (profile.model.isEmpty())
        return fail(u"--model is required for this server"_s, ExitUsage);
    if (parser.isSet(u"api-key-env"_s))
        profile.keyEnvVar = parser.value(u"api-key-env"_s); // empty: the server needs no key
    else if (known)
        profile.keyEnvVar = known->keyEnvVar;
    else if (!isLoopback(profile.baseUrl))
        profile.keyEnvVar = defaultKeyEnvVar(profile.api, profile.baseUrl);
    if (parser.isSet(u"ca-cert"_s)) {
        const QString path = QFileInfo(parser.value(u"ca-cert"_s)).absoluteFilePath();
        if (QSslCertificate::fromPath(path, QSsl::Pem).isEmpty())
            return fail(u"--ca-cert: no PEM certificate in "_s + path, ExitUsage);
        profile.caCertificatePath = path;
    }
    if (parser.isSet(u"proxy"_s))
        profile.proxyUrl = QUrl(parser.value(u"proxy"_s), QUrl::StrictMode);
    if (!profile.validate(&error))
        return fail(error, ExitUsage);

    QSettings settings;
    ProfileStore store(&settings);
    if (store.contains(name) || store.names().contains(name, Qt::CaseInsensitive))
        return fail(u"a profile named \""_s + name +
                        u"\" already exists; remove it first (`poolscope profile remove "_s + name +
                        u"`)"_s,
                    ExitUsage);
    if (!store.add(profile, &error))
        return fail(error, ExitSettingsFailed);

    QTextStream out(stdout);
    out << "added profile " << name << ": " << apiStyleName(profile.api) << " at "
        << profile.baseUrl.toString() << ", model " << profile.model << '\n';
    if (!profile.keyEnvVar.isEmpty())
        out << "its key: `poolscope keys set " << name << "` (stdin), or $" << profile.keyEnvVar
            << '\n';
    return ExitOk;
}

QJsonObject toJson(const Profile& profile) {
    QJsonObject json{{u"name"_s, profile.name},
                     {u"simulator"_s, profile.usesSimulator()},
                     {u"base_url"_s, profile.baseUrl.toString()},
                     {u"api"_s, apiStyleName(profile.api)},
                     {u"model"_s, profile.model},
                     {u"key_env"_s, profile.keyEnvVar}};
    if (!profile.caCertificatePath.isEmpty())
        json.insert(u"ca_certificate"_s, profile.caCertificatePath);
    if (!profile.proxyUrl.isEmpty())
        json.insert(u"proxy"_s, profile.proxyUrl.toString());
    return json;
}

void printTable(const QList<QStringList>& rows) {
    QList<qsizetype> widths(rows.first().size(), 0);
    for (const QStringList& row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    }
    QTextStream out(stdout);
    for (const QStringList& row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i)
            out << (i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i]);
        out << '\n';
    }
}

int profileList(bool json) {
    QSettings settings;
    ProfileStore store(&settings);
    const QList<Profile> profiles = store.profiles();
    if (json) {
        QJsonArray array;
        for (const Profile& profile : profiles)
            array.append(toJson(profile));
        QTextStream(stdout) << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    QList<QStringList> rows{{u"NAME"_s, u"API"_s, u"MODEL"_s, u"BASE URL"_s, u"KEY VARIABLE"_s}};
    for (const Profile& profile : profiles) {
        rows.append(
            {profile.name, apiStyleName(profile.api), profile.model,
             profile.usesSimulator() ? u"(built-in simulator)"_s : profile.baseUrl.toString(),
             profile.keyEnvVar.isEmpty() ? u"-"_s : profile.keyEnvVar});
    }
    printTable(rows);
    return ExitOk;
}

int profilePresets() {
    QList<QStringList> rows{
        {u"PRESET"_s, u"PROVIDER"_s, u"API"_s, u"BASE URL"_s, u"MODEL"_s, u"KEY VARIABLE"_s}};
    for (const ProviderPreset& preset : providerPresets()) {
        if (preset.isSimulator())
            continue;
        rows.append({preset.id, preset.displayName, apiStyleName(preset.api),
                     preset.baseUrl.toString(), preset.defaultModel,
                     preset.keyEnvVar.isEmpty() ? u"-"_s : preset.keyEnvVar});
    }
    printTable(rows);
    return ExitOk;
}

int profileRemove(const QString& name) {
    QString error;
    if (!Profile::isValidName(name, &error))
        return fail(error, ExitUsage);
    QSettings settings;
    ProfileStore store(&settings);
    if (name == Profile::simulatorName())
        return fail(u"the simulator profile is built in and cannot be removed"_s, ExitUsage);
    if (!store.contains(name))
        return fail(u"no profile named \""_s + name + u"\" (see `poolscope profile list`)"_s,
                    ExitUsage);
    if (!store.remove(name, &error))
        return fail(error, ExitSettingsFailed);
    QTextStream(stdout) << "removed profile " << name << '\n';

    // A key without its profile would linger unseen in the keychain.
    KeychainSecretStore keychain;
    const SecretResult removed = waitForSecret(&keychain, SecretResult::Operation::Remove, name);
    if (!removed.ok())
        QTextStream(stderr) << "poolscope profile: note: could not delete its keychain entry, if "
                               "it had one: "
                            << removed.errorString << Qt::endl;
    return ExitOk;
}

} // namespace

int profileCommand(const QStringList& arguments) {
    if (arguments.isEmpty())
        return usageError(u"missing subcommand: add, list, remove or presets"_s);
    const QString sub = arguments.first();
    const QStringList rest = arguments.mid(1);
    if (sub == u"--help"_s || sub == u"-h"_s || sub == u"help"_s) {
        QTextStream(stdout) << kProfileUsage;
        return ExitOk;
    }
    if (sub == u"add"_s)
        return profileAdd(rest);
    if (sub == u"list"_s) {
        if (!rest.isEmpty() && rest != QStringList{u"--json"_s})
            return usageError(u"`profile list` takes only --json"_s);
        return profileList(!rest.isEmpty());
    }
    if (sub == u"presets"_s) {
        if (!rest.isEmpty())
            return usageError(u"`profile presets` takes no arguments"_s);
        return profilePresets();
    }
    if (sub == u"remove"_s) {
        if (rest.size() != 1 || rest.first().startsWith(u'-'))
            return usageError(u"`profile remove` takes exactly one profile name"_s);
        return profileRemove(rest.first());
    }
    return usageError(u"unknown subcommand \""_s + sub + u"\"; use add, list, remove or presets"_s);
}

} // namespace poolscope::cli
