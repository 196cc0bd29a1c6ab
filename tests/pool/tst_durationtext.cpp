#include "durationtext.h"

#include <QTest>

#include <limits>

using namespace poolscope;
using namespace Qt::StringLiterals;

class tst_DurationText : public QObject {
    Q_OBJECT
private slots:
    void text_data() {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("text");
        QTest::addRow("unknown") << -1.0 << u"--"_s;
        QTest::addRow("infinite") << std::numeric_limits<double>::infinity() << u"--"_s;
        QTest::addRow("zero") << 0.0 << u"0s"_s;
        QTest::addRow("rounds") << 41.6 << u"42s"_s;
        QTest::addRow("minutes") << 185.0 << u"3m 05s"_s;
        QTest::addRow("hours") << 3720.0 << u"1h 02m"_s;
    }
    void text() {
        QFETCH(double, seconds);
        QFETCH(QString, text);
        QCOMPARE(durationText(seconds), text);
    }
};

QTEST_GUILESS_MAIN(tst_DurationText)
#include "tst_durationtext.moc"
