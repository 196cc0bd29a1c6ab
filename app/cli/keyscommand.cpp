#include "keyscommand.h"

#include "../keychainsecretstore.h"
#include "exitcodes.h"
#include "profilestore.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace poolscope::cli {

namespace {

constexpr int ExitKeychainFailed = 1; // DESIGN.md: 1 when the keychain fails
constexpr qsizetype kMaxKeyBytes = 16 * 1024;

const char* const kKeysUsage =
    "usage:\n"
    "  poolscope keys set NAME      read the key for profile NAME from standard input into the\n"
    "                               OS keychain (replaces any key stored before)\n"
    "  poolscope keys delete NAME   delete the stored key of profile NAME\n"
    "  poolscope keys list [--json] which profiles have a key and where it comes from\n"
    "                               (never the key itself)\n"
    "\n"
    "Example:  printf %s \"$OPENAI_API_KEY\" | poolscope keys set openai\n"
    "Exit status: 0 done, 1 the keychain failed, 2 bad usage or unknown profile.\n";

int usageError(const QString& message) {
    QTextStream(stderr) << "poolscope keys: " << message << "\n\n" << kKeysUsage;
    return ExitUsage;
}

int fail(const QString& message, int code) {
    QTextStream(stderr) << "poolscope keys: " << message << Qt::endl;
    return code;
}

// A profile that can hold a key, or the exit code explaining why not.
std::optional<Profile> keyedProfile(const QString& name, int* exitCode) {
    QSettings settings;
    ProfileStore store(&settings);
    const auto profile = store.profile(name);
    if (!profile) {
        *exitCode = fail(u"no profile named \""_s + name +
                             u"\" (see `poolscope profile list`; add one with `poolscope profile "
                             u"add`)"_s,
                         ExitUsage);
        return std::nullopt;
    }
    if (profile->usesSimulator()) {
        *exitCode = fail(u"the built-in simulator needs no key"_s, ExitUsage);
        return std::nullopt;
    }
    return profile;
}

#ifdef Q_OS_UNIX
// Reads one line from the terminal without echoing it: a key on screen is a key in the
// scrollback and in screen recordings.
QByteArray readHiddenLine() {
    termios saved{};
    const bool canHide = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (canHide) {
        termios hidden = saved;
        hidden.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
    }
    QByteArray line;
    for (int c = std::getchar(); c != EOF && c != '\n'; c = std::getchar()) {
        if (line.size() <= kMaxKeyBytes)
            line.append(char(c));
    }
    if (canHide) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fputc('\n', stderr);
    }
    return line;
}
#endif

QByteArray readKey(const QString& profile) {
#ifdef Q_OS_UNIX
    if (isatty(STDIN_FILENO)) {
        QTextStream(stderr) << "API key for profile " << profile
                            << " (input hidden): " << Qt::flush;
        return readHiddenLine();
    }
#else
    Q_UNUSED(profile)
#endif
    QFile input;
    if (!input.open(stdin, QIODevice::ReadOnly))
        return {};
    return input.read(kMaxKeyBytes + 1);
}

int keysSet(const QString& name) {
    int exitCode = ExitOk;
    const auto profile = keyedProfile(name, &exitCode);
    if (!profile)
        return exitCode;

    QByteArray key = readKey(name);
    if (key.size() > kMaxKeyBytes)
        return fail(u"that is not an API key (more than 16 KiB on standard input)"_s, ExitUsage);
    // The newline `echo` or a terminal adds, and stray blanks around a paste, are not the key.
    key = key.trimmed();
    if (key.isEmpty())
        return fail(u"refusing to store an empty key; pipe it in, e.g. printf %s \"$KEY\" | "
                    u"poolscope keys set "_s +
                        name,
                    ExitUsage);
    for (const char c : std::as_const(key)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f)
            return fail(u"the key contains spaces, line breaks or control characters; pass "
                        u"exactly one key"_s,
                        ExitUsage);
    }

    KeychainSecretStore keychain;
    const SecretResult result = waitForSecret(&keychain, SecretResult::Operation::Write, name, key);
    key.fill('\0');
    if (!result.ok())
        return fail(u"cannot store the key: "_s + result.errorString, ExitKeychainFailed);
    QTextStream(stdout) << "stored the key for profile " << name << " in the OS keychain (service "
                        << KeychainSecretStore::serviceName() << ")\n";
    return ExitOk;
}

int keysDelete(const QString& name) {
    int exitCode = ExitOk;
    const auto profile = keyedProfile(name, &exitCode);
    if (!profile)
        return exitCode;
    KeychainSecretStore keychain;
    // Read first: backends report deleting a missing entry as success.
    const SecretResult stored = waitForSecret(&keychain, SecretResult::Operation::Read, name);
    if (stored.error == SecretResult::Error::NotFound) {
        QTextStream(stdout) << "no key stored for profile " << name << "; nothing to delete\n";
        return ExitOk;
    }
    if (!stored.ok())
        return fail(u"cannot delete the key: "_s + stored.errorString, ExitKeychainFailed);
    const SecretResult removed = waitForSecret(&keychain, SecretResult::Operation::Remove, name);
    if (!removed.ok())
        return fail(u"cannot delete the key: "_s + removed.errorString, ExitKeychainFailed);
    QTextStream(stdout) << "deleted the key for profile " << name << " from the OS keychain\n";
    return ExitOk;
}

int keysList(bool json) {
    QSettings settings;
    ProfileStore store(&settings);
    KeychainSecretStore keychain;
    QJsonArray rows;
    QList<QStringList> table{{u"PROFILE"_s, u"KEYCHAIN"_s, u"ENVIRONMENT"_s}};
    for (const Profile& profile : store.profiles()) {
        if (profile.usesSimulator())
            continue;
        const SecretResult stored =
            waitForSecret(&keychain, SecretResult::Operation::Read, profile.name);
        if (!stored.ok() && stored.error != SecretResult::Error::NotFound)
            return fail(u"cannot read the keychain: "_s + stored.errorString, ExitKeychainFailed);
        const bool inKeychain = stored.ok();
        const bool inEnvironment =
            !profile.keyEnvVar.isEmpty() &&
            !qEnvironmentVariableIsEmpty(profile.keyEnvVar.toLocal8Bit().constData());
        QJsonObject row{{u"profile"_s, profile.name}, {u"keychain"_s, inKeychain}};
        row.insert(u"env_var"_s, profile.keyEnvVar);
        row.insert(u"env_set"_s, inEnvironment);
        rows.append(row);
        QString environment = u"-"_s;
        if (!profile.keyEnvVar.isEmpty())
            environment =
                u"$"_s + profile.keyEnvVar + (inEnvironment ? u" (set)"_s : u" (unset)"_s);
        else if (!inKeychain)
            environment = u"- (no key needed)"_s;
        table.append({profile.name, inKeychain ? u"yes"_s : u"no"_s, environment});
    }
    QTextStream out(stdout);
    if (json) {
        out << QJsonDocument(rows).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    if (table.size() == 1) {
        out << "no profiles that take a key; add one with `poolscope profile add`\n";
        return ExitOk;
    }
    qsizetype width[2] = {0, 0};
    for (const QStringList& row : std::as_const(table)) {
        width[0] = std::max(width[0], row[0].size());
        width[1] = std::max(width[1], row[1].size());
    }
    for (const QStringList& row : std::as_const(table))
        out << row[0].leftJustified(width[0] + 2) << row[1].leftJustified(width[1] + 2) << row[2]
            << '\n';
    return ExitOk;
}

} // namespace

SecretResult waitForSecret(SecretStore* store, SecretResult::Operation operation,
                           const QString& profile, const QByteArray& secret) {
    QEventLoop loop;
    std::optional<SecretResult> answer;
    const QMetaObject::Connection connection =
        QObject::connect(store, &SecretStore::finished, &loop, [&](const SecretResult& result) {
            if (answer || result.operation != operation || result.profile != profile)
                return;
            answer = result;
            loop.quit();
        });
    switch (operation) {
    case SecretResult::Operation::Read:
        store->read(profile);
        break;
    case SecretResult::Operation::Write:
        store->write(profile, secret);
        break;
    case SecretResult::Operation::Remove:
        store->remove(profile);
        break;
    }
    // The store promises its own timeout; this guard only catches a store that breaks it.
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
    guard.start(store->timeout() + std::chrono::seconds(5));
    if (!answer)
        loop.exec();
    QObject::disconnect(connection);
    if (answer)
        return *answer;
    return {
        operation, profile, {}, SecretResult::Error::TimedOut, u"the keychain did not answer"_s};
}

int keysCommand(const QStringList& arguments) {
    if (arguments.isEmpty())
        return usageError(u"missing subcommand: set, delete or list"_s);
    const QString sub = arguments.first();
    if (sub == u"--help"_s || sub == u"-h"_s || sub == u"help"_s) {
        QTextStream(stdout) << kKeysUsage;
        return ExitOk;
    }
    QCommandLineParser parser;
    parser.addOption({u"json"_s, u"Machine-readable output (list)."_s});
    QStringList argv = arguments.mid(1);
    argv.prepend(u"poolscope keys "_s + sub);
    if (!parser.parse(argv))
        return usageError(parser.errorText());
    const QStringList positional = parser.positionalArguments();

    if (sub == u"list"_s) {
        if (!positional.isEmpty())
            return usageError(u"`keys list` takes no profile name"_s);
        return keysList(parser.isSet(u"json"_s));
    }
    if (sub != u"set"_s && sub != u"delete"_s)
        return usageError(u"unknown subcommand \""_s + sub + u"\"; use set, delete or list"_s);
    if (parser.isSet(u"json"_s))
        return usageError(u"--json goes with `keys list`"_s);
    if (positional.size() != 1)
        return usageError(u"`keys "_s + sub + u"` takes exactly one profile name"_s);
    QString error;
    if (!Profile::isValidName(positional.first(), &error))
        return fail(error, ExitUsage);
    return sub == u"set"_s ? keysSet(positional.first()) : keysDelete(positional.first());
}

} // namespace poolscope::cli
