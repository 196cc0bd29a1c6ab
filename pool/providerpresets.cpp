#include "providerpresets.h"

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

// localhost, 127.0.0.1 and ::1 name the same server.
QString normalizedHost(const QUrl& url) {
    const QString host = url.host().toLower();
    if (host == u"localhost"_s || host == u"127.0.0.1"_s || host == u"::1"_s)
        return u"localhost"_s;
    return host;
}

ProviderPreset cloud(const QString& id, const QString& name, const QString& url, ApiStyle api,
                     const QString& model, const QString& keyVariable) {
    return {id, name, QUrl(url), api, model, keyVariable, false};
}

ProviderPreset localServer(const QString& id, const QString& name, const QString& url,
                           const QString& model) {
    return {id, name, QUrl(url), ApiStyle::OpenAI, model, QString(), true};
}

} // namespace

// Base URLs as each provider documents them for OpenAI-style clients (checked 2025-2026):
// DeepSeek documents https://api.deepseek.com (the /v1 form is an alias); Together's current
// docs use api.together.ai (api.together.xyz still answers). Local servers use their default ports.
QList<ProviderPreset> providerPresets() {
    return {
        cloud(u"openai"_s, u"OpenAI"_s, u"https://api.openai.com/v1"_s, ApiStyle::OpenAI,
              u"gpt-4.1-mini"_s, u"OPENAI_API_KEY"_s),
        cloud(u"anthropic"_s, u"Anthropic"_s, u"https://api.anthropic.com/v1"_s,
              ApiStyle::Anthropic, u"claude-sonnet-4-5"_s, u"ANTHROPIC_API_KEY"_s),
        cloud(u"gemini"_s, u"Google Gemini"_s,
              u"https://generativelanguage.googleapis.com/v1beta"_s, ApiStyle::Gemini,
              u"gemini-2.5-flash"_s, u"GEMINI_API_KEY"_s),
        cloud(u"deepseek"_s, u"DeepSeek"_s, u"https://api.deepseek.com"_s, ApiStyle::OpenAI,
              u"deepseek-chat"_s, u"DEEPSEEK_API_KEY"_s),
        cloud(u"holysheep"_s, u"HolySheep"_s, u"https://api.holysheep.ai/v1"_s, ApiStyle::OpenAI,
              u"gpt-4.1-mini"_s, u"HOLYSHEEP_API_KEY"_s),
        cloud(u"openrouter"_s, u"OpenRouter"_s, u"https://openrouter.ai/api/v1"_s, ApiStyle::OpenAI,
              u"openai/gpt-4.1-mini"_s, u"OPENROUTER_API_KEY"_s),
        cloud(u"groq"_s, u"Groq"_s, u"https://api.groq.com/openai/v1"_s, ApiStyle::OpenAI,
              u"llama-3.3-70b-versatile"_s, u"GROQ_API_KEY"_s),
        cloud(u"mistral"_s, u"Mistral"_s, u"https://api.mistral.ai/v1"_s, ApiStyle::OpenAI,
              u"mistral-small-latest"_s, u"MISTRAL_API_KEY"_s),
        cloud(u"together"_s, u"Together"_s, u"https://api.together.ai/v1"_s, ApiStyle::OpenAI,
              u"meta-llama/Llama-3.3-70B-Instruct-Turbo"_s, u"TOGETHER_API_KEY"_s),
        localServer(u"ollama"_s, u"Ollama"_s, u"http://localhost:11434/v1"_s, u"llama3.2"_s),
        // llama-server serves the one model it loaded and ignores the name.
        localServer(u"llamacpp"_s, u"llama.cpp server"_s, u"http://localhost:8080/v1"_s,
                    u"default"_s),
        localServer(u"vllm"_s, u"vLLM"_s, u"http://localhost:8000/v1"_s,
                    u"Qwen/Qwen2.5-1.5B-Instruct"_s),
        localServer(u"lmstudio"_s, u"LM Studio"_s, u"http://localhost:1234/v1"_s,
                    u"qwen2.5-7b-instruct"_s),
        {u"simulator"_s, u"Simulator"_s, QUrl(), ApiStyle::OpenAI, u"sim-small"_s, QString(), true},
    };
}

std::optional<ProviderPreset> findProviderPreset(const QString& idOrName) {
    const QString wanted = idOrName.trimmed();
    for (const ProviderPreset& preset : providerPresets()) {
        if (preset.id.compare(wanted, Qt::CaseInsensitive) == 0 ||
            preset.displayName.compare(wanted, Qt::CaseInsensitive) == 0)
            return preset;
    }
    return std::nullopt;
}

std::optional<ProviderPreset> providerPresetForUrl(const QUrl& url) {
    if (!url.isValid() || url.host().isEmpty())
        return std::nullopt;
    for (const ProviderPreset& preset : providerPresets()) {
        if (preset.isSimulator())
            continue;
        const QUrl& known = preset.baseUrl;
        const int defaultPort = known.scheme() == u"https"_s ? 443 : 80;
        if (known.scheme() == url.scheme() && normalizedHost(known) == normalizedHost(url) &&
            known.port(defaultPort) == url.port(defaultPort))
            return preset;
    }
    return std::nullopt;
}

QString defaultKeyEnvVar(ApiStyle api, const QUrl& url) {
    if (const auto preset = providerPresetForUrl(url); preset && !preset->keyEnvVar.isEmpty())
        return preset->keyEnvVar;
    switch (api) {
    case ApiStyle::Anthropic:
        return u"ANTHROPIC_API_KEY"_s;
    case ApiStyle::Gemini:
        return u"GEMINI_API_KEY"_s;
    case ApiStyle::OpenAI:
        break;
    }
    return u"OPENAI_API_KEY"_s;
}

} // namespace poolscope
