#pragma once

#include "profile.h"
#include "secretstore.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace poolscope {

// Which key a profile's requests carry, and where it came from (for people: never the key).
struct ApiKeyChoice {
    QByteArray key; // empty: the server needs none (local servers, the simulator)
    QString source; // "the OS keychain", "this session only", "$OPENAI_API_KEY", "no key"
};

// The one rule for the window and `poolscope run`: the stored key first, then the profile's
// environment variable; a profile with no variable may go without a key (local servers). The
// error names what was tried, so the caller only adds how to fix it.
std::optional<ApiKeyChoice> chooseApiKey(const Profile& profile, const SecretResult& stored,
                                         bool storeIsPersistent, QString* error);

} // namespace poolscope
