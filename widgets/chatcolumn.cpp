#include "chatcolumn.h"

#include "connectionpool.h"
#include "poolhost.h"

#include <QBoxLayout>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QTextBrowser>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

ChatColumn::ChatColumn(PoolHost* host, QWidget* parent)
    : QWidget(parent)
    , m_host(host)
    , m_profile(new QComboBox(this))
    , m_model(new QLineEdit(this))
    , m_transcript(new QTextBrowser(this)) {
    m_profile->setObjectName(u"profileChoice"_s);
    m_model->setObjectName(u"modelInput"_s);
    m_transcript->setObjectName(u"transcript"_s);
    m_profile->setToolTip(tr("The profile (server, API style and key) this conversation talks to"));
    m_model->setToolTip(tr("The model asked for; empty uses the profile's"));
    m_model->setPlaceholderText(tr("model"));
    m_transcript->setOpenExternalLinks(false);
    m_transcript->setPlaceholderText(
        tr("Answers stream in here. Every request goes through the connection pool."));

    auto* header = new QHBoxLayout;
    auto* profileLabel = new QLabel(tr("&Profile"), this);
    profileLabel->setBuddy(m_profile);
    auto* modelLabel = new QLabel(tr("&Model"), this);
    modelLabel->setBuddy(m_model);
    header->addWidget(profileLabel);
    header->addWidget(m_profile, 1);
    header->addWidget(modelLabel);
    header->addWidget(m_model, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_transcript, 1);

    connect(m_profile, &QComboBox::textActivated, this, &ChatColumn::profileChosen);
    // Queued: the pool lives on its own thread.
    connect(m_host->pool(), &ConnectionPool::contentReceived, this, &ChatColumn::onContent);
    connect(m_host->pool(), &ConnectionPool::reportedRequestFinished, this,
            &ChatColumn::onFinished);
}

void ChatColumn::setProfiles(const QStringList& names) {
    const QString current = m_profile->currentText();
    const QSignalBlocker blocker(m_profile);
    m_profile->clear();
    m_profile->addItems(names);
    if (names.contains(current))
        m_profile->setCurrentText(current);
}

void ChatColumn::setProfile(const QString& name) {
    const QSignalBlocker blocker(m_profile);
    if (m_profile->findText(name) < 0)
        m_profile->addItem(name);
    m_profile->setCurrentText(name);
}

QString ChatColumn::profile() const {
    return m_profile->currentText();
}

void ChatColumn::setModel(const QString& model) {
    m_model->setText(model);
}

QString ChatColumn::model() const {
    return m_model->text().trimmed();
}

bool ChatColumn::send(const QString& prompt, const ChatParameters& parameters) {
    if (prompt.isEmpty() || isBusy())
        return false;
    ChatRequest request;
    request.model = model(); // empty: the pool uses the endpoint's
    if (!parameters.systemPrompt.trimmed().isEmpty())
        request.messages.append({u"system"_s, parameters.systemPrompt.trimmed()});
    for (const ChatTurn& turn : std::as_const(m_turns))
        request.messages.append({turn.role, turn.content});
    request.messages.append({u"user"_s, prompt});
    request.stream = true;
    request.reportContent = true; // the answer streams into the transcript
    request.maxTokens = parameters.maxTokens;
    request.temperature = parameters.temperature;

    const ChatTurn turn{u"user"_s, prompt, {}};
    m_turns.append(turn);
    appendTurn(turn);
    appendHeading(tr("Assistant"));
    m_answer.clear();
    m_activeId = m_host->submit(request);
    emit busyChanged(true);
    return true;
}

void ChatColumn::stop() {
    if (m_activeId != 0)
        m_host->cancel(m_activeId);
}

void ChatColumn::clear() {
    stop();
    m_turns.clear();
    m_transcript->clear();
}

QString ChatColumn::transcriptText() const {
    return m_transcript->toPlainText();
}

QString ChatColumn::lastAnswer() const {
    for (auto turn = m_turns.crbegin(); turn != m_turns.crend(); ++turn) {
        if (turn->role == u"assistant"_s)
            return turn->content;
    }
    return {};
}

ChatConversation ChatColumn::conversation() const {
    return {profile(), model(), m_turns};
}

void ChatColumn::restore(const ChatConversation& conversation) {
    clear();
    if (!conversation.model.isEmpty())
        setModel(conversation.model);
    for (const ChatTurn& turn : conversation.turns) {
        m_turns.append(turn);
        appendTurn(turn);
    }
}

void ChatColumn::onContent(quint64 id, const QString& delta) {
    if (id != m_activeId)
        return;
    m_answer += delta;
    QTextCursor cursor = m_transcript->textCursor();
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(delta, bodyFormat()); // not the bold of the "Assistant" heading
    m_transcript->verticalScrollBar()->setValue(m_transcript->verticalScrollBar()->maximum());
}

void ChatColumn::onFinished(const RequestRecord& record) {
    if (record.id != m_activeId)
        return;
    m_activeId = 0;
    const QString facts = factsLine(record);
    if (record.ok) {
        m_turns.append({u"assistant"_s, record.output, facts});
    } else if (!m_turns.isEmpty()) {
        m_turns.removeLast(); // the unanswered prompt is not part of the conversation
    }
    appendNote(facts);
    emit busyChanged(false);
    emit answerFinished(record);
}

QString ChatColumn::factsLine(const RequestRecord& record) const {
    if (!record.ok)
        return tr("failed (%1): %2").arg(errorClassName(record.errorClass), record.error);
    const double ttft = record.ttftMs();
    const double streamSeconds = (record.e2eMs() - ttft) / 1000.0;
    const double rate = streamSeconds > 0 && record.tokens.completion > 1
                            ? double(record.tokens.completion - 1) / streamSeconds
                            : 0.0;
    const std::optional<qint64> cost = m_prices.costPico(record.model, record.tokens);
    const QString costText = cost ? PriceTable::formatUsd(*cost, 6)
                                  : tr("cost unknown (no price for %1)").arg(record.model);
    return tr("TTFT %1 ms · %2 tokens%3 · %4 tok/s · %5 · %6 connection #%7")
        .arg(QString::number(ttft, 'f', 0))
        .arg(record.tokens.completion)
        .arg(record.tokens.estimated ? tr(" (estimated)") : QString())
        .arg(QString::number(rate, 'f', 1))
        .arg(costText)
        .arg(record.reused ? tr("reused") : tr("new"))
        .arg(record.connectionId);
}

void ChatColumn::appendTurn(const ChatTurn& turn) {
    appendHeading(turn.role == u"user"_s ? tr("You") : tr("Assistant"));
    QTextCursor cursor = m_transcript->textCursor();
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(turn.content, bodyFormat());
    if (!turn.note.isEmpty())
        appendNote(turn.note);
}

void ChatColumn::appendHeading(const QString& who) {
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
}

void ChatColumn::appendNote(const QString& note) {
    QTextCursor cursor = m_transcript->textCursor();
    cursor.movePosition(QTextCursor::End);
    QTextCharFormat dim;
    dim.setForeground(palette().color(QPalette::PlaceholderText));
    cursor.insertBlock();
    cursor.insertText(note, dim);
    m_transcript->verticalScrollBar()->setValue(m_transcript->verticalScrollBar()->maximum());
}

QTextCharFormat ChatColumn::bodyFormat() {
    QTextCharFormat format;
    format.setFontWeight(QFont::Normal);
    return format;
}

} // namespace poolscope
