#pragma once

#include <QByteArray>

#include <optional>

namespace poolscope::sim {

enum class SimApi { OpenAI, Anthropic };

// The parts of a chat request body that shape the simulated answer.
struct SimChatRequest {
    QByteArray model; // as sent (UTF-8)
    bool stream = false;
    bool includeUsage = false; // OpenAI stream_options.include_usage
    int maxTokens = -1;        // max_tokens / max_completion_tokens; -1 = not given
    int promptTokens = 0;      // estimated: prompt characters / 4, rounded up

    // Parses and validates a body of `api`; on failure returns nullopt and a message for a 400.
    static std::optional<SimChatRequest> parse(SimApi api, const QByteArray& body,
                                               QByteArray* error);
};

} // namespace poolscope::sim
