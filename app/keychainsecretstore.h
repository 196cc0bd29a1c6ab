#pragma once

#include "secretstore.h"

namespace QKeychain {
class Job;
}

namespace poolscope {

// API keys in the OS keychain through QtKeychain: the Secret Service (gnome-keyring, KWallet)
// on Linux, Keychain on macOS, Credential Manager on Windows. Service "PoolScope", one entry
// per profile. Plain-text fallback is never enabled.
//
// Create and use it on the GUI (main) thread, as QtKeychain requires. Jobs are never deleted
// while running: each deletes itself once finished, even after this store has gone or has
// given up on it at the timeout.
class KeychainSecretStore : public SecretStore {
    Q_OBJECT
public:
    explicit KeychainSecretStore(QObject* parent = nullptr);

    void read(const QString& profile) override;
    void write(const QString& profile, const QByteArray& secret) override;
    void remove(const QString& profile) override;
    bool isPersistent() const override { return true; }

    static QString serviceName(); // "PoolScope"

    // What to tell a person when no keychain service is reachable.
    static QString noBackendExplanation();

private:
    void start(QKeychain::Job* job, SecretResult::Operation operation, const QString& profile);
};

} // namespace poolscope
