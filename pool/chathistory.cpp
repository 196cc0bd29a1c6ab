#include "chathistory.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

constexpr int kFormatVersion = 1;

QJsonObject turnToJson(const ChatTurn& turn) {
    QJsonObject object{{u"role"_s, turn.role}, {u"content"_s, turn.content}};
    if (!turn.note.isEmpty())
        object.insert(u"note"_s, turn.note);
    return object;
}

std::optional<ChatTurn> turnFromJson(const QJsonValue& value) {
    const QJsonObject object = value.toObject();
    const QString role = object.value(u"role"_s).toString();
    if ((role != u"user"_s && role != u"assistant"_s) || !object.value(u"content"_s).isString())
        return std::nullopt;
    return ChatTurn{role, object.value(u"content"_s).toString(),
                    object.value(u"note"_s).toString()};
}

} // namespace

QByteArray ChatHistory::toJson() const {
    QJsonArray columns;
    for (const ChatConversation& conversation : conversations) {
        QJsonArray turns;
        for (const ChatTurn& turn : conversation.turns)
            turns.append(turnToJson(turn));
        columns.append(QJsonObject{{u"profile"_s, conversation.profile},
                                   {u"model"_s, conversation.model},
                                   {u"turns"_s, turns}});
    }
    return QJsonDocument(QJsonObject{{u"version"_s, kFormatVersion}, {u"conversations"_s, columns}})
        .toJson(QJsonDocument::Indented);
}

std::optional<ChatHistory> ChatHistory::fromJson(const QByteArray& json, QString* error) {
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (parseError.error != QJsonParseError::NoError)
        return fail(u"not JSON (at byte "_s + QString::number(parseError.offset) + u"): "_s +
                    parseError.errorString());
    const QJsonObject root = document.object();
    if (root.value(u"version"_s).toInt() != kFormatVersion)
        return fail(u"unknown history format version "_s +
                    QString::number(root.value(u"version"_s).toInt()));
    ChatHistory history;
    const QJsonArray columns = root.value(u"conversations"_s).toArray();
    for (qsizetype c = 0; c < columns.size(); ++c) {
        const QJsonObject object = columns.at(c).toObject();
        ChatConversation conversation;
        conversation.profile = object.value(u"profile"_s).toString();
        conversation.model = object.value(u"model"_s).toString();
        const QJsonArray turns = object.value(u"turns"_s).toArray();
        for (qsizetype t = 0; t < turns.size(); ++t) {
            const auto turn = turnFromJson(turns.at(t));
            if (!turn)
                return fail(u"conversation "_s + QString::number(c + 1) + u", turn "_s +
                            QString::number(t + 1) +
                            u" has no valid role (user or assistant) and content"_s);
            conversation.turns.append(*turn);
        }
        history.conversations.append(conversation);
    }
    return history;
}

bool saveChatHistory(const QString& path, const ChatHistory& history, QString* error) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(history.toJson()) < 0 || !file.commit()) {
        if (error)
            *error = u"cannot save the chat history to "_s + path + u": "_s + file.errorString();
        return false;
    }
    return true;
}

ChatHistoryLoad loadChatHistory(const QString& path) {
    ChatHistoryLoad load;
    QFile file(path);
    if (!file.exists())
        return load;
    if (!file.open(QIODevice::ReadOnly)) {
        load.error = u"cannot read the chat history "_s + path + u": "_s + file.errorString();
        return load;
    }
    QString why;
    const auto history = ChatHistory::fromJson(file.readAll(), &why);
    file.close();
    if (history) {
        load.history = *history;
        return load;
    }
    // Keep what could not be read: a person may want it back, and the next save must not
    // overwrite it.
    const QString aside =
        path + u".unreadable-"_s + QDateTime::currentDateTime().toString(u"yyyyMMdd-hhmmss"_s);
    load.error = u"the chat history "_s + path + u" could not be read ("_s + why + u')';
    if (QFile::rename(path, aside)) {
        load.movedAsidePath = aside;
        load.error += u"; it was kept as "_s + aside;
    }
    return load;
}

} // namespace poolscope
