#include "sizingadvisor.h"

#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

class TestSizingAdvisor : public QObject {
    Q_OBJECT
private slots:
    void verdicts_data();
    void verdicts();
    void unknownWithoutData_data();
    void unknownWithoutData();
    void reasoningNamesTheNumbers();
};

void TestSizingAdvisor::verdicts_data() {
    QTest::addColumn<double>("observed");
    QTest::addColumn<double>("holdS");
    QTest::addColumn<double>("target");
    QTest::addColumn<int>("max");
    QTest::addColumn<double>("rpm");
    QTest::addColumn<double>("headroom");
    QTest::addColumn<int>("verdict");
    QTest::addColumn<double>("needed");
    QTest::addColumn<int>("recommended");

    // 20 req/s × 0.5 s = 10 busy connections; recommended 10 × 1.25 = 12.5 → 13.
    QTest::addRow("8 for 10 needed: too small")
        << 20.0 << 0.5 << 20.0 << 8 << 0.0 << -1.0 << int(SizingVerdict::TooSmall) << 10.0 << 13;
    QTest::newRow("10 for 10 needed: 100% is too small")
        << 20.0 << 0.5 << 20.0 << 10 << 0.0 << -1.0 << int(SizingVerdict::TooSmall) << 10.0 << 13;
    QTest::addRow("12 for 10 needed: about right")
        << 20.0 << 0.5 << 20.0 << 12 << 0.0 << -1.0 << int(SizingVerdict::AboutRight) << 10.0 << 13;
    QTest::addRow("26 for 10 needed: still about right")
        << 20.0 << 0.5 << 20.0 << 26 << 0.0 << -1.0 << int(SizingVerdict::AboutRight) << 10.0 << 13;
    QTest::addRow("40 for 10 needed: larger than useful")
        << 20.0 << 0.5 << 20.0 << 40 << 0.0 << -1.0 << int(SizingVerdict::LargerThanUseful) << 10.0
        << 13;
    QTest::addRow("target above observed: sized for the target")
        << 5.0 << 2.0 << 10.0 << 10 << 0.0 << -1.0 << int(SizingVerdict::TooSmall) << 20.0 << 25;
    // 600 rpm caps 20 req/s at 10 req/s: 5 needed, 7 recommended.
    QTest::addRow("client rate limit caps the rate: 8 is about right")
        << 10.0 << 0.5 << 20.0 << 8 << 600.0 << -1.0 << int(SizingVerdict::AboutRight) << 5.0 << 7;
    QTest::addRow("client rate limit caps the rate: 30 is larger than useful")
        << 10.0 << 0.5 << 20.0 << 30 << 600.0 << -1.0 << int(SizingVerdict::LargerThanUseful) << 5.0
        << 7;
    // The server has 5% of its limit left: the observed 10 req/s is the ceiling.
    QTest::addRow("server rate limit exhausted: 6 is about right")
        << 10.0 << 0.5 << 20.0 << 6 << 0.0 << 0.05 << int(SizingVerdict::AboutRight) << 5.0 << 7;
    QTest::addRow("server rate limit with headroom: sized for the target")
        << 10.0 << 0.5 << 20.0 << 6 << 0.0 << 0.5 << int(SizingVerdict::TooSmall) << 10.0 << 13;
    QTest::addRow("tiny load: one connection")
        << 0.5 << 0.2 << 0.5 << 1 << 0.0 << -1.0 << int(SizingVerdict::AboutRight) << 0.1 << 1;
}

void TestSizingAdvisor::verdicts() {
    QFETCH(double, observed);
    QFETCH(double, holdS);
    QFETCH(double, target);
    QFETCH(int, max);
    QFETCH(double, rpm);
    QFETCH(double, headroom);
    QFETCH(int, verdict);
    QFETCH(double, needed);
    QFETCH(int, recommended);

    SizingInput input;
    input.observedRatePerS = observed;
    input.meanHoldS = holdS;
    input.targetRatePerS = target;
    input.maxConnections = max;
    input.rateLimitRpm = rpm;
    input.rateLimitHeadroom = headroom;
    const SizingAdvice advice = SizingAdvisor::advise(input);
    QCOMPARE(int(advice.verdict), verdict);
    QVERIFY2(qAbs(advice.connectionsNeeded - needed) < 1e-9,
             qPrintable(QString::number(advice.connectionsNeeded)));
    QCOMPARE(advice.recommendedMax, recommended);
    QVERIFY(!advice.reasoning.isEmpty());
}

void TestSizingAdvisor::unknownWithoutData_data() {
    QTest::addColumn<double>("holdS");
    QTest::addColumn<double>("target");
    QTest::addColumn<int>("max");
    QTest::addRow("no request finished") << -1.0 << 10.0 << 10;
    QTest::addRow("zero target") << 0.5 << 0.0 << 10;
    QTest::addRow("max unknown") << 0.5 << 10.0 << 0;
}

void TestSizingAdvisor::unknownWithoutData() {
    QFETCH(double, holdS);
    QFETCH(double, target);
    QFETCH(int, max);
    SizingInput input;
    input.meanHoldS = holdS;
    input.targetRatePerS = target;
    input.maxConnections = max;
    const SizingAdvice advice = SizingAdvisor::advise(input);
    QCOMPARE(advice.verdict, SizingVerdict::Unknown);
    QVERIFY(!advice.reasoning.isEmpty());
}

void TestSizingAdvisor::reasoningNamesTheNumbers() {
    SizingInput input;
    input.observedRatePerS = 20;
    input.meanHoldS = 0.5;
    input.targetRatePerS = 20;
    input.maxConnections = 8;
    const SizingAdvice advice = SizingAdvisor::advise(input);
    QVERIFY2(advice.reasoning.contains(u"20.0 × 0.50 = 10.0"_s), qPrintable(advice.reasoning));
    QVERIFY(advice.reasoning.contains(u"about 13"_s));
    QCOMPARE(SizingAdvisor::verdictText(advice.verdict), u"too small"_s);

    input.rateLimitRpm = 300;
    const SizingAdvice limited = SizingAdvisor::advise(input);
    QVERIFY2(limited.reasoning.contains(u"300 requests/min"_s), qPrintable(limited.reasoning));
}

QTEST_GUILESS_MAIN(TestSizingAdvisor)
#include "tst_sizingadvisor.moc"
