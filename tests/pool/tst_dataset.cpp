#include "dataset.h"

#include <QTemporaryDir>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

class tst_Dataset : public QObject {
    Q_OBJECT
private slots:
    void textOnePromptPerLine() {
        const Dataset d = parseDataset("first\r\n\nsecond prompt\nthird"_ba, u"txt"_s);
        QVERIFY(d.ok());
        QCOMPARE(d.items.size(), 3);
        QCOMPARE(d.items[1].request.messages.first().content, u"second prompt"_s);
        QCOMPARE(d.items[1].line, 3);
        QCOMPARE(d.items[2].request.index, u"2"_s);
    }

    void jsonlShapes() {
        const QByteArray content =
            R"({"prompt": "hi", "system": "be brief", "max_tokens": 5})"
            "\n"
            R"({"messages": [{"role": "user", "content": [{"type": "text", "text": "parts"}]}]})"
            "\n"
            R"({"custom_id": "req-7", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4.1", "messages": [{"role": "user", "content": "batch"}], "max_tokens": 9, "top_p": 0.5}})"
            "\n"_ba;
        const Dataset d = parseDataset(content, u"jsonl"_s);
        QVERIFY2(d.ok(), qPrintable(d.errors.value(0).toString()));
        QCOMPARE(d.items.size(), 3);
        QCOMPARE(d.items[0].request.messages.size(), 2);
        QCOMPARE(d.items[0].request.messages[0].role, u"system"_s);
        QCOMPARE(d.items[0].request.maxTokens, 5);
        QCOMPARE(d.items[1].request.messages[0].content, u"parts"_s);
        QCOMPARE(d.items[2].request.index, u"req-7"_s);
        QCOMPARE(d.items[2].request.model, u"gpt-4.1"_s);
        QCOMPARE(d.items[2].request.maxTokens, 9);
        QCOMPARE(d.items[2].request.bodyExtra.value(u"top_p"_s).toDouble(), 0.5);
        QVERIFY(!d.items[2].request.bodyExtra.contains(u"messages"_s));
    }

    void jsonlErrorsNameTheirLine_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("fragment");
        QTest::addRow("broken json") << R"({"prompt": "a"})"
                                        "\n"
                                        R"({"prompt": )"
                                        "\n"_ba
                                     << 2 << u"invalid JSON"_s;
        QTest::addRow("no prompt") << "\n"
                                      R"({"text": "a"})"
                                      "\n"_ba
                                   << 2 << u"prompt"_s;
        QTest::addRow("array") << "[1,2]\n"_ba << 1 << u"JSON object"_s;
        QTest::addRow("bad messages") << R"({"messages": []})"
                                         "\n"_ba
                                      << 1 << u"non-empty"_s;
        QTest::addRow("role missing") << R"({"messages": [{"content": "x"}]})"
                                         "\n"_ba
                                      << 1 << u"role"_s;
    }
    void jsonlErrorsNameTheirLine() {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, fragment);
        const Dataset d = parseDataset(content, u"jsonl"_s);
        QCOMPARE(d.errors.size(), 1);
        QCOMPARE(d.errors.first().line, line);
        QVERIFY2(d.errors.first().message.contains(fragment), qPrintable(d.errors.first().message));
        QVERIFY(d.errors.first().toString().startsWith(u"line "_s + QString::number(line)));
    }

    void csvWithQuotesAndNewlines() {
        const QByteArray content = "custom_id,prompt\n"
                                   "a,\"hello, world\"\n"
                                   "b,\"two\nlines\"\n"
                                   "c,\"say \"\"hi\"\"\"\n"_ba;
        const Dataset d = parseDataset(content, u"csv"_s);
        QVERIFY2(d.ok(), qPrintable(d.fileError + d.errors.value(0).toString()));
        QCOMPARE(d.items.size(), 3);
        QCOMPARE(d.items[0].request.messages.first().content, u"hello, world"_s);
        QCOMPARE(d.items[1].request.messages.first().content, u"two\nlines"_s);
        QCOMPARE(d.items[1].line, 3);
        QCOMPARE(d.items[2].line, 5);
        QCOMPARE(d.items[2].request.messages.first().content, u"say \"hi\""_s);
        QCOMPARE(d.items[2].request.index, u"c"_s);
    }

    void csvErrors() {
        Dataset d = parseDataset("text\nhello\n"_ba, u"csv"_s);
        QVERIFY(d.fileError.contains(u"prompt"_s));
        d = parseDataset("prompt,model\nok,m\ntoo,many,fields\n\"open\n"_ba, u"csv"_s);
        QCOMPARE(d.items.size(), 1);
        QCOMPARE(d.errors.size(), 2);
        QCOMPARE(d.errors[0].line, 3);
        QCOMPARE(d.errors[1].line, 4);
    }

    void loadFollowsTheExtension() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"prompts.jsonl"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"prompt": "x"})"
                   "\n");
        file.close();
        QCOMPARE(loadDataset(path).items.size(), 1);
        QVERIFY(!loadDataset(dir.filePath(u"missing.txt"_s)).fileError.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_Dataset)
#include "tst_dataset.moc"
