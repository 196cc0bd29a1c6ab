#include "resultfile.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {
RequestRecord record(const QString& index) {
    RequestRecord r;
    r.index = index;
    r.ok = true;
    r.output = u"out "_s + index;
    return r;
}
} // namespace

class tst_ResultFile : public QObject {
    Q_OBJECT
private slots:
    void writesOneLinePerRecord() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"out.jsonl"_s);
        ResultFile file;
        QString error;
        QVERIFY(file.open(path, false, &error));
        QVERIFY(file.write(record(u"0"_s), &error));
        QVERIFY(file.write(record(u"1"_s), &error));
        // Flushed as each record lands: readable before close.
        QCOMPARE(ResultFile::completedIndices(path, &error), (QSet<QString>{u"0"_s, u"1"_s}));
        file.close();
    }

    void appendRepairsATornLastLine() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"out.jsonl"_s);
        {
            QFile raw(path);
            QVERIFY(raw.open(QIODevice::WriteOnly));
            raw.write("{\"index\":\"0\",\"status\":\"ok\"}\n{\"index\":\"1\",\"sta");
        }
        QString error;
        QCOMPARE(ResultFile::completedIndices(path, &error), QSet<QString>{u"0"_s});
        ResultFile file;
        QVERIFY(file.open(path, true, &error));
        QVERIFY(file.write(record(u"1"_s), &error));
        file.close();
        QFile raw(path);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = raw.readAll().split('\n');
        QCOMPARE(lines.size(), 3); // two records and the empty tail
        for (int i = 0; i < 2; ++i)
            QCOMPARE(QJsonDocument::fromJson(lines[i]).object().value(u"index"_s).toString(),
                     QString::number(i));
    }

    void missingFileHasNothingDone() {
        QString error;
        QVERIFY(ResultFile::completedIndices(u"/nonexistent/x.jsonl"_s, &error).isEmpty());
        QVERIFY(error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_ResultFile)
#include "tst_resultfile.moc"
