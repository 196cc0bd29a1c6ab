#include "costledger.h"
#include "spendbreakdown.h"

#include <QTest>
#include <QTextDocument>

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

QString plain(const QString& html) {
    QTextDocument document;
    document.setHtml(html);
    return document.toPlainText();
}

} // namespace

class tst_SpendBreakdown : public QObject {
    Q_OBJECT
private slots:
    void nothingSpentShowsNothing() { QVERIFY(spendBreakdownHtml(CostLedger{}).isEmpty()); }

    void rowsPerProfileAndModelMostExpensiveFirst() {
        CostLedger ledger;
        ledger.add(spent(u"openai"_s, u"gpt-4.1"_s, 1'000'000'000));              // $0.001
        ledger.add(spent(u"openai"_s, u"gpt-4.1"_s, 2'000'000'000));              // $0.002
        ledger.add(spent(u"claude"_s, u"claude-sonnet-4-5"_s, 9'000'000'000, 7)); // $0.009
        const QString text = plain(spendBreakdownHtml(ledger));
        QVERIFY2(text.contains(u"openai · gpt-4.1"_s), qPrintable(text));
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
        const QString text = plain(spendBreakdownHtml(ledger));
        QVERIFY2(text.contains(u"local · llama-3"_s), qPrintable(text));
        // Each cell is a line of its own; the local row ends where the total row starts.
        const QString localLine = text.section(u"local · llama-3"_s, 1).section(u"total"_s, 0, 0);
        QVERIFY2(localLine.contains(u"unknown"_s), qPrintable(text));
        QVERIFY(!localLine.contains(u"$0.0000"_s));
        QVERIFY(text.contains(u"+ 1 unpriced"_s));
    }

    void manyRowsAreSummedIntoOthers() {
        CostLedger ledger;
        for (int i = 0; i < 10; ++i)
            ledger.add(spent(u"p"_s + QString::number(i), u"m"_s, 1'000'000'000LL * (i + 1)));
        const QString text = plain(spendBreakdownHtml(ledger, 4));
        QVERIFY2(text.contains(u"7 others"_s), qPrintable(text));
        QVERIFY(text.contains(u"p9 · m"_s));
        QVERIFY(!text.contains(u"p0 · m"_s));
        QVERIFY(text.contains(u"$0.0280"_s)); // p0..p6: 1+2+...+7 thousandths
        QVERIFY(text.contains(u"$0.0550"_s)); // total
    }
};

QTEST_MAIN(tst_SpendBreakdown)
#include "tst_spendbreakdown.moc"
