#pragma once

#include "apistyle.h"
#include "endpoint.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QUrl>

#include <optional>

namespace poolscope {

struct ProviderPreset;

// A named server to talk to. It holds everything except the key: the key lives in the OS
// keychain (entry = profile name) or in the environment variable named here.
struct Profile {
    QString name;
    QUrl baseUrl; // empty: the built-in simulator
    ApiStyle api = ApiStyle::OpenAI;
    QString model;
    QString caCertificatePath; // optional PEM file trusted in addition to the system's
    QUrl proxyUrl;             // optional http://host:port or socks5://host:port
    QString keyEnvVar;         // read when the keychain has no key; empty: no key needed

    bool usesSimulator() const { return baseUrl.isEmpty(); }

    // Checks the name and every field; a profile that passes can always be turned into an
    // Endpoint (unless its certificate file changed since).
    bool validate(QString* error) const;

    // What the pool needs. The key is only copied into the returned value, never stored.
    std::optional<Endpoint> toEndpoint(const QByteArray& apiKey, QString* error) const;

    static QString simulatorName(); // "simulator"
    static Profile simulator();     // the built-in profile that always exists
    static Profile fromPreset(const QString& name, const ProviderPreset& preset);

    // Names are keychain entries and settings groups: letters, digits, '.', '_', '-';
    // at most 64 characters; starting with a letter or digit.
    static bool isValidName(const QString& name, QString* error);
    static bool isValidEnvVarName(const QString& name);

    friend bool operator==(const Profile&, const Profile&) = default;
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::Profile)
