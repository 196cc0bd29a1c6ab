#include "costledger.h"
#include "spendbreakdown.h"

#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

RequestRecord spent(const QString& profile, const QString& model, std::optional<qint64> pico,
                    int outputTokens = 10) {
    RequestRecord record;
    record.ok = true;
    record.profile = profile;
    record.model = model;
    record.tokens.prompt = 5;
    record.tokens.completion = outputTokens;
    record.costPicoUsd = pico;
    return record;
}

// One line per row, cells separated by tabs, as the table copies itself.
QString plain(const QList<FigureTable::Row>& rows) {
    FigureTable table;
    table.setRows(rows);
    return table.plainText();
}

// The row whose first cell is `label`, or nothing.
FigureTable::Row rowOf(const QList<FigureTable::Row>& rows, const QString& label) {
    for (const FigureTable::Row& row : rows)
        if (!row.isEmpty() && row.first().text == label)
            return row;
    return {};
}

} // namespace

class tst_SpendBreakdown : public QObject {
    Q_OBJECT
private slots:
    void nothingSpentShowsNothing() { QVERIFY(spendBreakdownRows(CostLedger{}).isEmpty()); }

    void rowsPerProfileAndModelMostExpensiveFirst() {
        CostLedger ledger;
        ledger.add(spent(u"openai"_s, u"gpt-4.1"_s, 1'000'000'000));              // $0.001
        ledger.add(spent(u"openai"_s, u"gpt-4.1"_s, 2'000'000'000));              // $0.002
        ledger.add(spent(u"claude"_s, u"claude-sonnet-4-5"_s, 9'000'000'000, 7)); // $0.009
        const QString text = plain(spendBreakdownRows(ledger));
        QVERIFY2(text.contains(u"openai · gpt-4.1\t2\t$0.0030"_s), qPrintable(text));
        QVERIFY(text.indexOf(u"claude · claude-sonnet-4-5"_s) < text.indexOf(u"openai"_s));
        QVERIFY(text.contains(u"$0.0030"_s)); // the two gpt-4.1 requests, summed exactly
        QVERIFY(text.contains(u"$0.0090"_s));
        QVERIFY(text.contains(u"$0.0120"_s)); // total
    }

    void unknownIsNeverZero() {
        CostLedger ledger;
        ledger.add(spent(u"local"_s, u"llama-3"_s, std::nullopt));
        ledger.add(spent(u"openai"_s, u"gpt-4.1"_s, 1'000'000'000));
        ledger.add(spent(u"openai"_s, u"gpt-4.1"_s, std::nullopt)); // a price failure mid-run
        const QList<FigureTable::Row> rows = spendBreakdownRows(ledger);
        const FigureTable::Row local = rowOf(rows, u"local · llama-3"_s);
        QCOMPARE(local.size(), 3);
        QCOMPARE(local.last().text, u"unknown"_s);
        QVERIFY(local.last().color.isValid()); // set apart from the known costs
        const FigureTable::Row openai = rowOf(rows, u"openai · gpt-4.1"_s);
        QCOMPARE(openai.last().text, u"\u2265 $0.0010"_s); // at least: one request is unpriced
        QVERIFY(openai.last().color.isValid());
        QCOMPARE(rowOf(rows, u"total"_s).last().text, u"\u2265 $0.0010"_s);
    }

    void aRequestWithoutAProfileIsNamedByItsModel() {
        CostLedger ledger;
        ledger.add(spent(QString(), u"gpt-4.1"_s, 1'000'000'000)); // a bare --base-url run
        const QList<FigureTable::Row> rows = spendBreakdownRows(ledger);
        QCOMPARE(rows.size(), 2); // the header and the row; one row needs no total
        QCOMPARE(rows.last().first().text, u"gpt-4.1"_s);
    }

    void manyRowsAreSummedIntoOthers() {
        CostLedger ledger;
        for (int i = 0; i < 10; ++i)
            ledger.add(spent(u"p"_s + QString::number(i), u"m"_s, 1'000'000'000LL * (i + 1)));
        const QString text = plain(spendBreakdownRows(ledger, 4));
        QVERIFY2(text.contains(u"7 others"_s), qPrintable(text));
        QVERIFY(text.contains(u"p9 · m"_s));
        QVERIFY(!text.contains(u"p0 · m"_s));
        QVERIFY(text.contains(u"$0.0280"_s)); // p0..p6: 1+2+...+7 thousandths
        QVERIFY(text.contains(u"$0.0550"_s)); // total
    }
};

QTEST_MAIN(tst_SpendBreakdown)
#include "tst_spendbreakdown.moc"
