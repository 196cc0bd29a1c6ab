// The pre-flight estimate against numbers worked out by hand.
#include "costestimate.h"

#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

// $0.40 input, $1.60 output per million tokens (sim-small's demonstration price).
PriceTable prices() {
    PriceTable table;
    table.setPrice(u"m"_s, {400000, 1600000, -1, {}, {}});
    return table;
}

// Prompt tokens: 16 for framing + ceil(characters / 4).
//   "abcdefgh"  8 chars → 2 → 18
//   "abcdefghi" 9 chars → 3 → 19
//   "x"         1 char  → 1 → 17
Dataset dataset() {
    return parseDataset(R"({"prompt": "abcdefgh"}
{"prompt": "abcdefghi", "max_tokens": 100}
{"prompt": "x", "model": "unpriced"}
)"_ba,
                        u"jsonl"_s);
}

} // namespace

class tst_CostEstimate : public QObject {
    Q_OBJECT
private slots:
    void datasetByHand() {
        const Dataset items = dataset();
        QVERIFY(items.ok());
        QCOMPARE(items.items.size(), 3);
        const CostEstimate e = estimateCost(items.items, prices(), u"m"_s, 40);
        QCOMPARE(e.requests, 3);
        QCOMPARE(e.promptTokens, 54); // 18 + 19 + 17
        // item 1 (default max 40): worst 18 × 400,000 + 40 × 1,600,000 = 71,200,000
        //                          expected (a quarter: 10) 7,200,000 + 16,000,000 = 23,200,000
        // item 2 (own max 100):    worst 19 × 400,000 + 100 × 1,600,000 = 167,600,000
        //                          expected (25) 7,600,000 + 40,000,000 = 47,600,000
        QCOMPARE(e.worstCasePico, 238800000LL);
        QCOMPARE(e.expectedPico, 70800000LL);
        QCOMPARE(e.unknownPriceRequests, 1);
        QCOMPARE(e.pricedRequests(), 2);
        QCOMPARE(e.unknownPriceModels, (QMap<QString, qint64>{{u"unpriced"_s, 1}}));
        QCOMPARE(e.assumedMaxTokensRequests, 0);
        QVERIFY(!e.overflowed);
        // $0.0000708 → 2 significant digits, nearest: $0.000071; $0.0002388 up: $0.00024
        QCOMPARE(e.toText(), u"3 requests, ~54 prompt tokens, about $0.000071, at most $0.00024 "
                             "if every answer uses max tokens, for the 2 with a price; cost "
                             "UNKNOWN for 1 request, no price for model \"unpriced\" (1)"_s);
    }

    void noMaxTokensAnywhereAssumesTheBudgetsWorstCase() {
        const Dataset items = dataset();
        const CostEstimate e = estimateCost(items.items.first(1), prices(), u"m"_s, -1);
        // 18 × 400,000 + 4096 × 1,600,000 = 7,200,000 + 6,553,600,000 = 6,560,800,000
        QCOMPARE(e.worstCasePico, 6560800000LL);
        // 7,200,000 + 1024 × 1,600,000 = 1,645,600,000
        QCOMPARE(e.expectedPico, 1645600000LL);
        QCOMPARE(e.assumedMaxTokensRequests, 1);
        QCOMPARE(e.toText(), u"1 request, ~18 prompt tokens, about $0.0016, at most $0.0066 if "
                             "every answer uses max tokens (4,096 assumed where none is set)"_s);
    }

    void repeatedPromptWithTheDefaultModel() {
        // --prompt × --requests: 300 empty-model requests of "Say hello." (10 chars → 3 + 16).
        QList<ChatRequest> work(300);
        for (ChatRequest& r : work)
            r.messages.append({u"user"_s, u"Say hello."_s});
        const CostEstimate e = estimateCost(work, prices(), u"m"_s, 8);
        QCOMPARE(e.promptTokens, 5700); // 300 × 19
        // per request: worst 19 × 400,000 + 8 × 1,600,000 = 7,600,000 + 12,800,000 = 20,400,000
        //              expected 7,600,000 + 2 × 1,600,000 = 10,800,000
        QCOMPARE(e.worstCasePico, 6120000000LL);
        QCOMPARE(e.expectedPico, 3240000000LL);
        QCOMPARE(e.toText(), u"300 requests, ~5,700 prompt tokens, about $0.0032, at most $0.0062 "
                             "if every answer uses max tokens"_s);
    }

    void everythingUnknownShowsNoDollars() {
        QList<ChatRequest> work(2);
        const CostEstimate e = estimateCost(work, prices(), QString(), 10);
        QCOMPARE(e.unknownPriceRequests, 2);
        QCOMPARE(e.worstCasePico, 0);
        QVERIFY(!e.toText().contains(u'$'));
        QCOMPARE(e.toText(), u"2 requests, ~32 prompt tokens; cost UNKNOWN for 2 requests, no "
                             "price for model (none) (2)"_s);
    }

    void hugeSumsAreFlaggedNotWrapped() {
        PriceTable table;
        table.setPrice(u"dear"_s, {0, 900000000000000LL, -1, {}, {}}); // $900 a token
        QList<ChatRequest> work(3);
        // 2,000,000 × 9e14 = 1.8e21 does not fit in 64 bits
        const CostEstimate e = estimateCost(work, table, u"dear"_s, 2000000);
        QVERIFY(e.overflowed);
        QVERIFY(e.toText().contains(u"more than shown"_s));
    }

    void approximateDollars_data() {
        QTest::addColumn<qint64>("pico");
        QTest::addColumn<bool>("up");
        QTest::addColumn<QString>("text");
        QTest::addRow("zero") << qint64(0) << false << u"$0.0000"_s;
        QTest::addRow("0.0012") << qint64(1200000000) << false << u"$0.0012"_s;
        QTest::addRow("nearest down") << qint64(1249999999) << false << u"$0.0012"_s;
        QTest::addRow("nearest up") << qint64(1250000000) << false << u"$0.0013"_s;
        QTest::addRow("bound rounds up") << qint64(1200000001) << true << u"$0.0013"_s;
        QTest::addRow("exact bound stays") << qint64(4600000000) << true << u"$0.0046"_s;
        QTest::addRow("two significant") << qint64(92000000) << false << u"$0.000092"_s;
        QTest::addRow("tiny") << qint64(5) << false << u"$0.000000000005"_s;
        QTest::addRow("dollars") << qint64(12340000000000) << false << u"$12.3400"_s;
        QTest::addRow("grouped") << qint64(1234567000000000) << false << u"$1,234.5670"_s;
        QTest::addRow("carry") << qint64(999999999999) << false << u"$1.0000"_s;
        QTest::addRow("negative") << qint64(-1200000000) << false << u"-$0.0012"_s;
    }
    void approximateDollars() {
        QFETCH(qint64, pico);
        QFETCH(bool, up);
        QFETCH(QString, text);
        QCOMPARE(formatApproxUsd(pico, up ? UsdRounding::Up : UsdRounding::Nearest), text);
    }

    void grouping() {
        QCOMPARE(groupedNumber(0), u"0"_s);
        QCOMPARE(groupedNumber(999), u"999"_s);
        QCOMPARE(groupedNumber(1000), u"1,000"_s);
        QCOMPARE(groupedNumber(4800), u"4,800"_s);
        QCOMPARE(groupedNumber(1234567), u"1,234,567"_s);
        QCOMPARE(groupedNumber(-1234), u"-1,234"_s);
    }
};

QTEST_GUILESS_MAIN(tst_CostEstimate)
#include "tst_costestimate.moc"
