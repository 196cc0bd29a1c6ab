// The cost ledger against totals worked out by hand.
#include "costledger.h"
#include "pricetable.h"
#include "runstats.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <limits>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

// $2 input, $0.50 cached input, $8 output per million tokens (gpt-4.1's shape).
PriceTable prices() {
    PriceTable table;
    table.setPrice(u"m-a"_s, {2000000, 8000000, 500000, {}, {}});
    return table;
}

RequestRecord record(const QString& profile, const QString& model, bool ok, qint64 prompt,
                     qint64 completion, qint64 cached = 0, qint64 reasoning = 0) {
    RequestRecord r;
    r.profile = profile;
    r.model = model;
    r.ok = ok;
    r.tokens.prompt = prompt;
    r.tokens.completion = completion;
    r.tokens.cached = cached;
    r.tokens.reasoning = reasoning;
    r.costPicoUsd = prices().costPico(model, r.tokens); // as BatchRunner fills it in
    return r;
}

QList<RequestRecord> run() {
    return {
        // 200 fresh × 2e6 + 800 cached × 5e5 + 500 out × 8e6
        //   = 400,000,000 + 400,000,000 + 4,000,000,000 = 4,800,000,000 pico
        record(u"p1"_s, u"m-a"_s, true, 1000, 500, 800, 100),
        // 10 × 2e6 + 5 × 8e6 = 20,000,000 + 40,000,000 = 60,000,000 pico
        record(u"p1"_s, u"m-a"_s, true, 10, 5),
        // failed: counted as a request, not billed
        record(u"p1"_s, u"m-a"_s, false, -1, -1),
        // no price: unknown, never $0
        record(u"p1"_s, u"mystery"_s, true, 7, 3),
        // 100 × 2e6 = 200,000,000 pico
        record(u"p2"_s, u"m-a"_s, true, 100, 0),
    };
}

} // namespace

class tst_CostLedger : public QObject {
    Q_OBJECT
private slots:
    void rowsPerProfileAndModel() {
        CostLedger ledger;
        QVERIFY(ledger.isEmpty());
        for (const RequestRecord& r : run())
            ledger.add(r);
        const QList<CostLedger::Row> rows = ledger.rows();
        QCOMPARE(rows.size(), 3);

        QCOMPARE(rows[0].profile, u"p1"_s);
        QCOMPARE(rows[0].model, u"m-a"_s);
        QCOMPARE(rows[0].requests, 3);
        QCOMPARE(rows[0].succeeded, 2);
        QCOMPARE(rows[0].promptTokens, 1010);
        QCOMPARE(rows[0].cachedTokens, 800);
        QCOMPARE(rows[0].completionTokens, 505);
        QCOMPARE(rows[0].reasoningTokens, 100);
        QCOMPARE(rows[0].costPico, 4860000000LL); // 4,800,000,000 + 60,000,000
        QCOMPARE(rows[0].costUnknownRequests, 0);
        QCOMPARE(rows[0].knownCostPico(), std::optional<qint64>(4860000000LL));

        QCOMPARE(rows[1].model, u"mystery"_s);
        QCOMPARE(rows[1].requests, 1);
        QCOMPARE(rows[1].costUnknownRequests, 1);
        QVERIFY(!rows[1].knownCostPico()); // unknown, not $0
        QVERIFY(!rows[1].costComplete());

        QCOMPARE(rows[2].profile, u"p2"_s);
        QCOMPARE(rows[2].costPico, 200000000LL);

        const CostLedger::Row total = ledger.total();
        QCOMPARE(total.requests, 5);
        QCOMPARE(total.succeeded, 4);
        QCOMPARE(total.promptTokens, 1117); // 1010 + 7 + 100
        QCOMPARE(total.completionTokens, 508);
        QCOMPARE(total.costPico, 5060000000LL); // 4,860,000,000 + 200,000,000
        QCOMPARE(total.costUnknownRequests, 1);
        QVERIFY(total.knownCostPico()); // part known, part unknown: both are shown
    }

    void agreesWithTheRunSummary() {
        // The rows must add up to the summary's cost_usd and cost_unknown_requests.
        CostLedger ledger;
        RunStats stats;
        QList<RequestRecord> records = run();
        records.append(record(u"p3"_s, u"mystery"_s, true, 50, 1));
        records.last().tokens.cacheWrite = 30;
        for (const RequestRecord& r : records) {
            ledger.add(r);
            stats.add(r);
        }
        QCOMPARE(ledger.total().costPico, stats.costPico());
        QCOMPARE(quint64(ledger.total().costUnknownRequests), stats.costUnknownRequests());
        QCOMPARE(quint64(ledger.total().requests), stats.requests());
        const QJsonObject tokens = stats.toJson(1.0, {}).value(u"tokens"_s).toObject();
        QCOMPARE(ledger.total().cacheWriteTokens, 30);
        QCOMPARE(tokens.value(u"prompt"_s).toInteger(), ledger.total().promptTokens);
        QCOMPARE(tokens.value(u"cached"_s).toInteger(), ledger.total().cachedTokens);
        QCOMPARE(tokens.value(u"cache_write"_s).toInteger(), ledger.total().cacheWriteTokens);
    }

    void json() {
        CostLedger ledger;
        for (const RequestRecord& r : run())
            ledger.add(r);
        RequestRecord bare = record(QString(), u"m-a"_s, true, 1, 1); // 2e6 + 8e6 = 1e7
        ledger.add(bare);
        const QJsonArray array = ledger.toJson();
        QCOMPARE(array.size(), 4);
        const QJsonObject first = array[0].toObject(); // "" sorts first: the bare endpoint
        QVERIFY(first.value(u"profile"_s).isNull());
        QCOMPARE(first.value(u"cost_pico_usd"_s).toInteger(), 10000000);
        const QJsonObject a = array[1].toObject();
        QCOMPARE(a.value(u"profile"_s).toString(), u"p1"_s);
        QCOMPARE(a.value(u"model"_s).toString(), u"m-a"_s);
        QCOMPARE(a.value(u"requests"_s).toInteger(), 3);
        QCOMPARE(a.value(u"succeeded"_s).toInteger(), 2);
        QCOMPARE(a.value(u"cost_pico_usd"_s).toInteger(), 4860000000LL);
        QCOMPARE(a.value(u"cost_usd"_s).toDouble(), 0.00486);
        QCOMPARE(a.value(u"cost_unknown_requests"_s).toInteger(), 0);
        const QJsonObject tokens = a.value(u"tokens"_s).toObject();
        QCOMPARE(tokens.value(u"prompt"_s).toInteger(), 1010);
        QCOMPARE(tokens.value(u"cached"_s).toInteger(), 800);
        QCOMPARE(tokens.value(u"cache_write"_s).toInteger(), 0);
        QCOMPARE(tokens.value(u"completion"_s).toInteger(), 505);
        QCOMPARE(tokens.value(u"reasoning"_s).toInteger(), 100);
        const QJsonObject mystery = array[2].toObject();
        QVERIFY(mystery.value(u"cost_usd"_s).isNull()); // never 0
        QVERIFY(mystery.value(u"cost_pico_usd"_s).isNull());
        QCOMPARE(mystery.value(u"cost_unknown_requests"_s).toInteger(), 1);
    }

    void sumsThatDoNotFitAreUnknown() {
        CostLedger ledger;
        RequestRecord big = record(u"p"_s, u"m-a"_s, true, 1, 0);
        big.costPicoUsd = std::numeric_limits<qint64>::max() - 10;
        ledger.add(big);
        big.costPicoUsd = 100; // would wrap
        ledger.add(big);
        big.tokens.prompt = std::numeric_limits<qint64>::max(); // absurd server counts saturate
        big.costPicoUsd = 5;
        ledger.add(big);
        const CostLedger::Row row = ledger.rows().constFirst();
        QCOMPARE(row.costPico, std::numeric_limits<qint64>::max() - 5);
        QCOMPARE(row.costUnknownRequests, 1);
        QCOMPARE(row.promptTokens, std::numeric_limits<qint64>::max());
    }
};

QTEST_GUILESS_MAIN(tst_CostLedger)
#include "tst_costledger.moc"
