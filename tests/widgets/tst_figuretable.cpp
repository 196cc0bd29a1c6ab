#include "figuretable.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QImage>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

QList<FigureTable::Row> latencyRows(const QString& p50) {
    return {{{}, {u"p50"_s, {}, true}},
            {{u"E2E"_s, QColor(0x15, 0x65, 0xc0), true, Qt::AlignLeft}, {p50}}};
}

// Counts the layout requests a widget's size hint changes send to its parent.
class LayoutRequestCounter : public QObject {
public:
    int count = 0;

protected:
    bool eventFilter(QObject*, QEvent* event) override {
        if (event->type() == QEvent::LayoutRequest)
            ++count;
        return false;
    }
};

// How many pixels of `image` have exactly `color`.
int pixelsOf(const QImage& image, const QColor& color) {
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            count += image.pixelColor(x, y) == color;
    return count;
}

} // namespace

class TestFigureTable : public QObject {
    Q_OBJECT
private slots:
    void plainTextIsTabSeparated();
    void sizeFollowsTheWidestTextAndRows();
    void changingFiguresDoNotReRunTheLayout();
    void clearForgetsTheWidths();
    void paintsEachCellInItsColor();
    void shortOfRoomNamesElideAndFiguresStayWhole();
    void copiesItself();
};

void TestFigureTable::plainTextIsTabSeparated() {
    FigureTable table;
    table.setRows(latencyRows(u"12 ms"_s));
    table.setNotes({u"over the last 1 min"_s});
    QCOMPARE(table.plainText(), u"\tp50\nE2E\t12 ms\nover the last 1 min"_s);
}

void TestFigureTable::sizeFollowsTheWidestTextAndRows() {
    FigureTable table;
    const QSize empty = table.sizeHint();
    table.setRows(latencyRows(u"12 ms"_s));
    const QSize two = table.sizeHint();
    QVERIFY(two.width() > empty.width());
    QVERIFY(two.height() > empty.height());
    QList<FigureTable::Row> three = latencyRows(u"12 ms"_s);
    three.append({{u"Q"_s, {}, true, Qt::AlignLeft}, {u"3 ms"_s}}); // narrower than the rest
    table.setRows(three);
    QCOMPARE(table.sizeHint().width(), two.width());
    QVERIFY(table.sizeHint().height() > two.height());
    const QFontMetrics metrics(table.font());
    table.setNotes({u"a note much wider than the table itself, for sure"_s});
    QVERIFY(table.sizeHint().width() >=
            metrics.horizontalAdvance(u"a note much wider than the table itself, for sure"_s));
}

void TestFigureTable::changingFiguresDoNotReRunTheLayout() {
    QWidget window;
    auto* layout = new QHBoxLayout(&window);
    auto* table = new FigureTable();
    layout->addWidget(table);
    table->setRows(latencyRows(u"888.88 s"_s));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCoreApplication::processEvents();
    LayoutRequestCounter counter;
    window.installEventFilter(&counter);
    const QSize before = table->sizeHint();
    // Narrower figures keep the column: no new size, no layout pass, no jitter.
    for (const QString& figure : {u"980 ms"_s, u"12 ms"_s, u"1.20 s"_s}) {
        table->setRows(latencyRows(figure));
        QCoreApplication::processEvents();
    }
    QCOMPARE(table->sizeHint(), before);
    QCOMPARE(counter.count, 0);
    // A wider one grows the column, once.
    table->setRows(latencyRows(u"12,345.67 s"_s));
    QCoreApplication::processEvents();
    QVERIFY(table->sizeHint().width() > before.width());
    QCOMPARE(counter.count, 1);
}

void TestFigureTable::clearForgetsTheWidths() {
    FigureTable table;
    table.setRows(latencyRows(u"12,345.67 s"_s));
    const int wide = table.sizeHint().width();
    table.setRows(latencyRows(u"1 ms"_s));
    QCOMPARE(table.sizeHint().width(), wide);
    table.clear();
    QVERIFY(table.plainText().isEmpty());
    table.setRows(latencyRows(u"1 ms"_s));
    QVERIFY(table.sizeHint().width() < wide);
}

void TestFigureTable::paintsEachCellInItsColor() {
    FigureTable table;
    const QColor blue(0x15, 0x65, 0xc0);
    const QColor orange(0xb3, 0x5c, 0x00);
    QFont font = table.font();
    font.setPointSize(16);
    font.setStyleStrategy(QFont::NoAntialias); // glyph pixels in exactly the pen's color
    table.setFont(font);
    table.setRows({{{u"WWW"_s, blue, true, Qt::AlignLeft}, {u"MMM"_s, orange}}});
    table.resize(table.sizeHint());
    QImage image(table.size(), QImage::Format_RGB32);
    image.fill(Qt::white);
    table.render(&image);
    QVERIFY(pixelsOf(image, blue) > 20);
    QVERIFY(pixelsOf(image, orange) > 20);
    table.setRows({{{u"WWW"_s, blue, true, Qt::AlignLeft}}});
    image.fill(Qt::white);
    table.render(&image);
    QCOMPARE(pixelsOf(image, orange), 0); // the cell is gone
}

void TestFigureTable::shortOfRoomNamesElideAndFiguresStayWhole() {
    FigureTable table;
    const QColor green(0x1b, 0x5e, 0x20);
    const QColor orange(0xb3, 0x5c, 0x00);
    QFont font = table.font();
    font.setPointSize(16);
    font.setStyleStrategy(QFont::NoAntialias);
    table.setFont(font);
    table.setRows(
        {{{u"a-very-long-profile-name · a-very-long-model-name"_s, green, false, Qt::AlignLeft},
          {u"$0.0123"_s, orange}}});
    QCOMPARE(table.minimumSizeHint(), table.sizeHint()); // nothing may shrink yet
    table.setElidedColumn(0, 60);
    const QSize full = table.sizeHint();
    const QSize least = table.minimumSizeHint();
    QVERIFY(least.width() < full.width() - 100);
    QCOMPARE(least.height(), full.height());

    const auto render = [&table](const QSize& size) {
        table.resize(size);
        QImage image(size, QImage::Format_RGB32);
        image.fill(Qt::white);
        table.render(&image);
        return image;
    };
    const QImage wide = render(full);
    const QImage narrow = render(least);
    QVERIFY(pixelsOf(wide, orange) > 20);
    QCOMPARE(pixelsOf(narrow, orange), pixelsOf(wide, orange)); // the figure, whole
    QVERIFY(pixelsOf(narrow, green) > 0);
    QVERIFY(pixelsOf(narrow, green) < pixelsOf(wide, green) / 2);         // the name, elided
    QVERIFY(table.plainText().startsWith(u"a-very-long-profile-name"_s)); // copies in full

    // The elided name shows in full under the mouse; the figure, whole, needs no tooltip.
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    const int middle = table.contentsRect().top() + table.sizeHint().height() / 2 - 4;
    QHelpEvent onName(QEvent::ToolTip, QPoint(table.contentsRect().left() + 5, middle),
                      table.mapToGlobal(QPoint(5, middle)));
    QApplication::sendEvent(&table, &onName);
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), u"a-very-long-profile-name · a-very-long-model-name"_s);
    QHelpEvent onFigure(QEvent::ToolTip, QPoint(table.width() - 20, middle),
                        table.mapToGlobal(QPoint(table.width() - 20, middle)));
    QApplication::sendEvent(&table, &onFigure);
    QTRY_VERIFY(!QToolTip::isVisible());
}

void TestFigureTable::copiesItself() {
    FigureTable table;
    table.setRows(latencyRows(u"12 ms"_s));
    QCOMPARE(table.actions().size(), 1);
    table.actions().first()->trigger();
    QCOMPARE(QApplication::clipboard()->text(), table.plainText());
}

QTEST_MAIN(TestFigureTable)
#include "tst_figuretable.moc"
