#include "chatpage.h"

#include "chatcolumn.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QClipboard>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGuiApplication>
#include <QKeySequence>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {
constexpr double kDefaultTemperature = -0.1; // the spin box's "default" value
}

ChatPage::ChatPage(PoolHost* host, PoolHost* compareHost, QWidget* parent)
    : QWidget(parent)
    , m_main(new ChatColumn(host, this))
    , m_columns(new QSplitter(Qt::Horizontal, this))
    , m_system(new QPlainTextEdit(this))
    , m_temperature(new QDoubleSpinBox(this))
    , m_maxTokens(new QSpinBox(this))
    , m_sideBySide(new QCheckBox(tr("Side &by side"), this))
    , m_input(new QPlainTextEdit(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_copy(new QPushButton(tr("Copy answer"), this))
    , m_clear(new QPushButton(tr("Clear"), this))
    , m_hint(new QLabel(this)) {
    m_main->setObjectName(u"mainColumn"_s);
    m_system->setObjectName(u"systemPrompt"_s);
    m_temperature->setObjectName(u"temperature"_s);
    m_maxTokens->setObjectName(u"maxTokens"_s);
    m_sideBySide->setObjectName(u"sideBySide"_s);
    m_input->setObjectName(u"promptInput"_s);
    m_send->setObjectName(u"sendButton"_s);
    m_stop->setObjectName(u"stopButton"_s);
    m_copy->setObjectName(u"copyButton"_s);
    m_clear->setObjectName(u"clearButton"_s);

    m_system->setPlaceholderText(tr("System prompt (optional): how the assistant should behave"));
    m_system->setMaximumHeight(56);
    m_system->setTabChangesFocus(true);
    m_temperature->setRange(kDefaultTemperature, 2.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setDecimals(1);
    m_temperature->setSpecialValueText(tr("default"));
    m_temperature->setToolTip(tr("Sampling temperature; \"default\" sends none and lets the API "
                                 "decide"));
    m_maxTokens->setRange(0, 1000000);
    m_maxTokens->setSingleStep(256);
    m_maxTokens->setSpecialValueText(tr("default"));
    m_maxTokens->setToolTip(tr("Output token limit per answer; \"default\" sends none (Anthropic "
                               "requires one: 1024 is sent)"));
    m_sideBySide->setToolTip(tr("Send every prompt to a second profile too and compare the "
                                "answers and their numbers (Ctrl+Shift+B)"));
    m_input->setPlaceholderText(tr("Type a prompt and press Ctrl+Enter"));
    m_input->setMaximumHeight(120);
    m_send->setToolTip(tr("Send the prompt (Ctrl+Enter)"));
    m_stop->setToolTip(tr("Stop the answer that is streaming (Esc)"));
    m_copy->setToolTip(tr("Copy the last answer to the clipboard (Ctrl+Shift+C)"));
    m_clear->setToolTip(tr("Start a new conversation (Ctrl+Shift+L)"));
    m_hint->setText(tr("Ctrl+Enter sends · Esc stops"));
    m_hint->setEnabled(false);

    m_columns->addWidget(m_main);
    if (compareHost) {
        m_compare = new ChatColumn(compareHost, this);
        m_compare->setObjectName(u"compareColumn"_s);
        m_columns->addWidget(m_compare);
        m_compare->hide();
        connect(m_compare, &ChatColumn::profileChosen, this, &ChatPage::compareProfileChosen);
        connect(m_compare, &ChatColumn::answerFinished, this, &ChatPage::answerFinished);
        connect(m_compare, &ChatColumn::busyChanged, this, &ChatPage::updateButtons);
        connect(m_compare, &ChatColumn::answerFinished, this, &ChatPage::saveHistory);
    } else {
        m_sideBySide->setEnabled(false);
    }
    connect(m_main, &ChatColumn::profileChosen, this, &ChatPage::profileChosen);
    connect(m_main, &ChatColumn::answerFinished, this, &ChatPage::answerFinished);
    connect(m_main, &ChatColumn::busyChanged, this, &ChatPage::updateButtons);
    connect(m_main, &ChatColumn::answerFinished, this, &ChatPage::saveHistory);

    auto* parameters = new QHBoxLayout;
    parameters->addWidget(new QLabel(tr("Temperature"), this));
    parameters->addWidget(m_temperature);
    parameters->addSpacing(12);
    parameters->addWidget(new QLabel(tr("Max tokens"), this));
    parameters->addWidget(m_maxTokens);
    parameters->addSpacing(12);
    parameters->addWidget(m_sideBySide);
    parameters->addStretch();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_hint, 1);
    buttons->addWidget(m_clear);
    buttons->addWidget(m_copy);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_send);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_system);
    layout->addLayout(parameters);
    layout->addWidget(m_columns, 1);
    layout->addWidget(m_input);
    layout->addLayout(buttons);

    QSettings settings;
    m_system->setPlainText(settings.value(u"playground/systemPrompt"_s).toString());
    m_temperature->setValue(
        settings.value(u"playground/temperature"_s, kDefaultTemperature).toDouble());
    m_maxTokens->setValue(settings.value(u"playground/maxTokens"_s, 0).toInt());

    setFocusProxy(m_input); // the prompt box has the keyboard when the page opens
    connect(m_send, &QPushButton::clicked, this, &ChatPage::send);
    connect(m_stop, &QPushButton::clicked, this, &ChatPage::stop);
    connect(m_copy, &QPushButton::clicked, this, &ChatPage::copyLastAnswer);
    connect(m_clear, &QPushButton::clicked, this, &ChatPage::clear);
    connect(m_sideBySide, &QCheckBox::toggled, this, &ChatPage::setSideBySide);
    const auto shortcut = [this](const QKeySequence& keys, auto slot) {
        auto* action = new QShortcut(keys, this);
        action->setContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), &ChatPage::send);
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_Enter), &ChatPage::send);
    shortcut(QKeySequence(Qt::Key_Escape), &ChatPage::stop);
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), &ChatPage::copyLastAnswer);
    shortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B),
             [this] { m_sideBySide->setChecked(!m_sideBySide->isChecked()); });
    updateButtons();
}

ChatPage::~ChatPage() {
    saveParameters();
}

void ChatPage::setModel(const QString& model) {
    m_main->setModel(model);
}

void ChatPage::setProfiles(const QStringList& names) {
    m_main->setProfiles(names);
    if (m_compare)
        m_compare->setProfiles(names);
}

void ChatPage::setPrices(const PriceTable& prices) {
    m_main->setPrices(prices);
    if (m_compare)
        m_compare->setPrices(prices);
}

void ChatPage::setHistoryPath(const QString& path) {
    m_historyPath = path;
    const ChatHistoryLoad load = loadChatHistory(path);
    m_historyError = load.error;
    if (!load.history.conversations.isEmpty())
        m_main->restore(load.history.conversations.first());
    if (m_compare && load.history.conversations.size() > 1)
        m_compare->restore(load.history.conversations.at(1));
}

QString ChatPage::transcriptText() const {
    return m_main->transcriptText();
}

bool ChatPage::isBusy() const {
    return m_main->isBusy() || (m_compare && m_compare->isBusy());
}

bool ChatPage::isSideBySide() const {
    return m_compare && m_compare->isVisible();
}

ChatParameters ChatPage::parameters() const {
    ChatParameters parameters;
    parameters.systemPrompt = m_system->toPlainText();
    if (m_temperature->value() > kDefaultTemperature / 2)
        parameters.temperature = m_temperature->value();
    if (m_maxTokens->value() > 0)
        parameters.maxTokens = m_maxTokens->value();
    return parameters;
}

void ChatPage::send() {
    const QString prompt = m_input->toPlainText().trimmed();
    if (prompt.isEmpty() || isBusy())
        return;
    const ChatParameters chosen = parameters();
    saveParameters(); // when they are used, not on every keystroke: each save writes the file
    m_main->send(prompt, chosen);
    if (isSideBySide())
        m_compare->send(prompt, chosen);
    m_input->clear();
    saveHistory(); // the prompt is kept even if the app dies before the answer
}

void ChatPage::stop() {
    m_main->stop();
    if (m_compare)
        m_compare->stop();
}

void ChatPage::clear() {
    m_main->clear();
    if (m_compare)
        m_compare->clear();
    saveHistory();
}

void ChatPage::copyLastAnswer() {
    QString text = m_main->lastAnswer();
    if (isSideBySide() && !m_compare->lastAnswer().isEmpty())
        text = m_main->profile() + u":\n"_s + text + u"\n\n"_s + m_compare->profile() + u":\n"_s +
               m_compare->lastAnswer();
    if (!text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
}

void ChatPage::setSideBySide(bool on) {
    if (!m_compare)
        return;
    m_compare->setVisible(on);
    if (m_sideBySide->isChecked() != on)
        m_sideBySide->setChecked(on);
    emit sideBySideChanged(on);
}

void ChatPage::updateButtons() {
    const bool busy = isBusy();
    m_send->setEnabled(!busy);
    m_stop->setEnabled(busy);
}

void ChatPage::saveHistory() {
    if (m_historyPath.isEmpty())
        return;
    ChatHistory history;
    history.conversations.append(m_main->conversation());
    if (m_compare)
        history.conversations.append(m_compare->conversation());
    QString error;
    if (!saveChatHistory(m_historyPath, history, &error))
        m_historyError = error;
}

void ChatPage::saveParameters() const {
    QSettings settings;
    settings.setValue(u"playground/systemPrompt"_s, m_system->toPlainText());
    settings.setValue(u"playground/temperature"_s, m_temperature->value());
    settings.setValue(u"playground/maxTokens"_s, m_maxTokens->value());
}

} // namespace poolscope
