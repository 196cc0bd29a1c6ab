#pragma once

#include "apistyle.h"

#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

namespace poolscope {

// A known provider: where it lives, which wire format it speaks, a model to start with and
// the environment variable its own SDKs read the key from.
struct ProviderPreset {
    QString id;          // stable lowercase identifier: "openai", "llamacpp", "simulator"
    QString displayName; // "OpenAI", "llama.cpp server"
    QUrl baseUrl;        // API root; empty for the built-in simulator
    ApiStyle api = ApiStyle::OpenAI;
    QString defaultModel;
    QString keyEnvVar;  // empty: the server needs no key (local servers, the simulator)
    bool local = false; // runs on this machine; no key, no cost

    bool isSimulator() const { return baseUrl.isEmpty(); }
};

// Every preset, in the order a user should see them (cloud providers, local servers, simulator).
QList<ProviderPreset> providerPresets();

// By id or display name, case-insensitive ("OpenAI", "openai", "llama.cpp server", "llamacpp").
std::optional<ProviderPreset> findProviderPreset(const QString& idOrName);

// The preset whose base URL has the same scheme, host and port as url, if any: lets a profile
// created with a bare --base-url still get the right API style and key variable.
std::optional<ProviderPreset> providerPresetForUrl(const QUrl& url);

// The environment variable a key for this server is read from by default: the matching
// preset's, else the API style's (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY).
QString defaultKeyEnvVar(ApiStyle api, const QUrl& url = {});

} // namespace poolscope
