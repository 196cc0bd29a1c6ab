#include "chathistory.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

ChatHistory sample() {
    ChatHistory history;
    history.conversations.append(
        {u"simulator"_s,
         u"sim-small"_s,
         {{u"user"_s, u"What is a pool? \"quoted\" ünïcode 🙂"_s, {}},
          {u"assistant"_s, u"A set of open connections.\nReused."_s, u"TTFT 20 ms · 8 tokens"_s}}});
    history.conversations.append({u"openai"_s, u"gpt-4.1-mini"_s, {}});
    return history;
}

} // namespace

class tst_ChatHistory : public QObject {
    Q_OBJECT
private slots:
    void roundTrip() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"sub/chat-history.json"_s);
        QString error;
        QVERIFY2(saveChatHistory(path, sample(), &error), qPrintable(error));
        const ChatHistoryLoad load = loadChatHistory(path);
        QVERIFY2(load.error.isEmpty(), qPrintable(load.error));
        QCOMPARE(load.history, sample());
    }

    void aMissingFileIsAnEmptyHistory() {
        QTemporaryDir dir;
        const ChatHistoryLoad load = loadChatHistory(dir.filePath(u"none.json"_s));
        QVERIFY(load.error.isEmpty());
        QVERIFY(load.history.conversations.isEmpty());
    }

    // A crash in the middle of a save: the new content went to QSaveFile's temporary, which
    // was never committed. The history on disk is the previous one, whole.
    void aCrashMidSaveLeavesThePreviousHistory() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"chat-history.json"_s);
        QVERIFY(saveChatHistory(path, sample(), nullptr));
        {
            QSaveFile interrupted(path);
            QVERIFY(interrupted.open(QIODevice::WriteOnly));
            interrupted.write("{\"version\": 1, \"conversations\": [{\"profile\": \"sim");
            interrupted.flush();
            // Destroyed without commit(), as a killed process would leave it.
        }
        // A stray temporary from a kill -9 (QSaveFile names it after the file) changes nothing.
        QFile stray(path + u".AbC123"_s);
        QVERIFY(stray.open(QIODevice::WriteOnly));
        stray.write("{\"version\": 1, \"conv");
        stray.close();
        const ChatHistoryLoad load = loadChatHistory(path);
        QVERIFY2(load.error.isEmpty(), qPrintable(load.error));
        QCOMPARE(load.history, sample());
    }

    // What makes a crash harmless: a save never writes into the existing file, it puts a new
    // one in its place. A second name for the old file (a hard link) still shows the old
    // content after the save; a save that rewrote the file in place would change it too.
    void aSaveReplacesTheFileInsteadOfRewritingIt() {
#ifdef Q_OS_UNIX
        QTemporaryDir dir;
        const QString path = dir.filePath(u"chat-history.json"_s);
        QVERIFY(saveChatHistory(path, sample(), nullptr));
        const QString oldName = dir.filePath(u"old-name.json"_s);
        QCOMPARE(
            ::link(QFile::encodeName(path).constData(), QFile::encodeName(oldName).constData()), 0);
        ChatHistory changed = sample();
        changed.conversations.first().turns.append({u"user"_s, u"one more"_s, {}});
        QVERIFY(saveChatHistory(path, changed, nullptr));
        QCOMPARE(loadChatHistory(path).history, changed);
        QCOMPARE(loadChatHistory(oldName).history, sample()); // untouched: replaced, not rewritten
#else
        QSKIP("hard links are a POSIX way to tell a replaced file from a rewritten one");
#endif
    }

    // A file damaged some other way (a disk error, a hand edit) is kept aside, not lost, and
    // the next save starts a fresh history.
    void anUnreadableFileIsKeptAside() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"chat-history.json"_s);
        QFile damaged(path);
        QVERIFY(damaged.open(QIODevice::WriteOnly));
        damaged.write("{\"version\": 1, \"conversations\": [");
        damaged.close();
        const ChatHistoryLoad load = loadChatHistory(path);
        QVERIFY(load.error.contains(u"could not be read"_s));
        QVERIFY(!load.movedAsidePath.isEmpty());
        QVERIFY(load.error.contains(load.movedAsidePath));
        QVERIFY(!QFile::exists(path));
        QFile aside(load.movedAsidePath);
        QVERIFY(aside.open(QIODevice::ReadOnly));
        QCOMPARE(aside.readAll(), QByteArray("{\"version\": 1, \"conversations\": ["));
        QVERIFY(load.history.conversations.isEmpty());
    }

    void badTurnsAreNamed() {
        QString error;
        QVERIFY(!ChatHistory::fromJson(
            "{\"version\":1,\"conversations\":[{\"turns\":[{\"role\":\"user\",\"content\":\"a\"},{"
            "\"role\":\"robot\",\"content\":\"b\"}]}]}",
            &error));
        QVERIFY2(error.contains(u"turn 2"_s), qPrintable(error));
        QVERIFY(!ChatHistory::fromJson("{\"version\":7}", &error));
        QVERIFY(error.contains(u"version 7"_s));
    }
};

QTEST_GUILESS_MAIN(tst_ChatHistory)
#include "tst_chathistory.moc"
