#include "fallbacksecretstore.h"

#include "memorysecretstore.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace poolscope {

FallbackSecretStore::FallbackSecretStore(SecretStore* primary, QObject* parent)
    : SecretStore(parent)
    , m_primary(primary)
    , m_session(new MemorySecretStore(this)) {
    connect(m_primary, &SecretStore::finished, this, &FallbackSecretStore::onPrimaryFinished);
    connect(m_session, &SecretStore::finished, this, &SecretStore::finished);
}

FallbackSecretStore::~FallbackSecretStore() {
    for (Pending& pending : m_pending)
        pending.secret.fill('\0'); // do not leave the key behind in freed memory
}

void FallbackSecretStore::read(const QString& profile) {
    if (m_sessionOnly)
        return m_session->read(profile);
    m_pending.append({SecretResult::Operation::Read, profile, {}});
    m_primary->read(profile);
}

void FallbackSecretStore::write(const QString& profile, const QByteArray& secret) {
    if (m_sessionOnly)
        return m_session->write(profile, secret);
    m_pending.append({SecretResult::Operation::Write, profile, secret});
    m_primary->write(profile, secret);
}

void FallbackSecretStore::remove(const QString& profile) {
    if (m_sessionOnly)
        return m_session->remove(profile);
    m_pending.append({SecretResult::Operation::Remove, profile, {}});
    m_primary->remove(profile);
}

void FallbackSecretStore::onPrimaryFinished(const SecretResult& result) {
    const auto match = std::find_if(m_pending.begin(), m_pending.end(), [&](const Pending& p) {
        return p.operation == result.operation && p.profile == result.profile;
    });
    if (match == m_pending.end())
        return; // not ours (another user of the same keychain store)
    Pending pending = *match;
    match->secret.fill('\0');
    m_pending.erase(match);
    if (result.error != SecretResult::Error::NoBackend) {
        emit finished(result);
        return;
    }
    if (!m_sessionOnly) {
        m_sessionOnly = true;
        m_reason = result.errorString + u". Keys entered now are kept for this session only "
                                        u"and forgotten when PoolScope quits."_s;
        emit sessionOnlyStarted(m_reason);
    }
    replayInSession(pending);
    pending.secret.fill('\0');
}

void FallbackSecretStore::replayInSession(const Pending& pending) {
    switch (pending.operation) {
    case SecretResult::Operation::Read:
        m_session->read(pending.profile);
        break;
    case SecretResult::Operation::Write:
        m_session->write(pending.profile, pending.secret);
        break;
    case SecretResult::Operation::Remove:
        m_session->remove(pending.profile);
        break;
    }
}

} // namespace poolscope
