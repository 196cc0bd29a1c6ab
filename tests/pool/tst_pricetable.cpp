#include "pricetable.h"
#include "providercodec.h"

#include <QFile>
#include <QTest>

#include <limits>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

QByteArray fixture(const QString& name) {
    QFile file(QStringLiteral(POOLSCOPE_SOURCE_DIR) + u"/tests/data/providers/"_s + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The shipped prices of resources/prices.json, written out here so a change there cannot move
// these expectations; claude-sonnet-4-5 adds Anthropic's 5-minute cache write, 1.25 × $3.
PriceTable handPrices() {
    PriceTable table;
    table.setPrice(u"gpt-4.1"_s, {2000000, 8000000, 500000, {}, {}});    // $2 / $0.50 / $8
    table.setPrice(u"deepseek-chat"_s, {280000, 420000, 28000, {}, {}}); // $0.28 / 0.028 / 0.42
    table.setPrice(u"claude-sonnet-4-5"_s,
                   {3000000, 15000000, 300000, {}, {}, 3750000, 6000000});   // write 3.75, 1h 6
    table.setPrice(u"gemini-2.5-flash"_s, {300000, 2500000, 30000, {}, {}}); // $0.30 / 0.03 / 2.50
    return table;
}

} // namespace

Q_DECLARE_METATYPE(poolscope::ApiStyle)

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

    // Shown amounts round to the nearest digit, as the batch summary's printf does: the monitor
    // and the batch page must not disagree by a digit, and truncating would understate.
    void formattedAmountsRoundToNearest() {
        QCOMPARE(PriceTable::formatUsd(47'543'500'000), u"$0.047544"_s); // half up
        QCOMPARE(PriceTable::formatUsd(47'543'499'999), u"$0.047543"_s);
        QCOMPARE(PriceTable::formatUsd(999'999'999'999, 4), u"$1.0000"_s); // carries into dollars
        QCOMPARE(PriceTable::formatUsd(-1'500'000, 6), u"-$0.000002"_s);
        QCOMPARE(PriceTable::formatUsd(123'456'789'012, 12), u"$0.123456789012"_s);
        QCOMPARE(PriceTable::formatUsd(std::numeric_limits<qint64>::max(), 2),
                 u"$9223372.04"_s); // no overflow at the top
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

    // A real-shaped response of each API, through its codec to a TokenUsage, then priced.
    // Per million tokens; what each API counts where:
    //   OpenAI:    prompt_tokens includes cached_tokens; completion_tokens includes reasoning.
    //   DeepSeek:  OpenAI's shape, cache hits as prompt_cache_hit_tokens (inside prompt_tokens).
    //   Anthropic: input_tokens excludes cache reads and writes; output_tokens includes thinking.
    //   Gemini:    promptTokenCount includes cachedContentTokenCount; candidatesTokenCount
    //              excludes thoughtsTokenCount, and thoughts are billed as output.
    void costPerApiUsageShape_data() {
        QTest::addColumn<ApiStyle>("api");
        QTest::addColumn<bool>("stream");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("model");
        QTest::addColumn<qint64>("expectedPico");

        // 86 fresh × 2,000,000 = 172,000,000; 1,920 cached × 500,000 = 960,000,000;
        // 300 out (192 of them reasoning, not added again) × 8,000,000 = 2,400,000,000
        // = 3,532,000,000 pico ($0.003532)
        QTest::addRow("openai: cached and reasoning")
            << ApiStyle::OpenAI << false
            << QByteArray(
                   R"({"id":"chatcmpl-C1","object":"chat.completion","created":1751900002,)"
                   R"("model":"gpt-4.1-2025-04-14","choices":[{"index":0,"message":)"
                   R"({"role":"assistant","content":"ok","refusal":null},"finish_reason":"stop"}],)"
                   R"("usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,)"
                   R"("prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},)"
                   R"("completion_tokens_details":{"reasoning_tokens":192,"audio_tokens":0,)"
                   R"("accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}})")
            << u"gpt-4.1"_s << qint64(3532000000);
        // the recorded stream's last chunk: prompt 1,290 (1,024 cached), completion 80 (64
        // reasoning): 266 × 2,000,000 = 532,000,000; 1,024 × 500,000 = 512,000,000;
        // 80 × 8,000,000 = 640,000,000 → 1,684,000,000
        QTest::addRow("openai stream: recorded")
            << ApiStyle::OpenAI << true << fixture(u"openai_stream.sse"_s) << u"gpt-4.1"_s
            << qint64(1684000000);
        // 360 misses × 280,000 = 100,800,000; 640 hits × 28,000 = 17,920,000;
        // 200 out × 420,000 = 84,000,000 → 202,720,000
        QTest::addRow("deepseek: prompt_cache_hit_tokens")
            << ApiStyle::OpenAI << false
            << QByteArray(R"({"id":"x","object":"chat.completion","model":"deepseek-chat",)"
                          R"("choices":[{"index":0,"message":{"role":"assistant","content":"ok"},)"
                          R"("finish_reason":"stop"}],"usage":{"prompt_tokens":1000,)"
                          R"("completion_tokens":200,"total_tokens":1200,)"
                          R"("prompt_tokens_details":{"cached_tokens":640},)"
                          R"("prompt_cache_hit_tokens":640,"prompt_cache_miss_tokens":360}})")
            << u"deepseek-chat"_s << qint64(202720000);
        QTest::addRow("deepseek: hit tokens alone")
            << ApiStyle::OpenAI << false
            << QByteArray(R"({"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},)"
                          R"("finish_reason":"stop"}],"usage":{"prompt_tokens":1000,)"
                          R"("completion_tokens":200,"total_tokens":1200,)"
                          R"("prompt_cache_hit_tokens":640,"prompt_cache_miss_tokens":360}})")
            << u"deepseek-chat"_s << qint64(202720000);
        // 50 fresh × 3,000,000 = 150,000,000; 4,000 read × 300,000 = 1,200,000,000;
        // 1,000 written × 3,750,000 = 3,750,000,000; 250 out × 15,000,000 = 3,750,000,000
        // = 8,850,000,000 pico ($0.00885)
        QTest::addRow("anthropic: cache read and write")
            << ApiStyle::Anthropic << false
            << QByteArray(R"({"id":"msg_01","type":"message","role":"assistant",)"
                          R"("model":"claude-sonnet-4-5-20250929","content":[{"type":"thinking",)"
                          R"("thinking":"...","signature":"Eq"},{"type":"text","text":"ok"}],)"
                          R"("stop_reason":"end_turn","stop_sequence":null,"usage":{)"
                          R"("input_tokens":50,"cache_creation_input_tokens":1000,)"
                          R"("cache_read_input_tokens":4000,"output_tokens":250,)"
                          R"("service_tier":"standard"}})")
            << u"claude-sonnet-4-5"_s << qint64(8850000000);
        // The same request with 400 of the 1,000 written for an hour: 600 × 3,750,000 +
        // 400 × 6,000,000 = 2,250,000,000 + 2,400,000,000 = 4,650,000,000 for the writes,
        // 150,000,000 + 1,200,000,000 + 4,650,000,000 + 3,750,000,000 = 9,750,000,000
        QTest::addRow("anthropic: one-hour cache writes")
            << ApiStyle::Anthropic << false
            << QByteArray(R"({"id":"msg_01","type":"message","role":"assistant",)"
                          R"("model":"claude-sonnet-4-5-20250929","content":[)"
                          R"({"type":"text","text":"ok"}],"stop_reason":"end_turn",)"
                          R"("usage":{"input_tokens":50,"cache_creation_input_tokens":1000,)"
                          R"("cache_creation":{"ephemeral_5m_input_tokens":600,)"
                          R"("ephemeral_1h_input_tokens":400},)"
                          R"("cache_read_input_tokens":4000,"output_tokens":250}})")
            << u"claude-sonnet-4-5"_s << qint64(9750000000);
        // message_start: 12 fresh, 100 written, 2,048 read; message_delta: 42 out
        // 36,000,000 + 375,000,000 + 614,400,000 + 630,000,000 = 1,655,400,000
        QTest::addRow("anthropic stream: recorded")
            << ApiStyle::Anthropic << true << fixture(u"anthropic_stream.sse"_s)
            << u"claude-sonnet-4-5"_s << qint64(1655400000);
        // 176 fresh × 300,000 = 52,800,000; 1,024 cached × 30,000 = 30,720,000;
        // (80 + 400 thoughts) × 2,500,000 = 1,200,000,000 → 1,283,520,000
        QTest::addRow("gemini: cached and thoughts")
            << ApiStyle::Gemini << false
            << QByteArray(R"({"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"},)"
                          R"("finishReason":"STOP","index":0}],"usageMetadata":{)"
                          R"("promptTokenCount":1200,"candidatesTokenCount":80,)"
                          R"("totalTokenCount":1680,"cachedContentTokenCount":1024,)"
                          R"("thoughtsTokenCount":400,"promptTokensDetails":[{"modality":"TEXT",)"
                          R"("tokenCount":1200}]},"modelVersion":"gemini-2.5-flash"})")
            << u"gemini-2.5-flash"_s << qint64(1283520000);
        // the recorded stream's last usage: prompt 9 (4 cached), 12 candidates + 40 thoughts:
        // 5 × 300,000 + 4 × 30,000 + 52 × 2,500,000 = 1,500,000 + 120,000 + 130,000,000
        QTest::addRow("gemini stream: recorded")
            << ApiStyle::Gemini << true << fixture(u"gemini_stream.sse"_s) << u"gemini-2.5-flash"_s
            << qint64(131620000);
    }
    void costPerApiUsageShape() {
        QFETCH(ApiStyle, api);
        QFETCH(bool, stream);
        QFETCH(QByteArray, body);
        QFETCH(QString, model);
        QFETCH(qint64, expectedPico);
        QVERIFY(!body.isEmpty());
        const std::unique_ptr<ProviderCodec> codec = makeProviderCodec(api);
        TokenUsage usage;
        if (stream) {
            const StreamUpdate update = codec->newStreamDecoder()->feed(body);
            QVERIFY(update.usage);
            usage = *update.usage;
        } else {
            const ParsedResponse parsed = codec->parseResponse(body);
            QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
            usage = parsed.usage;
        }
        QCOMPARE(handPrices().costPico(model, usage), std::optional<qint64>(expectedPico));
    }

    void cacheWritesWithoutTheirOwnPriceCostInput() {
        // OpenAI and Gemini charge nothing extra to fill their caches; a table without
        // cache_creation_input_token_cost prices writes as input: 50 × 3e6 + 1,000 × 3e6 +
        // 4,000 × 3e5 + 250 × 1.5e7 = 150,000,000 + 3,000,000,000 + 1,200,000,000
        // + 3,750,000,000 = 8,100,000,000
        PriceTable table;
        table.setPrice(u"c"_s, {3000000, 15000000, 300000, {}, {}});
        TokenUsage usage;
        usage.prompt = 5050;
        usage.cached = 4000;
        usage.cacheWrite = 1000;
        usage.completion = 250;
        QCOMPARE(table.costPico(u"c"_s, usage).value(), qint64(8100000000));
        // writes and reads cannot exceed the prompt: 10 tokens, all read → 10 × 3e5
        usage.prompt = 10;
        usage.cached = 10;
        usage.cacheWrite = 50;
        usage.completion = 0;
        QCOMPARE(table.costPico(u"c"_s, usage).value(), qint64(3000000));
    }

    void oneHourWritesWithoutTheirOwnPriceCostTheWritePrice() {
        // A table that knows only the 5-minute write price charges one-hour writes at it:
        // 50 × 3e6 + 1,000 × 3.75e6 + 250 × 1.5e7 = 150,000,000 + 3,750,000,000 + 3,750,000,000
        PriceTable table;
        table.setPrice(u"c"_s, {3000000, 15000000, 300000, {}, {}, 3750000});
        TokenUsage usage;
        usage.prompt = 1050;
        usage.cacheWrite = 1000;
        usage.cacheWrite1h = 400;
        usage.completion = 250;
        QCOMPARE(table.costPico(u"c"_s, usage).value(), qint64(7650000000));
        // with the one-hour price: 400 of the writes at 6e6 instead of 3.75e6 → +900,000,000
        table.setPrice(u"c"_s, {3000000, 15000000, 300000, {}, {}, 3750000, 6000000});
        QCOMPARE(table.costPico(u"c"_s, usage).value(), qint64(8550000000));
        // one-hour writes cannot exceed the writes: 5,000 claimed, 1,000 written, all for an hour
        usage.cacheWrite1h = 5000;
        QCOMPARE(table.costPico(u"c"_s, usage).value(), qint64(9900000000));
    }

    void readsLiteLlmCacheWritePrice() {
        QString error;
        const auto table = PriceTable::fromJson(
            R"({"claude-sonnet-4-5": {"input_cost_per_token": 3e-06,
                 "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3e-07,
                 "cache_creation_input_token_cost": 3.75e-06,
                 "cache_creation_input_token_cost_above_1hr": 6e-06}})"_ba,
            &error);
        QVERIFY2(table, qPrintable(error));
        QCOMPARE(table->find(u"claude-sonnet-4-5"_s)->cacheWriteInputPico, qint64(3750000));
        const auto again = PriceTable::fromJson(table->toJson(), &error); // survives export
        QVERIFY(again);
        QCOMPARE(again->find(u"claude-sonnet-4-5"_s)->cacheWriteInputPico, qint64(3750000));
        QCOMPARE(table->find(u"claude-sonnet-4-5"_s)->cacheWrite1hInputPico, qint64(6000000));
        QCOMPARE(again->find(u"claude-sonnet-4-5"_s)->cacheWrite1hInputPico, qint64(6000000));
        QCOMPARE(handPrices().find(u"gpt-4.1"_s)->cacheWrite1hInputPico, qint64(-1));
        QCOMPARE(handPrices().find(u"gpt-4.1"_s)->cacheWriteInputPico, qint64(-1));
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
