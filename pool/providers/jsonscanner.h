#pragma once

#include <QByteArrayView>
#include <QString>

namespace poolscope {

// A forward-only walk over one JSON text, for hot paths that want a few members of a small
// object without building a QJsonDocument: a stream chunk arrives for every token, and
// QJsonDocument::fromJson took nearly half of the client's instructions on a streaming run.
//
// It is strict and cautious. Anything it does not accept exactly as QJsonDocument would (bad
// syntax, trailing bytes, raw control characters or invalid UTF-8 in a string, a \u escape
// that is half of a surrogate pair, a string read that starts with U+FEFF, nesting deeper than
// kMaxDepth) fails the walk: ok() turns
// false, every later call fails too, and the caller falls back to QJsonDocument, which then
// also words the error. So a caller may only trust what it read once it has walked the whole
// text and finished() says so.
class JsonScanner {
public:
    enum class Kind { Object, Array, String, Number, True, False, Null, Invalid };
    static constexpr int kMaxDepth = 64;

    explicit JsonScanner(QByteArrayView text)
        : m_text(text) {}

    bool ok() const { return m_ok; }
    // The kind of the next value, without consuming it (Invalid on bad input or at the end).
    Kind peek();

    // Objects: enterObject() consumes '{'; then nextMember() reads a key and the ':' after it
    // and returns true, or consumes the closing '}' and returns false (check ok()). The key is
    // the raw bytes between its quotes; a key with an escape or a non-ASCII byte fails the walk.
    bool enterObject();
    bool nextMember(QByteArrayView* key);
    // Arrays: enterArray() consumes '['; nextElement() is true while a value follows.
    bool enterArray();
    bool nextElement();

    bool readString(QString* out); // escapes decoded, UTF-8 checked
    // A plain integer literal of at most 18 digits (what QJsonValue::toInteger reads exactly);
    // a fraction, an exponent or a longer number fails the walk, for the full parse to judge.
    bool readInteger(qint64* out);
    bool skipValue(); // any value, checked as thoroughly as one that is read
    // True once the one top-level value (an object or an array, as QJsonDocument wants) has
    // been walked and only whitespace follows.
    bool finished();

private:
    bool fail();
    void skipSpace();
    bool expect(char c);
    bool scanString(QString* out); // out may be null: check only
    bool scanNumber();
    bool scanLiteral(QByteArrayView word);
    bool nextItem(char close); // ',' between items, or the closing bracket
    bool enter(char open);
    bool scanKey(QByteArrayView* key); // at '"': the raw key and the ':' after it
    void valueDone();                  // a whole value was consumed at the current depth

    QByteArrayView m_text;
    qsizetype m_at = 0;
    int m_depth = 0;
    bool m_ok = true;
    bool m_topDone = false;        // the top-level value has been walked
    bool m_topIsContainer = false; // QJsonDocument takes only an object or an array
    // Per depth: whether a member or element has been read in the current container.
    bool m_hasItem[kMaxDepth + 1] = {};
};

} // namespace poolscope
