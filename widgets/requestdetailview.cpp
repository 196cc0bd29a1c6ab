#include "requestdetailview.h"

#include "pricetable.h"
#include "waterfallwidget.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

QPlainTextEdit* makeText(const QString& objectName, QWidget* parent) {
    auto* edit = new QPlainTextEdit(parent);
    edit->setObjectName(objectName);
    edit->setReadOnly(true);
    edit->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return edit;
}

QString bodyText(const QByteArray& body) {
    // JSON bodies are indented for reading; anything else is shown as it came.
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError && !document.isNull())
        return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
    return QString::fromUtf8(body);
}

} // namespace

RequestDetailView::RequestDetailView(QWidget* parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_waterfall(new WaterfallWidget(this))
    , m_attempts(new QTreeWidget(this))
    , m_tabs(new QTabWidget(this))
    , m_requestHeaders(makeText(u"requestHeaders"_s, this))
    , m_requestBody(makeText(u"requestBody"_s, this))
    , m_responseHeaders(makeText(u"responseHeaders"_s, this))
    , m_output(makeText(u"output"_s, this)) {
    m_summary->setObjectName(u"detailSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_waterfall->setObjectName(u"waterfall"_s);

    m_attempts->setObjectName(u"attempts"_s);
    m_attempts->setRootIsDecorated(false);
    m_attempts->setUniformRowHeights(true);
    m_attempts->setHeaderLabels(
        {tr("Try"), tr("Result"), tr("HTTP"), tr("Cause"), tr("Waited before next")});
    m_attempts->header()->setStretchLastSection(false);
    m_attempts->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_attempts->header()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_attempts->setMaximumHeight(110);

    m_tabs->setObjectName(u"detailTabs"_s);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_requestHeaders, tr("Request headers"));
    m_tabs->addTab(m_requestBody, tr("Request body"));
    m_tabs->addTab(m_responseHeaders, tr("Response headers"));
    m_tabs->addTab(m_output, tr("Output"));

    auto* attemptsTitle = new QLabel(tr("Attempts"), this);
    attemptsTitle->setStyleSheet(u"font-weight: 600;"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_waterfall);
    layout->addWidget(attemptsTitle);
    layout->addWidget(m_attempts);
    layout->addWidget(m_tabs, 1);
    clear();
}

QString RequestDetailView::headersText(const RecordHeaders& headers) {
    QString text;
    for (const auto& [name, value] : redactedHeaders(headers))
        text += QString::fromLatin1(name) + u": "_s + QString::fromLatin1(value) + u'\n';
    return text;
}

void RequestDetailView::showRecord(const RequestRecord& record) {
    QStringList parts;
    parts << (record.requestId.isEmpty() ? tr("request %1").arg(record.id) : record.requestId);
    parts << (record.ok ? tr("ok") : tr("error: %1").arg(errorClassName(record.errorClass)));
    if (record.httpStatus > 0)
        parts << tr("HTTP %1").arg(record.httpStatus);
    if (!record.model.isEmpty())
        parts << record.model;
    if (record.connectionId > 0)
        parts << (record.reused ? tr("connection #%1 (reused)") : tr("connection #%1 (new)"))
                     .arg(record.connectionId);
    if (!record.httpVersion.isEmpty())
        parts << u"HTTP/"_s + record.httpVersion;
    if (record.e2eMs() >= 0)
        parts << tr("E2E %1 ms").arg(record.e2eMs(), 0, 'f', 1);
    if (record.ttftMs() >= 0)
        parts << tr("TTFT %1 ms").arg(record.ttftMs(), 0, 'f', 1);
    parts << (record.costPicoUsd ? PriceTable::formatUsd(*record.costPicoUsd, 6)
                                 : tr("cost unknown"));
    QString summary = parts.join(u"  \u00b7  "_s);
    if (!record.ok && !record.error.isEmpty())
        summary += u'\n' + record.error;
    m_summary->setText(summary);
    m_summary->setStyleSheet(record.ok ? QString() : u"color: #b01c1c;"_s);

    m_waterfall->setRecord(record);

    m_attempts->clear();
    for (const AttemptRecord& attempt : record.attemptLog) {
        const QString result =
            attempt.errorClass == ErrorClass::None ? tr("ok") : errorClassName(attempt.errorClass);
        auto* item = new QTreeWidgetItem(
            m_attempts,
            {QString::number(attempt.number), result,
             attempt.httpStatus > 0 ? QString::number(attempt.httpStatus) : QString(),
             attempt.cause,
             attempt.retryDelayMs > 0 ? tr("%1 ms").arg(attempt.retryDelayMs) : QString()});
        if (attempt.errorClass != ErrorClass::None)
            item->setForeground(1, QColor(0xb0, 0x1c, 0x1c));
    }

    m_requestHeaders->setPlainText(headersText(record.requestHeaders));
    m_requestBody->setPlainText(bodyText(record.requestBody));
    m_responseHeaders->setPlainText(headersText(record.responseHeaders));
    m_output->setPlainText(record.output);
}

void RequestDetailView::clear() {
    m_summary->setText(tr("Select a request in the log to see its details."));
    m_summary->setStyleSheet(QString());
    m_waterfall->clear();
    m_attempts->clear();
    m_requestHeaders->clear();
    m_requestBody->clear();
    m_responseHeaders->clear();
    m_output->clear();
}

QString RequestDetailView::summaryText() const {
    return m_summary->text();
}

QString RequestDetailView::requestHeadersText() const {
    return m_requestHeaders->toPlainText();
}

QString RequestDetailView::requestBodyText() const {
    return m_requestBody->toPlainText();
}

QString RequestDetailView::responseHeadersText() const {
    return m_responseHeaders->toPlainText();
}

QString RequestDetailView::outputText() const {
    return m_output->toPlainText();
}

} // namespace poolscope
