#include "pricetable.h"

#include <QFile>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

class tst_PriceTable : public QObject {
    Q_OBJECT
private slots:
    void readsLiteLlmFields() {
        const QByteArray json = R"({
            "sample_spec": {"max_tokens": "set to max"},
            "gpt-4.1": {"input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06,
                        "cache_read_input_token_cost": 5e-07, "litellm_provider": "openai"},
            "dall-e-3": {"output_cost_per_image": 0.04}
        })"_ba;
        QString error;
        const auto table = PriceTable::fromJson(json, &error);
        QVERIFY2(table, qPrintable(error));
        QCOMPARE(table->size(), 1);
        const ModelPrice price = *table->find(u"GPT-4.1"_s);
        QCOMPARE(price.inputPico, qint64(2000000));
        QCOMPARE(price.outputPico, qint64(8000000));
        QCOMPARE(price.cachedInputPico, qint64(500000));
        QVERIFY(table->find(u"openai/gpt-4.1"_s)); // provider prefix
        QVERIFY(!table->find(u"gpt-5-unknown"_s));
    }

    void costIsExact_data() {
        QTest::addColumn<qint64>("prompt");
        QTest::addColumn<qint64>("cached");
        QTest::addColumn<qint64>("completion");
        QTest::addColumn<qint64>("expectedPico");
        // gpt-4.1: $2 / $0.50 cached / $8 per million tokens
        QTest::addRow("plain") << qint64(1000) << qint64(0) << qint64(500)
                               << qint64(1000 * 2000000LL + 500 * 8000000LL);
        QTest::addRow("cached") << qint64(1000) << qint64(800) << qint64(0)
                                << qint64(200 * 2000000LL + 800 * 500000LL);
        QTest::addRow("million") << qint64(1000000) << qint64(0) << qint64(1000000)
                                 << qint64(10) * 1000000000000LL;
    }
    void costIsExact() {
        QFETCH(qint64, prompt);
        QFETCH(qint64, cached);
        QFETCH(qint64, completion);
        QFETCH(qint64, expectedPico);
        PriceTable table;
        table.setPrice(u"gpt-4.1"_s, {2000000, 8000000, 500000, {}, {}});
        TokenUsage usage;
        usage.prompt = prompt;
        usage.cached = cached;
        usage.completion = completion;
        QCOMPARE(table.costPico(u"gpt-4.1"_s, usage).value(), expectedPico);
        QVERIFY(!table.costPico(u"no-such-model"_s, usage)); // unknown, never $0
    }

    void sumsOfSmallPricesStayExact() {
        // 0.1 + 0.2 style drift must not appear in totals.
        PriceTable table;
        table.setPrice(u"m"_s, {PriceTable::picoFromUsdPerToken(1e-07), 0, -1, {}, {}});
        TokenUsage usage;
        usage.prompt = 1;
        usage.completion = 0;
        qint64 total = 0;
        for (int i = 0; i < 10; ++i)
            total += *table.costPico(u"m"_s, usage);
        QCOMPARE(total, qint64(1000000));
        QCOMPARE(PriceTable::formatUsd(total), u"$0.000001"_s);
    }

    void absurdPricesAndHugeTotalsAreNotNumbers() {
        // Found by fuzz_pricetable: a price of 1e300 $/token overflowed the integer sums.
        QString error;
        const auto table = PriceTable::fromJson(
            "{\"a\": {\"input_cost_per_token\": 1e300, \"output_cost_per_token\": 1e-6}, "
            "\"b\": {\"input_cost_per_token\": 900, \"output_cost_per_token\": 900}}"_ba,
            &error);
        QVERIFY(table);
        QVERIFY(!table->find(u"a"_s)); // rejected: no price rather than a wrong one
        TokenUsage usage;
        usage.prompt = 9000000000LL; // 9e9 tokens × 9e14 pico does not fit in 64 bits
        usage.completion = 0;
        QVERIFY(!table->costPico(u"b"_s, usage)); // unknown, not a wrapped number
        usage.prompt = 1000;
        QCOMPARE(table->costPico(u"b"_s, usage).value(), qint64(1000) * 900000000000000LL);
    }

    void shippedTableIsDatedAndSourced() {
        QFile file(QStringLiteral(POOLSCOPE_SOURCE_DIR) + u"/resources/prices.json"_s);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString error;
        const auto table = PriceTable::fromJson(file.readAll(), &error);
        QVERIFY2(table, qPrintable(error));
        for (const QString& model :
             {u"gpt-4.1"_s, u"claude-sonnet-4-5"_s, u"gemini-2.5-flash"_s, u"deepseek-chat"_s}) {
            const auto price = table->find(model);
            QVERIFY2(price, qPrintable(model));
            QVERIFY(!price->source.isEmpty());
            QVERIFY(!price->date.isEmpty());
        }
        QCOMPARE(table->find(u"gpt-4.1"_s)->outputPico, qint64(8000000));
        QCOMPARE(table->find(u"claude-sonnet-4-5"_s)->outputPico, qint64(15000000));
        QCOMPARE(table->find(u"gemini-2.5-flash"_s)->outputPico, qint64(2500000));
        QCOMPARE(table->find(u"deepseek-chat"_s)->outputPico, qint64(420000));
    }
};

QTEST_GUILESS_MAIN(tst_PriceTable)
#include "tst_pricetable.moc"
