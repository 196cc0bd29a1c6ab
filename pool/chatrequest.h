#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <limits>

namespace poolscope {

struct ChatMessage {
    QString role; // "system", "user", "assistant"
    QString content;
    friend bool operator==(const ChatMessage&, const ChatMessage&) = default;
};

// One prompt as the caller means it, independent of any wire format.
struct ChatRequest {
    QString model;
    QList<ChatMessage> messages;
    bool stream = false;
    int maxTokens = -1;                                            // -1: the API's default
    double temperature = std::numeric_limits<double>::quiet_NaN(); // NaN: not sent
    QString index;         // position in the dataset, or its custom_id
    QJsonObject bodyExtra; // fields merged into the body as given (OpenAI batch "body" lines)
    // Emit ConnectionPool::contentReceived for this request's text as it streams. Off for
    // batches: nobody watches their tokens, and every delta would cross to the GUI thread.
    bool reportContent = false;
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::ChatRequest)
