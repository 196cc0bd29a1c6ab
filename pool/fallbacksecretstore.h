#pragma once

#include "secretstore.h"

#include <QList>

namespace poolscope {

class MemorySecretStore;

// The OS keychain while there is one; keys for this session only once it turns out there is
// none. The first operation the keychain answers with NoBackend switches the store for good: that
// operation and every later one go to memory, isPersistent() turns false, and
// sessionOnlyStarted() says why, so the window can tell the person their key will be forgotten
// when PoolScope quits. Nothing is ever written anywhere else.
class FallbackSecretStore : public SecretStore {
    Q_OBJECT
public:
    // primary: the keychain store (not owned); its NoBackend errorString names the cause.
    explicit FallbackSecretStore(SecretStore* primary, QObject* parent = nullptr);
    ~FallbackSecretStore() override;

    void read(const QString& profile) override;
    void write(const QString& profile, const QByteArray& secret) override;
    void remove(const QString& profile) override;
    bool isPersistent() const override { return !m_sessionOnly; }

    bool isSessionOnly() const { return m_sessionOnly; }
    QString sessionOnlyReason() const { return m_reason; }

signals:
    void sessionOnlyStarted(const QString& reason);

private:
    struct Pending {
        SecretResult::Operation operation;
        QString profile;
        QByteArray secret; // writes only, until the primary has answered
    };
    void onPrimaryFinished(const SecretResult& result);
    void replayInSession(const Pending& pending);

    SecretStore* m_primary;
    MemorySecretStore* m_session;
    QString m_reason;
    bool m_sessionOnly = false;
    QList<Pending> m_pending;
};

} // namespace poolscope
