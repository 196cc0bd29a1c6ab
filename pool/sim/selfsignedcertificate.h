#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

#include <optional>

namespace poolscope::sim {

// The simulator's HTTPS identity: a self-signed certificate for localhost, 127.0.0.1 and ::1,
// made with OpenSSL on first use. No private key ships with PoolScope; each installation makes
// its own and keeps it in a directory only its user can read.
class SelfSignedCertificate {
public:
    QSslCertificate certificate;
    QSslKey key;
    QByteArray certificatePem; // for clients to trust
    QString certificatePath;   // "<directory>/poolscope-sim-cert.pem"

    // Loads the pair from `directory`, generating it there first when missing, unreadable or
    // expiring within a week.
    static std::optional<SelfSignedCertificate> loadOrCreate(const QString& directory,
                                                             QString* error = nullptr);

    // A fresh EC P-256 key and a certificate valid for `days` days: {certificate PEM, key PEM}.
    static std::optional<std::pair<QByteArray, QByteArray>> generate(int days, QString* error);
};

} // namespace poolscope::sim
