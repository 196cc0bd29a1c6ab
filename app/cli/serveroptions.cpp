#include "serveroptions.h"

#include "providerpresets.h"

#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace poolscope::cli {

QList<QCommandLineOption> serverOptions() {
    return {
        {u"base-url"_s, u"API root, e.g. https://api.openai.com/v1."_s, u"URL"_s},
        {u"api"_s, u"Wire format: openai, anthropic or gemini (default openai)."_s, u"STYLE"_s},
        {u"api-key-env"_s, u"Environment variable holding the key (default by provider)."_s,
         u"VAR"_s},
        {u"ca-cert"_s, u"Also trust this PEM certificate (self-signed servers)."_s, u"FILE"_s},
    };
}

std::optional<ServerChoice> readServerOptions(const QCommandLineParser& parser, QString* error) {
    ServerChoice choice;
    if (parser.isSet(u"api"_s)) {
        const auto api = apiStyleFromName(parser.value(u"api"_s));
        if (!api) {
            *error = u"--api expects openai, anthropic or gemini"_s;
            return std::nullopt;
        }
        choice.api = *api;
    }
    if (parser.isSet(u"base-url"_s)) {
        const QUrl url = QUrl::fromUserInput(parser.value(u"base-url"_s));
        if (!url.isValid() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s)) {
            *error = u"--base-url expects an http:// or https:// URL"_s;
            return std::nullopt;
        }
        choice.baseUrl = url;
        const QString variable = parser.isSet(u"api-key-env"_s) ? parser.value(u"api-key-env"_s)
                                                                : defaultKeyEnvVar(choice.api, url);
        choice.apiKey = qgetenv(variable.toLocal8Bit().constData());
        if (choice.apiKey.isEmpty() && parser.isSet(u"api-key-env"_s)) {
            *error = u"the environment variable "_s + variable + u" is empty"_s;
            return std::nullopt;
        }
    }
    if (parser.isSet(u"ca-cert"_s)) {
        choice.extraCaCertificates =
            QSslCertificate::fromPath(parser.value(u"ca-cert"_s), QSsl::Pem);
        if (choice.extraCaCertificates.isEmpty()) {
            *error = u"--ca-cert: no PEM certificate in "_s + parser.value(u"ca-cert"_s);
            return std::nullopt;
        }
    }
    return choice;
}

} // namespace poolscope::cli
