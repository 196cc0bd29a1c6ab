#include "memorysecretstore.h"

#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace poolscope {

MemorySecretStore::MemorySecretStore(QObject* parent)
    : SecretStore(parent) {}

QStringList MemorySecretStore::profiles() const {
    QStringList names = m_secrets.keys();
    names.sort();
    return names;
}

void MemorySecretStore::setFailure(SecretResult::Error error, const QString& errorString) {
    SecretResult failure;
    failure.error = error;
    failure.errorString = errorString;
    m_failure = failure;
}

void MemorySecretStore::read(const QString& profile) {
    SecretResult result{SecretResult::Operation::Read, profile, {}, SecretResult::Error::None, {}};
    const auto found = m_secrets.constFind(profile);
    if (found == m_secrets.constEnd()) {
        result.error = SecretResult::Error::NotFound;
        result.errorString = u"no key stored for profile \""_s + profile + u'"';
    } else {
        result.secret = *found;
    }
    finish(result);
}

void MemorySecretStore::write(const QString& profile, const QByteArray& secret) {
    SecretResult result{SecretResult::Operation::Write, profile, {}, SecretResult::Error::None, {}};
    if (secret.isEmpty()) {
        result.error = SecretResult::Error::Other;
        result.errorString = u"refusing to store an empty key"_s;
    } else if (!m_failure) {
        m_secrets.insert(profile, secret);
    }
    finish(result);
}

void MemorySecretStore::remove(const QString& profile) {
    if (!m_failure)
        m_secrets.remove(profile);
    finish({SecretResult::Operation::Remove, profile, {}, SecretResult::Error::None, {}});
}

void MemorySecretStore::finish(SecretResult result) {
    if (m_failure && (result.ok() || result.error == SecretResult::Error::NotFound)) {
        result.secret.clear();
        result.error = m_failure->error;
        result.errorString = m_failure->errorString;
    }
    std::chrono::milliseconds delay = m_delay;
    if (delay > timeout()) {
        delay = timeout();
        result.secret.clear();
        result.error = SecretResult::Error::TimedOut;
        result.errorString = u"the keychain did not answer within "_s +
                             QString::number(timeout().count()) + u" ms"_s;
    }
    // Never from inside the call, like a real backend.
    QTimer::singleShot(delay, this, [this, result] { emit finished(result); });
}

} // namespace poolscope
