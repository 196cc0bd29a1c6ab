#pragma once

#include <QByteArray>

namespace poolscope::sim {

// One HTTP/1.x request as the simulator needs it.
struct HttpRequest {
    QByteArray method;
    QByteArray path;      // the target without its query
    QByteArray requestId; // X-Client-Request-Id when present and sane, else empty
    QByteArray body;
    bool keepAlive = true; // HTTP/1.1 default, "Connection: close" clears it
    bool http10 = false;
};

// An incremental HTTP/1.x request parser: feed it the connection's receive buffer, it consumes
// one request at a time. Bounded: headers and bodies have size limits, garbage is an error with
// the status to answer, never a crash or an endless wait for more bytes.
class HttpRequestParser {
public:
    static constexpr qsizetype kMaxHeaderBytes = 16 * 1024;
    static constexpr qsizetype kMaxBodyBytes = 8 * 1024 * 1024;

    enum class Result { NeedMore, Complete, Error };

    // Consumes bytes of `buffer`. Complete: request() holds the request and its bytes are removed
    // from the buffer; the parser is ready for the next one. Error: errorStatus() and
    // errorMessage() say what to answer; the stream cannot be resynchronised, so the caller
    // answers and closes.
    Result parse(QByteArray& buffer);

    const HttpRequest& request() const { return m_request; }
    HttpRequest takeRequest() { return std::move(m_request); }
    int errorStatus() const { return m_errorStatus; }
    const QByteArray& errorMessage() const { return m_errorMessage; }

    // True once per request whose headers asked for "Expect: 100-continue" and whose body has
    // not arrived yet: the caller sends "100 Continue" then.
    bool takeContinueRequest();

    void reset();

private:
    Result fail(int status, QByteArray message);
    bool parseHead(QByteArrayView head);

    enum class State { Head, Body, Failed };
    State m_state = State::Head;
    qsizetype m_scanned = 0;  // head bytes already searched for the blank line
    qsizetype m_headSize = 0; // including the blank line
    qsizetype m_contentLength = 0;
    bool m_expectContinue = false;
    HttpRequest m_request;
    int m_errorStatus = 0;
    QByteArray m_errorMessage;
};

} // namespace poolscope::sim
