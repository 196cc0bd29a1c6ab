#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <chrono>

namespace poolscope {

// The answer to one SecretStore operation: a value, so it can be queued, copied and compared.
struct SecretResult {
    enum class Operation { Read, Write, Remove };
    enum class Error {
        None,
        NotFound,     // read: no entry for this profile
        NoBackend,    // no keychain service reachable (no D-Bus session, no secret service)
        AccessDenied, // the keychain is locked or the user refused
        TimedOut,     // the backend did not answer within SecretStore::timeout()
        Other,
    };

    Operation operation = Operation::Read;
    QString profile;
    QByteArray secret; // the key, after a successful read only
    Error error = Error::None;
    QString errorString; // for people: what went wrong and what to do about it

    bool ok() const { return error == Error::None; }
};

QString secretOperationName(SecretResult::Operation operation); // "read", "write", "remove"

// Where API keys live, one entry per profile, in the spirit of QtKeychain: every call returns
// at once and answers later with exactly one finished() signal, never from inside the call, so
// a GUI thread never blocks on D-Bus. Answers for different calls may interleave; match them by
// operation and profile. A backend that does not answer within timeout() finishes the operation
// with TimedOut, so a hung keychain cannot hang the caller.
//
// Removing an entry that does not exist is not an error (backends cannot all tell the cases
// apart); read first when the difference matters.
class SecretStore : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kDefaultTimeout{30000};

    explicit SecretStore(QObject* parent = nullptr);

    virtual void read(const QString& profile) = 0;
    virtual void write(const QString& profile, const QByteArray& secret) = 0; // not empty
    virtual void remove(const QString& profile) = 0;

    // Whether keys survive a restart: false for the session-only store.
    virtual bool isPersistent() const = 0;

    std::chrono::milliseconds timeout() const { return m_timeout; }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

signals:
    void finished(const poolscope::SecretResult& result);

private:
    std::chrono::milliseconds m_timeout = kDefaultTimeout;
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::SecretResult)
