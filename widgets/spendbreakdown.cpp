#include "spendbreakdown.h"

#include "costledger.h"
#include "pricetable.h"

#include <QCoreApplication>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("SpendBreakdown", text);
}

QString costCell(const CostLedger::Row& row) {
    const auto known = row.knownCostPico();
    if (!known)
        return u"<span style='color:#b35c00'>"_s + tr("unknown") + u"</span>"_s;
    QString text = PriceTable::formatUsd(*known, 4);
    if (!row.costComplete())
        text += u" <span style='color:#b35c00'>+ "_s + QString::number(row.costUnknownRequests) +
                u" "_s + tr("unpriced") + u"</span>"_s;
    return text;
}

QString htmlEscaped(const QString& text) {
    return text.toHtmlEscaped();
}

} // namespace

QString spendBreakdownHtml(const CostLedger& ledger, int maxRows) {
    if (ledger.isEmpty())
        return {};
    QList<CostLedger::Row> rows = ledger.rows();
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return a.knownCostPico().value_or(-1) > b.knownCostPico().value_or(-1);
    });
    QString html = u"<table cellspacing='0' cellpadding='2'><tr><td><b>"_s + tr("profile · model") +
                   u"</b></td><td align='right'><b>"_s + tr("requests") +
                   u"</b></td><td align='right'><b>"_s + tr("tokens out") +
                   u"</b></td><td align='right'><b>"_s + tr("cost") + u"</b></td></tr>"_s;
    const auto addRow = [&html](const QString& label, const CostLedger::Row& row) {
        html += u"<tr><td>"_s + label + u"&nbsp;</td><td align='right'>"_s +
                QString::number(row.requests) + u"</td><td align='right'>"_s +
                QString::number(row.completionTokens) + u"</td><td align='right'>&nbsp;"_s +
                costCell(row) + u"</td></tr>"_s;
    };
    const qsizetype shown = rows.size() > maxRows ? maxRows - 1 : rows.size();
    for (qsizetype i = 0; i < shown; ++i) {
        const CostLedger::Row& row = rows[i];
        const QString profile = row.profile.isEmpty() ? tr("(no profile)") : row.profile;
        addRow(htmlEscaped(profile) + u" · "_s + htmlEscaped(row.model), row);
    }
    if (shown < rows.size()) {
        CostLedger::Row rest;
        for (qsizetype i = shown; i < rows.size(); ++i)
            rest.merge(rows[i]);
        addRow(tr("%1 others").arg(rows.size() - shown), rest);
    }
    if (rows.size() > 1)
        addRow(u"<b>"_s + tr("total") + u"</b>"_s, ledger.total());
    html += u"</table>"_s;
    return html;
}

} // namespace poolscope
