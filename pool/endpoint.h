#pragma once

#include "apistyle.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QNetworkProxy>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <optional>

namespace poolscope {

// Where requests go and how to speak to it. The key is held in memory only.
struct Endpoint {
    QUrl baseUrl; // API root, e.g. https://api.openai.com/v1
    ApiStyle api = ApiStyle::OpenAI;
    QString model;
    QByteArray apiKey;
    QList<QSslCertificate> extraCaCertificates; // trusted in addition to the system's
    std::optional<QNetworkProxy> proxy;         // none: no proxy at all
    QString name; // the profile's name, copied into every RequestRecord (per-profile totals)
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::Endpoint)
