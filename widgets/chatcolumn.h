#pragma once

#include "chathistory.h"
#include "chatrequest.h"
#include "pricetable.h"
#include "requestrecord.h"

#include <QTextCharFormat>
#include <QWidget>

#include <limits>

class QComboBox;
class QLineEdit;
class QTextBrowser;

namespace poolscope {

class PoolHost;

// What every prompt of the playground carries besides the conversation.
struct ChatParameters {
    QString systemPrompt;                                          // empty: none
    double temperature = std::numeric_limits<double>::quiet_NaN(); // NaN: the API's default
    int maxTokens = -1;                                            // -1: the API's default
};

// One conversation of the playground: a profile and model to talk to, a pool to go through,
// and the transcript, answers streaming in token by token and each followed by its numbers
// (TTFT, tokens, tokens/s, cost, connection). Two of them side by side compare providers.
class ChatColumn : public QWidget {
    Q_OBJECT
public:
    explicit ChatColumn(PoolHost* host, QWidget* parent = nullptr);

    void setProfiles(const QStringList& names); // keeps the current choice when it still exists
    void setProfile(const QString& name);       // shows the choice; does not emit profileChosen
    QString profile() const;
    void setModel(const QString& model);
    QString model() const;
    void setPrices(const PriceTable& prices) { m_prices = prices; }

    bool isBusy() const { return m_activeId != 0; }
    bool send(const QString& prompt, const ChatParameters& parameters);
    void stop();
    void clear();

    QString transcriptText() const;
    QString lastAnswer() const;
    ChatConversation conversation() const;
    void restore(const ChatConversation& conversation);

signals:
    void profileChosen(const QString& name);
    void answerFinished(const poolscope::RequestRecord& record);
    void busyChanged(bool busy);

private:
    void onContent(quint64 id, const QString& delta);
    void onFinished(const RequestRecord& record);
    QString factsLine(const RequestRecord& record) const;
    void appendTurn(const ChatTurn& turn);
    void appendHeading(const QString& who);
    void appendNote(const QString& note);
    static QTextCharFormat bodyFormat();

    PoolHost* m_host;
    PriceTable m_prices;
    QList<ChatTurn> m_turns;
    quint64 m_activeId = 0;
    QString m_answer;
    QComboBox* m_profile;
    QLineEdit* m_model;
    QTextBrowser* m_transcript;
};

} // namespace poolscope
