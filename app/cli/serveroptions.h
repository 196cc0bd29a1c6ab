#pragma once

#include "apistyle.h"

#include <QByteArray>
#include <QCommandLineOption>
#include <QList>
#include <QSslCertificate>
#include <QUrl>

#include <optional>

class QCommandLineParser;

namespace poolscope::cli {

// The options that name a server and how to trust it, as `run` and `models` both take them:
// --base-url, --api, --api-key-env and --ca-cert.
QList<QCommandLineOption> serverOptions();

struct ServerChoice {
    ApiStyle api = ApiStyle::OpenAI;
    QUrl baseUrl;      // empty: no --base-url (the built-in simulator, or a profile)
    QByteArray apiKey; // with --base-url: from --api-key-env, else the provider's variable
    QList<QSslCertificate> extraCaCertificates; // --ca-cert
};

// Reads them with one set of rules and messages. --api-key-env naming an empty variable and
// --ca-cert naming a file without a PEM certificate are errors, not a silent no-key/no-trust.
std::optional<ServerChoice> readServerOptions(const QCommandLineParser& parser, QString* error);

} // namespace poolscope::cli
