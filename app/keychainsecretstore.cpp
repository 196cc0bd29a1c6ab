#include "keychainsecretstore.h"

#include <qt6keychain/keychain.h>

#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

// QtKeychain reports a missing Secret Service or session bus as OtherError (libsecret passes
// GLib's D-Bus messages through) or, for KWallet, as NoBackendAvailable; these markers tell
// "nothing to talk to" apart from a real failure.
bool mentionsMissingService(const QString& message) {
    static const QStringList markers = {
        u"org.freedesktop.secrets"_s,
        u"/org/freedesktop/secrets/"_s, // a keyring daemon with no default collection
        u"org.freedesktop.DBus.Error.ServiceUnknown"_s,
        u"org.freedesktop.DBus.Error.NoServer"_s,
        u"org.freedesktop.DBus.Error.Spawn"_s,
        u"Cannot autolaunch D-Bus"_s,
        u"DBUS_SESSION_BUS_ADDRESS"_s,
        u"D-Bus is not running"_s,
        u"Could not connect"_s,
    };
    for (const QString& marker : markers) {
        if (message.contains(marker, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

SecretResult resultFrom(const QKeychain::Job& job, SecretResult::Operation operation,
                        const QString& profile) {
    SecretResult result{operation, profile, {}, SecretResult::Error::None, {}};
    const QString detail = job.errorString();
    switch (job.error()) {
    case QKeychain::NoError:
        if (operation == SecretResult::Operation::Read) {
            result.secret = static_cast<const QKeychain::ReadPasswordJob&>(job).binaryData();
            if (result.secret.isEmpty()) {
                result.error = SecretResult::Error::NotFound;
                result.errorString = u"no key stored for profile \""_s + profile + u'"';
            }
        }
        return result;
    case QKeychain::EntryNotFound:
        result.error = SecretResult::Error::NotFound;
        result.errorString = u"no key stored for profile \""_s + profile + u'"';
        return result;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        result.error = SecretResult::Error::AccessDenied;
        result.errorString = u"the keychain refused access (is it locked? unlock it and try "
                             u"again): "_s +
                             detail;
        return result;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        result.error = SecretResult::Error::NoBackend;
        break;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        result.error = mentionsMissingService(detail) ? SecretResult::Error::NoBackend
                                                      : SecretResult::Error::Other;
        break;
    }
    if (result.error == SecretResult::Error::NoBackend)
        result.errorString = KeychainSecretStore::noBackendExplanation() + u" ("_s + detail + u')';
    else
        result.errorString = u"the keychain failed to "_s + secretOperationName(operation) +
                             u" the key: "_s + detail;
    return result;
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QObject* parent)
    : SecretStore(parent) {}

QString KeychainSecretStore::serviceName() {
    return u"PoolScope"_s;
}

QString KeychainSecretStore::noBackendExplanation() {
    return u"no secret service is running (install and unlock gnome-keyring or KWallet); use a "
           u"session-only key or an environment variable"_s;
}

void KeychainSecretStore::read(const QString& profile) {
    start(new QKeychain::ReadPasswordJob(serviceName()), SecretResult::Operation::Read, profile);
}

void KeychainSecretStore::write(const QString& profile, const QByteArray& secret) {
    if (secret.isEmpty()) {
        // QtKeychain's KWallet path treats empty data as "delete": never let that happen.
        const SecretResult result{SecretResult::Operation::Write,
                                  profile,
                                  {},
                                  SecretResult::Error::Other,
                                  u"refusing to store an empty key"_s};
        QTimer::singleShot(0, this, [this, result] { emit finished(result); });
        return;
    }
    auto* job = new QKeychain::WritePasswordJob(serviceName());
    // Text when it is text, so the entry reads naturally in Seahorse or secret-tool.
    const QString text = QString::fromUtf8(secret);
    if (text.toUtf8() == secret)
        job->setTextData(text);
    else
        job->setBinaryData(secret);
    start(job, SecretResult::Operation::Write, profile);
}

void KeychainSecretStore::remove(const QString& profile) {
    start(new QKeychain::DeletePasswordJob(serviceName()), SecretResult::Operation::Remove,
          profile);
}

void KeychainSecretStore::start(QKeychain::Job* job, SecretResult::Operation operation,
                                const QString& profile) {
    // No parent: destroying the store must not delete a running job. autoDelete makes the job
    // delete itself (deleteLater) once it has finished, whenever that is.
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(profile);

    auto* timer = new QTimer(this);
    timer->setSingleShot(true);
    auto answered = std::make_shared<bool>(false);
    const QMetaObject::Connection done =
        connect(job, &QKeychain::Job::finished, this,
                [this, timer, answered, operation, profile](QKeychain::Job* finishedJob) {
                    if (*answered)
                        return;
                    *answered = true;
                    timer->stop();
                    timer->deleteLater();
                    emit finished(resultFrom(*finishedJob, operation, profile));
                });
    connect(timer, &QTimer::timeout, this, [this, timer, answered, done, operation, profile] {
        if (*answered)
            return;
        *answered = true;
        disconnect(done); // the job finishes (and deletes itself) on its own time
        timer->deleteLater();
        emit finished({operation,
                       profile,
                       {},
                       SecretResult::Error::TimedOut,
                       u"the keychain did not answer within "_s +
                           QString::number(timeout().count() / 1000.0) +
                           u" s (a locked keyring waiting for a password prompt, or a hung "
                           u"D-Bus); use an environment variable instead"_s});
    });
    timer->start(timeout());
    job->start();
}

} // namespace poolscope
