#pragma once

#include "chatrequest.h"
#include "requestrecord.h"

#include <QTextCharFormat>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;

namespace poolscope {

class PoolHost;

// The playground's chat: a conversation sent through the pool, answers streaming in token by
// token, each answer followed by its numbers (TTFT, tokens/s, tokens, connection).
class ChatPage : public QWidget {
    Q_OBJECT
public:
    explicit ChatPage(PoolHost* host, QWidget* parent = nullptr);

    void setModel(const QString& model) { m_model = model; }
    QString transcriptText() const;
    bool isBusy() const { return m_activeId != 0; }

public slots:
    void send();
    void stop();
    void clear();

signals:
    void answerFinished(const poolscope::RequestRecord& record);

private:
    void onContent(quint64 id, const QString& delta);
    void onFinished(const RequestRecord& record);
    void appendBlock(const QString& who, const QString& text);
    void updateButtons();
    static QTextCharFormat bodyFormat();

    PoolHost* m_host;
    QString m_model;
    QList<ChatMessage> m_history;
    quint64 m_activeId = 0;
    QString m_answer;
    QTextBrowser* m_transcript;
    QPlainTextEdit* m_input;
    QPushButton* m_send;
    QPushButton* m_stop;
    QLabel* m_hint;
};

} // namespace poolscope
