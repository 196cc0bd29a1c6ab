#pragma once

#include "endpoint.h"
#include "profile.h"

#include <QObject>

namespace poolscope {

class SecretStore;
struct SecretResult;

// Turns a profile into the Endpoint a pool needs: reads the key from the SecretStore without
// blocking, falls back to the profile's environment variable, and answers with exactly one
// resolved() or failed() per resolve(). A newer resolve() supersedes an older one still waiting
// for the keychain, so switching profiles quickly ends on the last choice.
class EndpointResolver : public QObject {
    Q_OBJECT
public:
    // simulator: where the built-in simulator listens (the simulator profile maps to it).
    EndpointResolver(SecretStore* secrets, const Endpoint& simulator, QObject* parent = nullptr);

    void resolve(const Profile& profile);
    bool isBusy() const { return !m_pending.name.isEmpty(); }

signals:
    // keySource says where the key came from, for people ("the OS keychain", "$VAR", …).
    void resolved(const poolscope::Profile& profile, const poolscope::Endpoint& endpoint,
                  const QString& keySource);
    void failed(const poolscope::Profile& profile, const QString& error);

private:
    void onSecret(const SecretResult& result);
    void finish(const Profile& profile, const SecretResult& stored);

    SecretStore* m_secrets;
    Endpoint m_simulator;
    Profile m_pending; // name empty: nothing waiting
};

} // namespace poolscope
