#include "httprequestparser.h"

#include <QByteArrayView>

using namespace Qt::StringLiterals;

namespace poolscope::sim {

namespace {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b) {
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool isTokenChar(char c) {
    // RFC 9110 tchar
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView s) {
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

QByteArrayView trimmed(QByteArrayView s) {
    while (!s.isEmpty() && (s.front() == ' ' || s.front() == '\t'))
        s = s.sliced(1);
    while (!s.isEmpty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.chop(1);
    return s;
}

// A request id is echoed in a header and logged: only visible ASCII, bounded.
QByteArray saneRequestId(QByteArrayView value) {
    if (value.isEmpty() || value.size() > 200)
        return {};
    for (char c : value) {
        if (c < 0x21 || c > 0x7e)
            return {};
    }
    return value.toByteArray();
}

} // namespace

void HttpRequestParser::reset() {
    m_state = State::Head;
    m_scanned = 0;
    m_headSize = 0;
    m_contentLength = 0;
    m_expectContinue = false;
    m_request = {};
}

bool HttpRequestParser::takeContinueRequest() {
    const bool wanted = m_expectContinue;
    m_expectContinue = false;
    return wanted;
}

HttpRequestParser::Result HttpRequestParser::fail(int status, QByteArray message) {
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorMessage = std::move(message);
    return Result::Error;
}

HttpRequestParser::Result HttpRequestParser::parse(QByteArray& buffer) {
    if (m_state == State::Failed)
        return Result::Error;
    if (m_state == State::Head) {
        // Tolerate blank lines before a request (RFC 9112 2.2), e.g. a stray CRLF after a body.
        qsizetype lead = 0;
        while (lead < buffer.size() && (buffer[lead] == '\r' || buffer[lead] == '\n'))
            ++lead;
        if (lead > 0) {
            buffer.remove(0, lead);
            m_scanned = 0;
        }
        // The head ends at an empty line: "\n\n" or "\n\r\n".
        qsizetype end = -1;
        const qsizetype limit = std::min(buffer.size(), kMaxHeaderBytes);
        for (qsizetype i = std::max<qsizetype>(m_scanned, 1); i < limit; ++i) {
            if (buffer[i] != '\n')
                continue;
            if (buffer[i - 1] == '\n') {
                end = i + 1;
                break;
            }
            if (i >= 2 && buffer[i - 1] == '\r' && buffer[i - 2] == '\n') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            if (buffer.size() >= kMaxHeaderBytes)
                return fail(431, "request header is larger than 16 KiB"_ba);
            m_scanned = std::max<qsizetype>(limit - 2, 0);
            return Result::NeedMore;
        }
        m_headSize = end;
        if (!parseHead(QByteArrayView(buffer).first(end)))
            return Result::Error;
        m_state = State::Body;
    }
    // State::Body
    if (buffer.size() - m_headSize < m_contentLength)
        return Result::NeedMore;
    m_expectContinue = false;
    if (m_contentLength > 0)
        m_request.body = buffer.mid(m_headSize, m_contentLength);
    const qsizetype consumed = m_headSize + m_contentLength;
    if (consumed == buffer.size())
        buffer.clear();
    else
        buffer.remove(0, consumed);
    m_state = State::Head;
    m_scanned = 0;
    m_headSize = 0;
    m_contentLength = 0;
    return Result::Complete;
}

bool HttpRequestParser::parseHead(QByteArrayView head) {
    m_request = {};
    qsizetype lineEnd = head.indexOf('\n');
    const QByteArrayView requestLine = trimmed(head.first(lineEnd));
    // method SP request-target SP HTTP-version
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 <= sp1 + 1 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
        fail(400, "malformed request line"_ba);
        return false;
    }
    const QByteArrayView method = requestLine.first(sp1);
    const QByteArrayView target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (!isToken(method)) {
        fail(400, "malformed request method"_ba);
        return false;
    }
    if (version == "HTTP/1.1") {
        m_request.http10 = false;
    } else if (version == "HTTP/1.0") {
        m_request.http10 = true;
    } else if (version.startsWith("HTTP/")) {
        fail(505, "only HTTP/1.0 and HTTP/1.1 are supported"_ba);
        return false;
    } else {
        fail(400, "malformed HTTP version"_ba);
        return false;
    }
    if (target.isEmpty() || target.front() != '/') {
        fail(400, "the request target must be an absolute path"_ba);
        return false;
    }
    for (char c : target) {
        if (c <= 0x20 || c == 0x7f) {
            fail(400, "malformed request target"_ba);
            return false;
        }
    }
    m_request.method = method.toByteArray();
    const qsizetype query = target.indexOf('?');
    m_request.path = (query < 0 ? target : target.first(query)).toByteArray();

    bool keepAlive = !m_request.http10;
    bool haveLength = false;
    bool chunked = false;
    qint64 length = 0;
    while (lineEnd + 1 < head.size()) {
        const qsizetype start = lineEnd + 1;
        lineEnd = head.indexOf('\n', start);
        if (lineEnd < 0)
            lineEnd = head.size();
        QByteArrayView line = head.sliced(start, lineEnd - start);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break; // the blank line ending the head
        if (line.front() == ' ' || line.front() == '\t') {
            fail(400, "obsolete header line folding is not accepted"_ba);
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon))) {
            fail(400, "malformed header line"_ba);
            return false;
        }
        const QByteArrayView name = line.first(colon);
        const QByteArrayView value = trimmed(line.sliced(colon + 1));
        if (equalsIgnoringCase(name, "content-length")) {
            bool ok = !value.isEmpty() && value.size() <= 18;
            qint64 parsed = 0;
            for (char c : value) {
                if (c < '0' || c > '9') {
                    ok = false;
                    break;
                }
                parsed = parsed * 10 + (c - '0');
            }
            if (!ok || (haveLength && parsed != length)) {
                fail(400, "invalid Content-Length"_ba);
                return false;
            }
            haveLength = true;
            length = parsed;
        } else if (equalsIgnoringCase(name, "transfer-encoding")) {
            chunked = true;
        } else if (equalsIgnoringCase(name, "connection")) {
            // A comma-separated list of options.
            qsizetype from = 0;
            while (from <= value.size()) {
                qsizetype comma = value.indexOf(',', from);
                if (comma < 0)
                    comma = value.size();
                const QByteArrayView option = trimmed(value.sliced(from, comma - from));
                if (equalsIgnoringCase(option, "close"))
                    keepAlive = false;
                else if (equalsIgnoringCase(option, "keep-alive") && m_request.http10)
                    keepAlive = true;
                from = comma + 1;
            }
        } else if (equalsIgnoringCase(name, "x-client-request-id")) {
            m_request.requestId = saneRequestId(value);
        } else if (equalsIgnoringCase(name, "expect")) {
            if (!equalsIgnoringCase(value, "100-continue")) {
                fail(417, "only \"Expect: 100-continue\" is supported"_ba);
                return false;
            }
            m_expectContinue = true;
        }
    }
    if (chunked) {
        fail(411, "chunked request bodies are not supported; send Content-Length"_ba);
        return false;
    }
    const bool needsBody = method == "POST" || method == "PUT" || method == "PATCH";
    if (needsBody && !haveLength) {
        fail(411, "Content-Length is required"_ba);
        return false;
    }
    if (length > kMaxBodyBytes) {
        fail(413, "request body is larger than 8 MiB"_ba);
        return false;
    }
    m_contentLength = static_cast<qsizetype>(length);
    m_request.keepAlive = keepAlive;
    if (m_contentLength == 0)
        m_expectContinue = false;
    return true;
}

} // namespace poolscope::sim
