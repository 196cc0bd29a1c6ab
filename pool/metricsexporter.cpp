#include "metricsexporter.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace poolscope {

void MetricsExporter::Histogram::observe(double seconds) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i])
            ++counts[i];
    }
    ++count;
    sum += seconds;
}

MetricsExporter::MetricsExporter(QObject* parent)
    : QObject(parent)
    , m_server(new QTcpServer(this)) {
    connect(m_server, &QTcpServer::newConnection, this, &MetricsExporter::serve);
}

bool MetricsExporter::listen(const QHostAddress& address, quint16 port, QString* error) {
    if (m_server->listen(address, port))
        return true;
    if (error)
        *error = u"cannot serve metrics on port "_s + QString::number(port) + u": "_s +
                 m_server->errorString();
    return false;
}

quint16 MetricsExporter::port() const {
    return m_server->serverPort();
}

void MetricsExporter::updateSnapshot(const PoolSnapshot& snapshot) {
    m_snapshot = snapshot;
}

void MetricsExporter::addRecord(const RequestRecord& record) {
    ++m_requests[record.ok ? u"ok"_s : errorClassName(record.errorClass)];
    if (record.queueMs() >= 0)
        m_queue.observe(record.queueMs() / 1000.0);
    if (!record.ok)
        return;
    m_e2e.observe(record.e2eMs() / 1000.0);
    if (record.ttftMs() >= 0)
        m_ttft.observe(record.ttftMs() / 1000.0);
    m_promptTokens += std::max<qint64>(0, record.tokens.prompt);
    m_completionTokens += std::max<qint64>(0, record.tokens.completion);
    m_cachedTokens += record.tokens.cached;
    m_cacheWriteTokens += record.tokens.cacheWrite;
    m_reasoningTokens += record.tokens.reasoning;
    if (record.costPicoUsd)
        m_costPico += *record.costPicoUsd;
    else
        ++m_costUnknown;
}

QByteArray MetricsExporter::exposition() const {
    QByteArray out;
    auto metric = [&out](const char* name, const char* type, const char* help) {
        out += "# HELP "_ba + name + ' ' + help + "\n# TYPE "_ba + name + ' ' + type + '\n';
    };
    auto sample = [&out](const QByteArray& name, double value) {
        out += name + ' ' + QByteArray::number(value, 'g', 15) + '\n';
    };
    const PoolSnapshot& s = m_snapshot;
    metric("poolscope_pool_connections", "gauge", "Open connections by state.");
    sample("poolscope_pool_connections{state=\"active\"}", s.active);
    sample("poolscope_pool_connections{state=\"idle\"}", s.idle);
    metric("poolscope_pool_pending", "gauge", "Requests waiting for a connection.");
    sample("poolscope_pool_pending", s.pending);
    metric("poolscope_pool_max_connections", "gauge", "The pool's maximum size.");
    sample("poolscope_pool_max_connections", s.max);
    metric("poolscope_pool_min_idle", "gauge", "Warm connections the pool keeps.");
    sample("poolscope_pool_min_idle", s.minIdle);
    metric("poolscope_pool_utilization_ratio", "gauge", "Active connections over max.");
    sample("poolscope_pool_utilization_ratio", s.utilization());
    metric("poolscope_pool_connections_opened_total", "counter", "Connections opened.");
    sample("poolscope_pool_connections_opened_total", double(s.connectionsOpened));
    metric("poolscope_pool_connections_closed_total", "counter", "Connections closed.");
    sample("poolscope_pool_connections_closed_total", double(s.connectionsClosed));
    metric("poolscope_pool_acquire_timeouts_total", "counter",
           "Requests that found no free connection within the acquire timeout.");
    sample("poolscope_pool_acquire_timeouts_total", double(s.acquireTimeouts));
    metric("poolscope_pool_leaks_total", "counter", "Connections held past the leak threshold.");
    sample("poolscope_pool_leaks_total", double(s.leaks));
    metric("poolscope_pool_retries_total", "counter", "Attempts that were retried.");
    sample("poolscope_pool_retries_total", double(s.retries));
    metric("poolscope_pool_reused_requests_total", "counter",
           "Requests served on a connection that was already open.");
    sample("poolscope_pool_reused_requests_total", double(s.requestsOnReusedConnections));

    metric("poolscope_requests_total", "counter", "Finished requests by outcome.");
    for (auto it = m_requests.begin(); it != m_requests.end(); ++it)
        sample("poolscope_requests_total{outcome=\""_ba + it.key().toUtf8() + "\"}",
               double(it.value()));
    auto histogram = [&](const char* name, const char* help, const Histogram& h) {
        metric(name, "histogram", help);
        for (size_t i = 0; i < kBuckets.size(); ++i)
            sample(QByteArray(name) + "_bucket{le=\"" + QByteArray::number(kBuckets[i], 'g', 6) +
                       "\"}",
                   double(h.counts[i]));
        sample(QByteArray(name) + "_bucket{le=\"+Inf\"}", double(h.count));
        sample(QByteArray(name) + "_sum", h.sum);
        sample(QByteArray(name) + "_count", double(h.count));
    };
    histogram("poolscope_request_duration_seconds", "End-to-end latency of successful requests.",
              m_e2e);
    histogram("poolscope_time_to_first_token_seconds", "Time to the first content token.", m_ttft);
    histogram("poolscope_queue_wait_seconds", "Time spent waiting for a connection.", m_queue);
    metric("poolscope_tokens_total", "counter", "Tokens by kind.");
    sample("poolscope_tokens_total{kind=\"prompt\"}", double(m_promptTokens));
    sample("poolscope_tokens_total{kind=\"completion\"}", double(m_completionTokens));
    sample("poolscope_tokens_total{kind=\"cached\"}", double(m_cachedTokens));
    sample("poolscope_tokens_total{kind=\"cache_write\"}", double(m_cacheWriteTokens));
    sample("poolscope_tokens_total{kind=\"reasoning\"}", double(m_reasoningTokens));
    metric("poolscope_cost_usd_total", "counter", "Estimated spend in USD (known prices only).");
    sample("poolscope_cost_usd_total", double(m_costPico) / 1e12);
    metric("poolscope_cost_unknown_requests_total", "counter",
           "Successful requests whose model has no price.");
    sample("poolscope_cost_unknown_requests_total", double(m_costUnknown));
    return out;
}

void MetricsExporter::serve() {
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            QByteArray request = socket->property("request").toByteArray() + socket->readAll();
            if (request.size() > 16384) {
                socket->abort();
                return;
            }
            if (!request.contains("\r\n\r\n")) {
                socket->setProperty("request", request);
                return;
            }
            const QList<QByteArray> line = request.left(request.indexOf("\r\n")).split(' ');
            const QByteArray path = line.size() >= 2 ? line[1] : QByteArray();
            QByteArray response;
            if (line.value(0) == "GET" && (path == "/metrics" || path.startsWith("/metrics?"))) {
                const QByteArray body = exposition();
                response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; "
                           "charset=utf-8\r\nContent-Length: "_ba +
                           QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
            } else {
                response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: "
                           "close\r\n\r\n"_ba;
            }
            socket->write(response);
            socket->disconnectFromHost();
        });
    }
}

} // namespace poolscope
