#include "waterfallwidget.h"

#include <QImage>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kQ = 1'000'000'000; // queuedAt

RequestRecord timelineRecord(bool newConnection, bool tls, bool streamed, int attempts = 1) {
    RequestRecord record;
    record.ok = true;
    record.attempts = attempts;
    RequestTimeline& tl = record.timeline;
    tl.queuedAt = kQ;
    tl.acquiredAt = kQ + 2'000; // 2 ms queue
    if (newConnection) {
        tl.connectStartAt = kQ + 2'500;
        if (tls)
            tl.tlsDoneAt = kQ + 52'500; // 50 ms TCP + TLS
    }
    tl.sentAt = kQ + 60'000;
    tl.headersAt = kQ + 200'000;
    tl.firstByteAt = kQ + 200'000;
    if (streamed) {
        tl.firstTokenAt = kQ + 260'000;
        tl.lastTokenAt = kQ + 990'000;
    }
    tl.finishedAt = kQ + 1'000'000;
    return record;
}

} // namespace

class TestWaterfallWidget : public QObject {
    Q_OBJECT
private slots:
    void phases_data();
    void phases();
    void paintsWithoutOverlapOrCrash();
};

void TestWaterfallWidget::phases_data() {
    QTest::addColumn<bool>("newConnection");
    QTest::addColumn<bool>("tls");
    QTest::addColumn<bool>("streamed");
    QTest::addColumn<int>("attempts");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QList<double>>("bounds"); // start, end per phase (ms)

    QTest::addRow("new TLS connection, streamed")
        << true << true << true << 1
        << QStringList{u"Queue"_s,       u"Connect + TLS"_s, u"Send"_s, u"Wait for first byte"_s,
                       u"First token"_s, u"Streaming"_s}
        << QList<double>{0, 2, 2.5, 52.5, 52.5, 60, 60, 200, 200, 260, 260, 1000};
    QTest::addRow("new plain connection")
        << true << false << true << 1
        << QStringList{u"Queue"_s, u"Connect"_s, u"Wait for first byte"_s, u"First token"_s,
                       u"Streaming"_s}
        << QList<double>{0, 2, 2.5, 60, 60, 200, 200, 260, 260, 1000};
    QTest::addRow("reused, not streamed")
        << false << false << false << 1
        << QStringList{u"Queue"_s, u"Send"_s, u"Wait for first byte"_s, u"Body"_s}
        << QList<double>{0, 2, 2, 60, 60, 200, 200, 1000};
    QTest::addRow("retried") << false << false << false << 3
                             << QStringList{u"Queue + earlier tries"_s, u"Send"_s,
                                            u"Wait for first byte"_s, u"Body"_s}
                             << QList<double>{0, 2, 2, 60, 60, 200, 200, 1000};
}

void TestWaterfallWidget::phases() {
    QFETCH(bool, newConnection);
    QFETCH(bool, tls);
    QFETCH(bool, streamed);
    QFETCH(int, attempts);
    QFETCH(QStringList, names);
    QFETCH(QList<double>, bounds);
    const QList<WaterfallWidget::Phase> phases =
        WaterfallWidget::phasesFor(timelineRecord(newConnection, tls, streamed, attempts));
    QStringList actual;
    for (const auto& phase : phases)
        actual << phase.name;
    QCOMPARE(actual, names);
    for (qsizetype i = 0; i < phases.size(); ++i) {
        QCOMPARE(phases[i].startMs, bounds[2 * i]);
        QCOMPARE(phases[i].endMs, bounds[2 * i + 1]);
    }
}

void TestWaterfallWidget::paintsWithoutOverlapOrCrash() {
    WaterfallWidget widget;
    widget.resize(500, widget.sizeHint().height());
    const QImage empty = widget.grab().toImage();
    QVERIFY(!empty.isNull());
    widget.setRecord(timelineRecord(true, true, true));
    QCOMPARE(widget.phases().size(), 6);
    QCOMPARE(widget.totalMs(), 1000.0);
    QVERIFY(widget.sizeHint().height() >= 6 * 20);
    const QImage painted = widget.grab().toImage();
    QVERIFY(painted != empty);
    // A record without a timeline clears the picture instead of drawing garbage.
    widget.setRecord(RequestRecord());
    QVERIFY(widget.phases().isEmpty());
}

QTEST_MAIN(TestWaterfallWidget)
#include "tst_waterfallwidget.moc"
