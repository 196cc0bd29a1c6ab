#include "requestlogfilter.h"
#include "requestlogmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kOrigin = 1'000'000'000;

RequestRecord makeRecord(quint64 id, bool ok = true, const QString& model = u"gpt-4.1"_s,
                         double e2eMs = 100.0) {
    RequestRecord record;
    record.id = id;
    record.requestId = u"req-"_s + QString::number(id);
    record.ok = ok;
    record.httpStatus = ok ? 200 : 429;
    record.errorClass = ok ? ErrorClass::None : ErrorClass::RateLimited;
    record.error = ok ? QString() : u"rate limited by the server"_s;
    record.attempts = 1;
    record.model = model;
    record.connectionId = qint64(id % 4) + 1;
    record.reused = id % 2 == 0;
    record.timeline.queuedAt = kOrigin + qint64(id) * 1000;
    record.timeline.acquiredAt = record.timeline.queuedAt + 500;
    record.timeline.firstTokenAt = record.timeline.queuedAt + 40'000;
    record.timeline.finishedAt = record.timeline.queuedAt + qint64(e2eMs * 1000);
    record.queueUs = 500;
    record.tokens.prompt = 12;
    record.tokens.completion = 34;
    record.costPicoUsd = 1'500'000; // $0.0000015
    record.requestBody = "{\"model\":\"x\"}";
    record.output = u"hello"_s;
    return record;
}

QList<RequestRecord> makeRecords(quint64 first, quint64 last) {
    QList<RequestRecord> records;
    for (quint64 id = first; id <= last; ++id)
        records.append(makeRecord(id, id % 3 != 0, id % 2 ? u"gpt-4.1"_s : u"claude"_s));
    return records;
}

quint64 idAt(const QAbstractItemModel& model, int row) {
    return model.index(row, 0).data(RequestLogModel::RecordIdRole).toULongLong();
}

} // namespace

class TestRequestLogModel : public QObject {
    Q_OBJECT
private slots:
    void newestFirst();
    void boundedByCapacity_data();
    void boundedByCapacity();
    void payloadBudgetStripsOldestFirst();
    void displayedValues();
    void unknownCostIsLoud();
    void filters_data();
    void filters();
    void sortsNumbersAsNumbers();
    void modelsChanged();
    void clearEmpties();
};

void TestRequestLogModel::newestFirst() {
    RequestLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addRecords(makeRecords(1, 3));
    model.addRecords(makeRecords(4, 5));
    QCOMPARE(model.rowCount(), 5);
    for (int row = 0; row < 5; ++row)
        QCOMPARE(idAt(model, row), quint64(5 - row));
    QCOMPARE(model.recordAt(0).requestId, u"req-5"_s);
}

void TestRequestLogModel::boundedByCapacity_data() {
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("total");
    QTest::addRow("small batches") << 100 << 7 << 250;
    QTest::addRow("batch larger than capacity") << 10 << 25 << 50;
    QTest::addRow("exactly full") << 20 << 5 << 20;
    QTest::addRow("default capacity") << RequestLogModel::kDefaultCapacity << 500 << 6000;
}

void TestRequestLogModel::boundedByCapacity() {
    QFETCH(int, capacity);
    QFETCH(int, batch);
    QFETCH(int, total);
    RequestLogModel model;
    RequestLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester filterTester(&filter,
                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCapacity(capacity);
    for (int first = 1; first <= total; first += batch)
        model.addRecords(makeRecords(quint64(first), quint64(std::min(total, first + batch - 1))));
    QCOMPARE(model.rowCount(), std::min(capacity, total));
    QCOMPARE(idAt(model, 0), quint64(total));
    QCOMPARE(idAt(model, model.rowCount() - 1), quint64(total - model.rowCount() + 1));
    QCOMPARE(filter.rowCount(), model.rowCount());
}

void TestRequestLogModel::payloadBudgetStripsOldestFirst() {
    RequestLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<RequestRecord> records;
    for (quint64 id = 1; id <= 100; ++id) {
        RequestRecord record = makeRecord(id);
        record.requestBody = QByteArray(1000, 'b');
        record.output = QString(500, u'o'); // 1000 bytes as UTF-16
        records.append(record);
    }
    model.setPayloadBudget(50'000); // room for about 25 of the 100
    model.addRecords(records);
    QCOMPARE(model.rowCount(), 100);
    QVERIFY(model.payloadBytes() <= 50'000);
    QCOMPARE(model.recordAt(0).requestBody.size(), 1000);            // the newest keeps its body
    QVERIFY(model.recordAt(99).requestBody.startsWith("[not kept")); // the oldest does not
    QCOMPARE(model.recordAt(99).e2eMs(), 100.0);                     // but keeps its timings

    // One oversized field is cut at the per-field limit.
    RequestRecord huge = makeRecord(101);
    huge.output = QString(RequestLogModel::kMaxPayloadPerField * 2, u'x');
    model.setPayloadBudget(RequestLogModel::kDefaultPayloadBudget);
    model.addRecords({huge});
    QVERIFY(model.recordAt(0).output.size() < RequestLogModel::kMaxPayloadPerField + 100);
    QVERIFY(model.recordAt(0).output.endsWith(u"more characters not kept]"_s));
}

void TestRequestLogModel::displayedValues() {
    RequestLogModel model;
    model.setTimeOrigin(kOrigin);
    RequestRecord record = makeRecord(7, false, u"claude"_s, 250.0);
    record.tokens.estimated = true;
    model.addRecords({record});
    auto text = [&model](int column) {
        return model.index(0, column).data(Qt::DisplayRole).toString();
    };
    // finished at origin + 7 ms + 250 ms
    QCOMPARE(text(RequestLogModel::TimeColumn), u"0.257"_s);
    QCOMPARE(text(RequestLogModel::RequestIdColumn), u"req-7"_s);
    QCOMPARE(text(RequestLogModel::StatusColumn), u"error"_s);
    QCOMPARE(text(RequestLogModel::HttpColumn), u"429"_s);
    QCOMPARE(text(RequestLogModel::ClassColumn), u"rate_limited"_s);
    QCOMPARE(text(RequestLogModel::ModelColumn), u"claude"_s);
    QCOMPARE(text(RequestLogModel::ConnectionColumn), u"#4"_s);
    QCOMPARE(text(RequestLogModel::ReusedColumn), u"new"_s);
    QCOMPARE(text(RequestLogModel::QueueColumn), u"0.5"_s);
    QCOMPARE(text(RequestLogModel::TtftColumn), u"40.0"_s);
    QCOMPARE(text(RequestLogModel::E2eColumn), u"250.0"_s);
    QCOMPARE(text(RequestLogModel::TokensColumn), u"~12 \u2192 34"_s);
    QCOMPARE(text(RequestLogModel::CostColumn), u"$0.000002"_s); // $0.0000015, rounded half up
    QCOMPARE(model.index(0, RequestLogModel::StatusColumn).data(Qt::ToolTipRole).toString(),
             u"rate limited by the server"_s);
}

void TestRequestLogModel::unknownCostIsLoud() {
    RequestLogModel model;
    RequestRecord record = makeRecord(1);
    record.costPicoUsd.reset();
    model.addRecords({record});
    const QModelIndex cost = model.index(0, RequestLogModel::CostColumn);
    QCOMPARE(cost.data().toString(), u"unknown"_s);
    QVERIFY(cost.data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(cost.data(Qt::ToolTipRole).toString().contains(u"not zero"_s));
    QCOMPARE(cost.data(RequestLogModel::SortRole).toLongLong(), -1);
}

void TestRequestLogModel::filters_data() {
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("modelName");
    QTest::addColumn<QString>("search");
    QTest::addColumn<int>("expected");
    // ids 1..30; id % 3 == 0 failed (10); odd ids gpt-4.1 (15), even claude (15).
    QTest::addRow("all") << int(RequestLogFilter::Status::All) << QString() << QString() << 30;
    QTest::addRow("ok") << int(RequestLogFilter::Status::Ok) << QString() << QString() << 20;
    QTest::addRow("errors") << int(RequestLogFilter::Status::Error) << QString() << QString() << 10;
    QTest::addRow("one model") << int(RequestLogFilter::Status::All) << u"claude"_s << QString()
                               << 15;
    // failed and claude: 6, 12, 18, 24, 30
    QTest::addRow("errors of one model")
        << int(RequestLogFilter::Status::Error) << u"claude"_s << QString() << 5;
    QTest::addRow("unknown model")
        << int(RequestLogFilter::Status::All) << u"nope"_s << QString() << 0;
    QTest::addRow("search by id") << int(RequestLogFilter::Status::All) << QString() << u"req-2"_s
                                  << 11; // 2, 20..29
    QTest::addRow("search error text")
        << int(RequestLogFilter::Status::All) << QString() << u"RATE LIMITED"_s << 10;
}

void TestRequestLogModel::filters() {
    QFETCH(int, status);
    QFETCH(QString, modelName);
    QFETCH(QString, search);
    QFETCH(int, expected);
    RequestLogModel model;
    RequestLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addRecords(makeRecords(1, 30));
    filter.setStatusFilter(RequestLogFilter::Status(status));
    filter.setModelFilter(modelName);
    filter.setSearchText(search);
    QCOMPARE(filter.rowCount(), expected);
    // Unsorted, the filtered rows keep the log's newest-first order.
    for (int row = 1; row < filter.rowCount(); ++row)
        QVERIFY(idAt(filter, row) < idAt(filter, row - 1));
    // New rows that match appear at the top.
    const int before = filter.rowCount();
    model.addRecords(makeRecords(31, 33));
    QVERIFY(filter.rowCount() >= before);
    filter.setStatusFilter(RequestLogFilter::Status::All);
    filter.setModelFilter({});
    filter.setSearchText({});
    QCOMPARE(filter.rowCount(), 33);
    QCOMPARE(idAt(filter, 0), quint64(33));
}

void TestRequestLogModel::sortsNumbersAsNumbers() {
    RequestLogModel model;
    RequestLogFilter filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addRecords({makeRecord(1, true, u"m"_s, 9.0), makeRecord(2, true, u"m"_s, 100.0),
                      makeRecord(3, true, u"m"_s, 10.0)});
    filter.sort(RequestLogModel::E2eColumn, Qt::AscendingOrder);
    // As text, "100.0" < "10.0" < "9.0"; as numbers 9 < 10 < 100.
    QCOMPARE(filter.index(0, RequestLogModel::E2eColumn).data().toString(), u"9.0"_s);
    QCOMPARE(filter.index(1, RequestLogModel::E2eColumn).data().toString(), u"10.0"_s);
    QCOMPARE(filter.index(2, RequestLogModel::E2eColumn).data().toString(), u"100.0"_s);
}

void TestRequestLogModel::modelsChanged() {
    RequestLogModel model;
    QSignalSpy spy(&model, &RequestLogModel::modelsChanged);
    model.addRecords({makeRecord(1, true, u"a"_s)});
    model.addRecords({makeRecord(2, true, u"a"_s)});
    model.addRecords({makeRecord(3, true, u"b"_s)});
    QCOMPARE(spy.count(), 2);
    QCOMPARE(model.models(), QStringList({u"a"_s, u"b"_s}));
}

void TestRequestLogModel::clearEmpties() {
    RequestLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addRecords(makeRecords(1, 10));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.payloadBytes(), 0);
    QVERIFY(model.models().isEmpty());
    model.addRecords(makeRecords(11, 12));
    QCOMPARE(idAt(model, 0), quint64(12));
}

QTEST_MAIN(TestRequestLogModel)
#include "tst_requestlogmodel.moc"
