#pragma once

#include "secretstore.h"

#include <QHash>
#include <QStringList>

#include <optional>

namespace poolscope {

// Keys in memory only: the fake for tests, and the session-only store the app offers when no
// keychain is available (keys vanish when the process ends). Behaves like a real backend:
// answers asynchronously, honours the timeout, and can be told to fail.
class MemorySecretStore : public SecretStore {
    Q_OBJECT
public:
    explicit MemorySecretStore(QObject* parent = nullptr);

    void read(const QString& profile) override;
    void write(const QString& profile, const QByteArray& secret) override;
    void remove(const QString& profile) override;
    bool isPersistent() const override { return false; }

    bool contains(const QString& profile) const { return m_secrets.contains(profile); }
    QStringList profiles() const; // sorted

    // Test hooks. Every later operation fails with this error until clearFailure().
    void setFailure(SecretResult::Error error, const QString& errorString);
    void clearFailure() { m_failure.reset(); }
    // How long the "backend" takes to answer; beyond timeout() the caller gets TimedOut.
    void setResponseDelay(std::chrono::milliseconds delay) { m_delay = delay; }

private:
    void finish(SecretResult result);

    QHash<QString, QByteArray> m_secrets;
    std::optional<SecretResult> m_failure;
    std::chrono::milliseconds m_delay{0};
};

} // namespace poolscope
