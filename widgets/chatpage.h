#pragma once

#include "chathistory.h"
#include "pricetable.h"
#include "requestrecord.h"

#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QSplitter;

namespace poolscope {

class ChatColumn;
struct ChatParameters;
class PoolHost;

// The playground: a streaming chat through the pool, with a system prompt, temperature and
// max tokens, a profile and model per conversation, and optionally a second conversation side
// by side that gets the same prompts through a second pool, to compare providers. The history
// survives restarts and crashes (saved atomically after every answer).
class ChatPage : public QWidget {
    Q_OBJECT
public:
    // compareHost: the pool of the side-by-side column; null disables side by side.
    explicit ChatPage(PoolHost* host, PoolHost* compareHost = nullptr, QWidget* parent = nullptr);
    ~ChatPage() override; // keeps the system prompt and parameters for the next start

    ChatColumn* mainColumn() const { return m_main; }
    ChatColumn* compareColumn() const { return m_compare; } // null without a compare pool

    void setModel(const QString& model); // the main column's
    void setProfiles(const QStringList& names);
    void setPrices(const PriceTable& prices);
    // Loads the history from this file and saves it there after every change. A file that
    // cannot be read is moved aside; historyError() says so.
    void setHistoryPath(const QString& path);
    QString historyError() const { return m_historyError; }

    QString transcriptText() const; // the main column's
    bool isBusy() const;
    bool isSideBySide() const;
    ChatParameters parameters() const;

public slots:
    void send();
    void stop();
    void clear();
    void copyLastAnswer();
    void setSideBySide(bool on);

signals:
    void answerFinished(const poolscope::RequestRecord& record);
    void profileChosen(const QString& name);        // the main column's
    void compareProfileChosen(const QString& name); // the side-by-side column's
    void sideBySideChanged(bool on);

private:
    void updateButtons();
    void saveHistory();
    void saveParameters() const;

    ChatColumn* m_main;
    ChatColumn* m_compare = nullptr;
    QSplitter* m_columns;
    QPlainTextEdit* m_system;
    QDoubleSpinBox* m_temperature;
    QSpinBox* m_maxTokens;
    QCheckBox* m_sideBySide;
    QPlainTextEdit* m_input;
    QPushButton* m_send;
    QPushButton* m_stop;
    QPushButton* m_copy;
    QPushButton* m_clear;
    QLabel* m_hint;
    QString m_historyPath;
    QString m_historyError;
};

} // namespace poolscope
