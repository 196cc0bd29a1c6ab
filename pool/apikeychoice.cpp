#include "apikeychoice.h"

using namespace Qt::StringLiterals;

namespace poolscope {

std::optional<ApiKeyChoice> chooseApiKey(const Profile& profile, const SecretResult& stored,
                                         bool storeIsPersistent, QString* error) {
    if (profile.usesSimulator())
        return ApiKeyChoice{{}, u"no key"_s};
    if (stored.ok() && !stored.secret.isEmpty())
        return ApiKeyChoice{stored.secret,
                            storeIsPersistent ? u"the OS keychain"_s : u"this session only"_s};
    if (!profile.keyEnvVar.isEmpty()) {
        const QByteArray fromEnvironment = qgetenv(profile.keyEnvVar.toLocal8Bit().constData());
        if (!fromEnvironment.isEmpty())
            return ApiKeyChoice{fromEnvironment, u"$"_s + profile.keyEnvVar};
    } else {
        return ApiKeyChoice{{}, u"no key"_s}; // a local server that wants none
    }
    if (error) {
        const QString keychainState =
            stored.error == SecretResult::Error::NotFound || stored.ok()
                ? (storeIsPersistent ? u"the OS keychain has no key for it"_s
                                     : u"no key was entered this session"_s)
                : u"the OS keychain could not be read ("_s + stored.errorString + u')';
        *error = u"no API key for profile \""_s + profile.name + u"\": "_s + keychainState +
                 u", and the environment variable "_s + profile.keyEnvVar + u" is not set"_s;
    }
    return std::nullopt;
}

} // namespace poolscope
