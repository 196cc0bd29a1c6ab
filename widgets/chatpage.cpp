#include "chatpage.h"

#include "connectionpool.h"
#include "poolhost.h"

#include <QBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QTextBrowser>

using namespace Qt::StringLiterals;

namespace poolscope {

ChatPage::ChatPage(PoolHost* host, QWidget* parent)
    : QWidget(parent)
    , m_host(host)
    , m_transcript(new QTextBrowser(this))
    , m_input(new QPlainTextEdit(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_hint(new QLabel(this)) {
    m_transcript->setObjectName(u"transcript"_s);
    m_input->setObjectName(u"promptInput"_s);
    m_send->setObjectName(u"sendButton"_s);
    m_stop->setObjectName(u"stopButton"_s);
    m_transcript->setOpenExternalLinks(false);
    m_transcript->setPlaceholderText(
        tr("Answers stream in here. Every request goes through the connection pool."));
    m_input->setPlaceholderText(tr("Type a prompt and press Ctrl+Enter"));
    m_input->setMaximumHeight(120);
    m_send->setToolTip(tr("Send the prompt (Ctrl+Enter)"));
    m_stop->setToolTip(tr("Stop the answer that is streaming (Esc)"));
    m_hint->setText(tr("Ctrl+Enter sends · Esc stops"));
    m_hint->setEnabled(false);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_hint, 1);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_send);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_transcript, 1);
    layout->addWidget(m_input);
    layout->addLayout(buttons);

    setFocusProxy(m_input); // the prompt box has the keyboard when the page opens
    connect(m_send, &QPushButton::clicked, this, &ChatPage::send);
    connect(m_stop, &QPushButton::clicked, this, &ChatPage::stop);
    for (const QKeySequence& keys :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto* shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &ChatPage::send);
    }
    auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &ChatPage::stop);

    // Queued: the pool lives on its own thread.
    connect(m_host->pool(), &ConnectionPool::contentReceived, this, &ChatPage::onContent);
    connect(m_host->pool(), &ConnectionPool::requestFinished, this, &ChatPage::onFinished);
    updateButtons();
}

void ChatPage::send() {
    const QString prompt = m_input->toPlainText().trimmed();
    if (prompt.isEmpty() || m_activeId != 0)
        return;
    m_history.append({u"user"_s, prompt});
    appendBlock(tr("You"), prompt);
    appendBlock(tr("Assistant"), QString());
    m_answer.clear();
    m_input->clear();

    ChatRequest request;
    request.model = m_model;
    request.messages = m_history;
    request.stream = true;
    request.reportContent = true; // the answer streams into the transcript
    m_activeId = m_host->submit(request);
    updateButtons();
}

void ChatPage::stop() {
    if (m_activeId != 0)
        m_host->cancel(m_activeId);
}

void ChatPage::clear() {
    stop();
    m_history.clear();
    m_transcript->clear();
}

QString ChatPage::transcriptText() const {
    return m_transcript->toPlainText();
}

void ChatPage::onContent(quint64 id, const QString& delta) {
    if (id != m_activeId)
        return;
    m_answer += delta;
    QTextCursor cursor = m_transcript->textCursor();
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(delta, bodyFormat()); // not the bold of the "Assistant" heading
    m_transcript->verticalScrollBar()->setValue(m_transcript->verticalScrollBar()->maximum());
}

void ChatPage::onFinished(const RequestRecord& record) {
    if (record.id != m_activeId)
        return;
    m_activeId = 0;
    QString facts;
    if (record.ok) {
        m_history.append({u"assistant"_s, record.output});
        const double ttft = record.ttftMs();
        const double streamSeconds = (record.e2eMs() - ttft) / 1000.0;
        const double rate = streamSeconds > 0 && record.tokens.completion > 1
                                ? double(record.tokens.completion - 1) / streamSeconds
                                : 0.0;
        facts = tr("TTFT %1 ms · %2 tokens%3 · %4 tok/s · %5 connection #%6")
                    .arg(QString::number(ttft, 'f', 0))
                    .arg(record.tokens.completion)
                    .arg(record.tokens.estimated ? tr(" (estimated)") : QString())
                    .arg(QString::number(rate, 'f', 1))
                    .arg(record.reused ? tr("reused") : tr("new"))
                    .arg(record.connectionId);
    } else {
        m_history.removeLast(); // the unanswered prompt is not part of the conversation
        facts = tr("failed (%1): %2").arg(errorClassName(record.errorClass), record.error);
    }
    QTextCursor cursor = m_transcript->textCursor();
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat dim;
    dim.setForeground(palette().color(QPalette::PlaceholderText));
    cursor.insertBlock();
    cursor.insertText(facts, dim);
    updateButtons();
    emit answerFinished(record);
}

void ChatPage::appendBlock(const QString& who, const QString& text) {
    QTextCursor cursor = m_transcript->textCursor();
    cursor.movePosition(QTextCursor::End);
    if (!m_transcript->document()->isEmpty()) {
        cursor.insertBlock();
        if (who == tr("You"))
            cursor.insertBlock(); // a blank line between turns
    }
    QTextCharFormat bold = bodyFormat();
    bold.setFontWeight(QFont::Bold);
    cursor.insertText(who + u'\n', bold);
    cursor.insertText(text, bodyFormat());
}

QTextCharFormat ChatPage::bodyFormat() {
    QTextCharFormat format;
    format.setFontWeight(QFont::Normal);
    return format;
}

void ChatPage::updateButtons() {
    m_send->setEnabled(m_activeId == 0);
    m_stop->setEnabled(m_activeId != 0);
}

} // namespace poolscope
