#include "jsonscanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {

// Walks the whole text, skipping every value: true when the scanner accepts it.
bool accepts(QByteArrayView text) {
    JsonScanner json(text);
    return json.skipValue() && json.finished();
}

bool qtAccepts(const QByteArray& text) {
    QJsonParseError error;
    (void)QJsonDocument::fromJson(text, &error);
    return error.error == QJsonParseError::NoError;
}

} // namespace

class TestJsonScanner : public QObject {
    Q_OBJECT
private slots:
    void readsMembersInOrder();
    void decodesEscapesAndUtf8();
    void acceptsOnlyWhatQtAccepts_data();
    void acceptsOnlyWhatQtAccepts();
    void leavesTheUnusualToQt_data();
    void leavesTheUnusualToQt();
    void aFailureSticks();
    void readsPlainIntegersOnly();
};

void TestJsonScanner::readsMembersInOrder() {
    JsonScanner json(R"( {"a": "x", "b": [1, {"c": null}, true], "d": {}} )");
    QVERIFY(json.enterObject());
    QByteArrayView key;
    QVERIFY(json.nextMember(&key));
    QCOMPARE(key, "a");
    QCOMPARE(json.peek(), JsonScanner::Kind::String);
    QString text;
    QVERIFY(json.readString(&text));
    QCOMPARE(text, u"x"_s);
    QVERIFY(json.nextMember(&key));
    QCOMPARE(key, "b");
    QVERIFY(json.enterArray());
    QVERIFY(json.nextElement());
    QCOMPARE(json.peek(), JsonScanner::Kind::Number);
    QVERIFY(json.skipValue());
    QVERIFY(json.nextElement());
    QVERIFY(json.skipValue()); // the nested object
    QVERIFY(json.nextElement());
    QCOMPARE(json.peek(), JsonScanner::Kind::True);
    QVERIFY(json.skipValue());
    QVERIFY(!json.nextElement());
    QVERIFY(json.ok());
    QVERIFY(json.nextMember(&key));
    QCOMPARE(key, "d");
    QVERIFY(json.skipValue());
    QVERIFY(!json.nextMember(&key));
    QVERIFY(json.ok());
    QVERIFY(json.finished());
}

void TestJsonScanner::decodesEscapesAndUtf8() {
    const QByteArray text = R"("a\"b\\c\/d\b\f\n\r\t \u00e9\u4e2d \u0041)"
                            "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\xef\xbb\xbf\"";
    const QByteArray array = "[" + text + "]";
    JsonScanner json(array);
    QString out;
    QVERIFY(json.enterArray());
    QVERIFY(json.nextElement());
    QVERIFY(json.readString(&out));
    QVERIFY(!json.nextElement());
    QVERIFY(json.finished());
    QCOMPARE(out, QJsonDocument::fromJson(array).array().at(0).toString());
    QVERIFY(out.endsWith(u"\u00e9\u4e2d\U0001F600\uFEFF"_s)); // a trailing U+FEFF stays text
    // QJsonDocument drops a leading U+FEFF sent as raw bytes and keeps one sent as an escape:
    // the scanner leaves both to it, and only fails a string it is asked to read.
    for (const QByteArray& leading :
         {QByteArray("\"\xef\xbb\xbfx\""), QByteArray(R"("\ufeffx")")}) {
        JsonScanner bom(leading);
        QVERIFY(!bom.readString(&out));
        QVERIFY(accepts(QByteArray("[" + leading + "]"))); // skipped, it is valid JSON
    }
    QCOMPARE(QJsonDocument::fromJson("[\"\xef\xbb\xbfx\"]").array().at(0).toString(), u"x"_s);
    QCOMPARE(QJsonDocument::fromJson(R"(["\ufeffx"])").array().at(0).toString(), u"\uFEFFx"_s);
}

void TestJsonScanner::acceptsOnlyWhatQtAccepts_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    const auto row = [](const char* name, const QByteArray& text, bool valid) {
        QTest::newRow(name) << text << valid;
    };
    row("object", R"({"a":1,"b":[true,false,null],"c":{"d":"e"}})", true);
    row("spaces", " \t\r\n{ \"a\" : [ 1 , 2 ] }\n", true);
    row("numbers", "[0,-0,1.5,-2.25e+10,3E-5,1234567890123]", true);
    row("empty containers", R"({"a":{},"b":[]})", true);
    row("empty", "", false);
    row("top-level string", "\"a\"", false);
    row("top-level number", "1", false);
    row("trailing comma object", R"({"a":1,})", false);
    row("trailing comma array", "[1,]", false);
    row("missing comma", R"({"a":1 "b":2})", false);
    row("missing colon", R"({"a" 1})", false);
    row("unclosed", R"({"a":[1,2})", false);
    row("two values", "{}{}", false);
    row("trailing bytes", "{} x", false);
    row("leading zero", "[01]", false);
    row("bare minus", "[-]", false);
    row("dot without digits", "[1.]", false);
    row("exponent without digits", "[1e]", false);
    row("plus sign", "[+1]", false);
    row("bad literal", "[tru]", false);
    row("single quotes", "{'a':1}", false);
    row("unquoted key", "{a:1}", false);
    row("bad escape", R"(["\x"])", false);
    row("short unicode escape", R"(["\u12"])", false);
    row("unterminated string", R"(["abc)", false);
    row("invalid utf8", "[\"\xff\"]", false);
    row("truncated utf8", "[\"\xe4\xb8\"]", false);
    row("overlong utf8", "[\"\xc0\xaf\"]", false);
    row("utf8 surrogate", "[\"\xed\xa0\x80\"]", false);
    row("nul byte", QByteArray("[\"a\0b\"]", 7), false);
}

void TestJsonScanner::acceptsOnlyWhatQtAccepts() {
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QCOMPARE(accepts(text), valid);
    if (valid)
        QVERIFY(qtAccepts(text)); // the scanner never accepts what QJsonDocument rejects
}

void TestJsonScanner::leavesTheUnusualToQt_data() {
    // Valid JSON the scanner declines, so that callers fall back to QJsonDocument.
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("escaped key") << QByteArray(R"({"\u0061":1})");
    QTest::newRow("non-ASCII key") << QByteArray("{\"\xc3\xa9\":1}");
    QTest::newRow("surrogate pair escape") << QByteArray(R"(["\ud83d\ude00"])");
    QTest::newRow("huge exponent") << QByteArray("[1e400]");
    QTest::newRow("very long number") << QByteArray("[1234567890123456789012345678901234567890]");
    QByteArray deep(JsonScanner::kMaxDepth + 1, '[');
    deep += QByteArray(JsonScanner::kMaxDepth + 1, ']');
    QTest::newRow("deep") << deep;
}

void TestJsonScanner::leavesTheUnusualToQt() {
    QFETCH(QByteArray, text);
    QVERIFY(!accepts(text));
}

void TestJsonScanner::aFailureSticks() {
    JsonScanner json("[1,,2]");
    QVERIFY(json.enterArray());
    QVERIFY(json.nextElement());
    QVERIFY(json.skipValue());
    QVERIFY(json.nextElement()); // the comma is fine; what follows it is not a value
    QVERIFY(!json.skipValue());
    QVERIFY(!json.ok());
    QCOMPARE(json.peek(), JsonScanner::Kind::Invalid);
    QVERIFY(!json.nextElement());
    QVERIFY(!json.skipValue());
    QVERIFY(!json.finished());
}

void TestJsonScanner::readsPlainIntegersOnly() {
    // What QJsonValue::toInteger reads exactly; the rest is the full parse's to judge.
    const auto read = [](const QByteArray& number) -> std::optional<qint64> {
        const QByteArray text = "[" + number + "]";
        JsonScanner json(text);
        qint64 value = 0;
        if (!json.enterArray() || !json.nextElement() || !json.readInteger(&value) ||
            json.nextElement() || !json.finished())
            return std::nullopt;
        return value;
    };
    QCOMPARE(read("0"), 0);
    QCOMPARE(read("-0"), 0);
    QCOMPARE(read("5"), 5);
    QCOMPARE(read("-12"), -12);
    QCOMPARE(read("123456789012345678"), 123456789012345678LL); // 18 digits
    for (const char* declined : {"1234567890123456789", "5.0", "1e2", "1E2", "007", "-", "+1"})
        QVERIFY2(!read(declined), declined);
}

QTEST_GUILESS_MAIN(TestJsonScanner)
#include "tst_jsonscanner.moc"
