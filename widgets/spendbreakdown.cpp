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

const QColor kUnknownColor(0xb3, 0x5c, 0x00);

// A partly unpriced row shows what is known as a lower bound: the page's summary counts the
// unpriced requests, and the table stays narrow enough to sit beside its chart.
FigureTable::Cell costCell(const CostLedger::Row& row) {
    const auto known = row.knownCostPico();
    if (!known)
        return {tr("unknown"), kUnknownColor};
    const QString text = PriceTable::formatUsd(*known, 4);
    if (row.costComplete())
        return {text};
    return {u"\u2265 "_s + text, kUnknownColor};
}

} // namespace

QList<FigureTable::Row> spendBreakdownRows(const CostLedger& ledger, int maxRows) {
    if (ledger.isEmpty())
        return {};
    QList<CostLedger::Row> rows = ledger.rows();
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return a.knownCostPico().value_or(-1) > b.knownCostPico().value_or(-1);
    });
    QList<FigureTable::Row> table;
    table.append({{tr("profile · model"), {}, true, Qt::AlignLeft},
                  {tr("requests"), {}, true},
                  {tr("cost"), {}, true}});
    const auto addRow = [&table](const QString& label, bool bold, const CostLedger::Row& row) {
        table.append(
            {{label, {}, bold, Qt::AlignLeft}, {QString::number(row.requests)}, costCell(row)});
    };
    const qsizetype shown = rows.size() > maxRows ? maxRows - 1 : rows.size();
    for (qsizetype i = 0; i < shown; ++i) {
        const CostLedger::Row& row = rows[i];
        addRow(row.profile.isEmpty() ? row.model : row.profile + u" · "_s + row.model, false, row);
    }
    if (shown < rows.size()) {
        CostLedger::Row rest;
        for (qsizetype i = shown; i < rows.size(); ++i)
            rest.merge(rows[i]);
        addRow(tr("%1 others").arg(rows.size() - shown), false, rest);
    }
    if (rows.size() > 1)
        addRow(tr("total"), true, ledger.total());
    return table;
}

} // namespace poolscope
