#include "profile.h"

#include "providerpresets.h"

#include <QRegularExpression>
#include <QSslCertificate>

using namespace Qt::StringLiterals;

namespace poolscope {

QString Profile::simulatorName() {
    return u"simulator"_s;
}

Profile Profile::simulator() {
    Profile profile;
    profile.name = simulatorName();
    profile.api = ApiStyle::OpenAI;
    profile.model = u"sim-small"_s;
    return profile;
}

Profile Profile::fromPreset(const QString& name, const ProviderPreset& preset) {
    Profile profile;
    profile.name = name;
    profile.baseUrl = preset.baseUrl;
    profile.api = preset.api;
    profile.model = preset.defaultModel;
    profile.keyEnvVar = preset.keyEnvVar;
    return profile;
}

bool Profile::isValidName(const QString& name, QString* error) {
    static const QRegularExpression pattern(u"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"_s);
    if (pattern.match(name).hasMatch())
        return true;
    if (error)
        *error = u"invalid profile name \""_s + name +
                 u"\": use letters, digits, '.', '_' or '-' (at most 64, starting with a letter "
                 u"or digit)"_s;
    return false;
}

bool Profile::isValidEnvVarName(const QString& name) {
    static const QRegularExpression pattern(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
    return pattern.match(name).hasMatch();
}

bool Profile::validate(QString* error) const {
    if (!isValidName(name, error))
        return false;
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (usesSimulator() != (name == simulatorName()))
        return fail(name == simulatorName() ? u"the simulator profile has no base URL"_s
                                            : u"profile \""_s + name + u"\" needs a base URL"_s);
    if (!usesSimulator()) {
        if (!baseUrl.isValid() || baseUrl.host().isEmpty() ||
            (baseUrl.scheme() != u"http"_s && baseUrl.scheme() != u"https"_s))
            return fail(u"the base URL must be an http:// or https:// URL, not \""_s +
                        baseUrl.toString() + u'"');
        // Settings are plain text: a credential in a URL would end up there.
        if (!baseUrl.userInfo().isEmpty())
            return fail(u"the base URL must not contain a user name or password; store the key "
                        u"with `poolscope keys set`"_s);
    }
    if (model.trimmed().isEmpty())
        return fail(u"profile \""_s + name + u"\" needs a model"_s);
    if (!keyEnvVar.isEmpty() && !isValidEnvVarName(keyEnvVar))
        return fail(u"\""_s + keyEnvVar + u"\" is not an environment variable name"_s);
    if (!proxyUrl.isEmpty()) {
        const QString scheme = proxyUrl.scheme();
        if (!proxyUrl.isValid() || proxyUrl.host().isEmpty() ||
            (scheme != u"http"_s && scheme != u"socks5"_s))
            return fail(u"the proxy must be an http:// or socks5:// URL, not \""_s +
                        proxyUrl.toString(QUrl::RemovePassword) + u'"');
        if (!proxyUrl.password().isEmpty())
            return fail(u"the proxy URL must not contain a password: it would be stored in plain "
                        u"text"_s);
    }
    return true;
}

std::optional<Endpoint> Profile::toEndpoint(const QByteArray& apiKey, QString* error) const {
    if (!validate(error))
        return std::nullopt;
    Endpoint endpoint;
    endpoint.name = name;
    endpoint.baseUrl = baseUrl;
    endpoint.api = api;
    endpoint.model = model;
    endpoint.apiKey = apiKey;
    if (!caCertificatePath.isEmpty()) {
        endpoint.extraCaCertificates = QSslCertificate::fromPath(caCertificatePath, QSsl::Pem);
        if (endpoint.extraCaCertificates.isEmpty()) {
            if (error)
                *error =
                    u"profile \""_s + name + u"\": no PEM certificate in "_s + caCertificatePath;
            return std::nullopt;
        }
    }
    if (!proxyUrl.isEmpty()) {
        const bool socks = proxyUrl.scheme() == u"socks5"_s;
        endpoint.proxy = QNetworkProxy(
            socks ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy, proxyUrl.host(),
            quint16(proxyUrl.port(socks ? 1080 : 3128)), proxyUrl.userName());
    }
    return endpoint;
}

} // namespace poolscope
