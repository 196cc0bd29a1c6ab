#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace poolscope {

// One turn of a playground conversation. An answer keeps the numbers line shown under it.
struct ChatTurn {
    QString role; // "user" or "assistant"
    QString content;
    QString note; // e.g. "TTFT 212 ms · 48 tokens · $0.000120"; empty for prompts
    friend bool operator==(const ChatTurn&, const ChatTurn&) = default;
};

// One column of the playground: which profile and model it talked to, and what was said.
struct ChatConversation {
    QString profile;
    QString model;
    QList<ChatTurn> turns;
    friend bool operator==(const ChatConversation&, const ChatConversation&) = default;
};

// The playground's history, kept across restarts and crashes.
struct ChatHistory {
    QList<ChatConversation> conversations; // the main column first

    QByteArray toJson() const;
    static std::optional<ChatHistory> fromJson(const QByteArray& json, QString* error);
    friend bool operator==(const ChatHistory&, const ChatHistory&) = default;
};

// Writes through QSaveFile (a temporary beside the file, renamed over it on commit), so a
// crash at any moment leaves either the previous history or the new one, never half of one.
bool saveChatHistory(const QString& path, const ChatHistory& history, QString* error);

// What loading found. A missing file is an empty history, not an error. A file that cannot be
// read as a history is moved aside (movedAsidePath), never overwritten, and error says why.
struct ChatHistoryLoad {
    ChatHistory history;
    QString error;
    QString movedAsidePath;
};
ChatHistoryLoad loadChatHistory(const QString& path);

} // namespace poolscope
