#include "comparisontable.h"

#include <QJsonDocument>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

class tst_ComparisonTable : public QObject {
    Q_OBJECT
private slots:
    void rowFromSummary() {
        const QJsonObject summary =
            QJsonDocument::fromJson("{\"requests\": 200, \"succeeded\": 190, "
                                    "\"throughput_rps\": 57.5, \"latency_ms\": {\"mean\": "
                                    "170.2, \"p50\": 169.5, \"p95\": 196.1}, \"pool\": "
                                    "{\"connections_opened\": 200}}")
                .object();
        const ComparisonRow row = ComparisonRow::fromSummary(u"No pool"_s, summary, 0.4);
        QCOMPARE(row.avgMs, 170.2);
        QCOMPARE(row.p95Ms, 196.1);
        QCOMPARE(row.successRate, 0.95);
        QCOMPARE(row.cpuMsPerRequest, 2.0);
        QCOMPARE(row.connectionsOpened, qint64(200));
    }

    void markdownAndCsv() {
        ComparisonRow a{u"No pool"_s, 170.24, 169.5, 196.1, 1.0, 57.9, 1.0, 200};
        ComparisonRow b{u"Pool, max 10"_s, 68.9, 60.3, 131.6, 1.0, 142.5, 0.6, 10};
        const QString md = comparisonMarkdown({a, b});
        QVERIFY(md.startsWith(u"| client | avg latency (ms) |"_s));
        QVERIFY(md.contains(u"| No pool | 170.2 | 169.5 | 196.1 | 100.0 | 57.9 | 1.000 | 200 |"_s));
        QCOMPARE(md.count(u'\n'), 4);
        const QString csv = comparisonCsv({a, b});
        QVERIFY(csv.contains(u"\"Pool, max 10\",68.9,60.3"_s)); // quoted: it has a comma
        QCOMPARE(csv.count(u'\n'), 3);
    }

    void cpuClockAdvances() {
        const double before = processCpuSeconds();
        volatile double x = 0;
        for (int i = 0; i < 20000000; ++i)
            x = x + i * 0.5;
        QVERIFY(processCpuSeconds() > before);
    }
};

QTEST_GUILESS_MAIN(tst_ComparisonTable)
#include "tst_comparisontable.moc"
