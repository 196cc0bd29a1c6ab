#include "endpointresolver.h"

#include "apikeychoice.h"
#include "secretstore.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace poolscope {

EndpointResolver::EndpointResolver(SecretStore* secrets, const Endpoint& simulator, QObject* parent)
    : QObject(parent)
    , m_secrets(secrets)
    , m_simulator(simulator) {
    connect(m_secrets, &SecretStore::finished, this, &EndpointResolver::onSecret);
}

void EndpointResolver::resolve(const Profile& profile) {
    if (profile.usesSimulator()) {
        m_pending = Profile{};
        Endpoint endpoint = m_simulator;
        endpoint.name = profile.name;
        endpoint.model = profile.model.isEmpty() ? m_simulator.model : profile.model;
        // Answer later, never from inside the call, like the keychain path.
        QTimer::singleShot(
            0, this, [this, profile, endpoint] { emit resolved(profile, endpoint, u"no key"_s); });
        return;
    }
    m_pending = profile;
    m_secrets->read(profile.name);
}

void EndpointResolver::onSecret(const SecretResult& result) {
    if (result.operation != SecretResult::Operation::Read || m_pending.name.isEmpty() ||
        result.profile != m_pending.name)
        return;
    const Profile profile = m_pending;
    m_pending = Profile{};
    finish(profile, result);
}

void EndpointResolver::finish(const Profile& profile, const SecretResult& stored) {
    QString error;
    const auto key = chooseApiKey(profile, stored, m_secrets->isPersistent(), &error);
    if (!key) {
        emit failed(profile, error);
        return;
    }
    const auto endpoint = profile.toEndpoint(key->key, &error);
    if (!endpoint) {
        emit failed(profile, error);
        return;
    }
    emit resolved(profile, *endpoint, key->source);
}

} // namespace poolscope
