#pragma once

#include "requestrecord.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTreeWidget;

namespace poolscope {

class WaterfallWidget;

// Everything about one request from the log: a summary line, the waterfall of its timeline,
// its attempts with their causes and waits, and its headers (credentials redacted), body and
// output.
class RequestDetailView : public QWidget {
    Q_OBJECT
public:
    explicit RequestDetailView(QWidget* parent = nullptr);

    void showRecord(const RequestRecord& record);
    void clear();

    QString summaryText() const;
    QString requestHeadersText() const;
    QString requestBodyText() const;
    QString responseHeadersText() const;
    QString outputText() const;
    WaterfallWidget* waterfall() const { return m_waterfall; }
    QTreeWidget* attempts() const { return m_attempts; }

    static QString headersText(const RecordHeaders& headers); // redacts again, to be safe

private:
    QLabel* m_summary;
    WaterfallWidget* m_waterfall;
    QTreeWidget* m_attempts;
    QTabWidget* m_tabs;
    QPlainTextEdit* m_requestHeaders;
    QPlainTextEdit* m_requestBody;
    QPlainTextEdit* m_responseHeaders;
    QPlainTextEdit* m_output;
};

} // namespace poolscope
