// poolscope_simserve: a test-only stand-alone simulator for benchmarks (tests/bench/sim_wrk.sh)
// until `poolscope serve-sim` exists. Prints the base URL as its first line.
#include "epolleventdispatcher.h"
#include "simserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

using namespace Qt::StringLiterals;
using poolscope::sim::SimConfig;
using poolscope::sim::SimServer;

namespace {

// Thousands of connections need thousands of descriptors; the soft limit is often 1024.
void raiseDescriptorLimit() {
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
#endif
}

} // namespace

int main(int argc, char** argv) {
    // Before the application object: the main thread serves the connections.
    if (auto* dispatcher = poolscope::sim::EpollEventDispatcher::create())
        QCoreApplication::setEventDispatcher(dispatcher);
    QCoreApplication app(argc, argv);
    raiseDescriptorLimit();

    QCommandLineParser parser;
    parser.setApplicationDescription(u"PoolScope simulator (test tool)"_s);
    parser.addHelpOption();
    const QList<QCommandLineOption> options{
        {u"port"_s, u"Port (0 = any free one)."_s, u"P"_s, u"0"_s},
        {u"scenario"_s, u"A scenario name or a JSON file of settings."_s, u"S"_s},
        {u"workers"_s, u"Worker threads."_s, u"N"_s},
        {u"ttft-ms"_s, u"Median time to first token."_s, u"MS"_s},
        {u"ttft-sigma"_s, u"Lognormal sigma of the TTFT."_s, u"X"_s},
        {u"tokens-per-s"_s, u"Tokens per second per stream (0 = all at once)."_s, u"R"_s},
        {u"output-tokens"_s, u"Mean output tokens."_s, u"N"_s},
        {u"no-jitter"_s, u"Output exactly --output-tokens tokens."_s},
        {u"connect-cost-ms"_s, u"Delay on a new connection's first response."_s, u"MS"_s},
        {u"capacity"_s, u"Requests served at once (0 = unlimited)."_s, u"N"_s},
        {u"rpm"_s, u"Requests per minute limit."_s, u"N"_s},
        {u"tpm"_s, u"Tokens per minute limit."_s, u"N"_s},
        {u"error-rate"_s, u"Fraction answered 500."_s, u"F"_s},
        {u"seed"_s, u"Random seed."_s, u"N"_s},
        {u"log"_s, u"Truth log (JSONL)."_s, u"FILE"_s},
        {u"tls"_s, u"Serve HTTPS; certificate kept in DIR."_s, u"DIR"_s},
        {u"stats-ms"_s, u"Print stats to stderr every MS milliseconds."_s, u"MS"_s},
    };
    parser.addOptions(options);
    parser.process(app);

    SimConfig config;
    if (parser.isSet(u"scenario"_s)) {
        const QString scenario = parser.value(u"scenario"_s);
        if (auto named = SimConfig::scenario(scenario)) {
            config = *named;
        } else {
            QFile file(scenario);
            if (!file.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "cannot read %s\n", qPrintable(scenario));
                return 2;
            }
            QString error;
            auto parsed =
                SimConfig::fromJson(QJsonDocument::fromJson(file.readAll()).object(), &error);
            if (!parsed) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                return 2;
            }
            config = *parsed;
        }
    }
    const auto number = [&](const QString& name, auto& field) {
        if (parser.isSet(name))
            field = static_cast<std::remove_reference_t<decltype(field)>>(
                parser.value(name).toDouble());
    };
    number(u"workers"_s, config.workerThreads);
    number(u"ttft-ms"_s, config.ttftMs);
    number(u"ttft-sigma"_s, config.ttftSigma);
    number(u"tokens-per-s"_s, config.tokensPerSecond);
    number(u"output-tokens"_s, config.outputTokens);
    number(u"connect-cost-ms"_s, config.connectCostMs);
    number(u"capacity"_s, config.capacity);
    number(u"rpm"_s, config.rpm);
    number(u"tpm"_s, config.tpm);
    number(u"error-rate"_s, config.errorRate);
    if (parser.isSet(u"seed"_s))
        config.seed = parser.value(u"seed"_s).toULongLong();
    if (parser.isSet(u"no-jitter"_s))
        config.outputTokensJitter = false;

    SimServer server;
    server.setConfig(config);
    QString error;
    if (parser.isSet(u"tls"_s) && !server.enableTls(parser.value(u"tls"_s), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    if (parser.isSet(u"log"_s) && !server.setLogFile(parser.value(u"log"_s), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    if (!server.start(QHostAddress::LocalHost, parser.value(u"port"_s).toUShort(), &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::printf("%s\n", qPrintable(server.baseUrl().toString()));
    std::fflush(stdout);

    QTimer statsTimer;
    if (parser.isSet(u"stats-ms"_s)) {
        QObject::connect(&statsTimer, &QTimer::timeout, &server, [&server] {
            const auto s = server.stats();
            std::fprintf(stderr,
                         "accepted=%llu closed=%llu open=%d received=%llu completed=%llu "
                         "active=%d queued=%d streams=%d 429=%llu 503=%llu faults=%llu\n",
                         s.connectionsAccepted, s.connectionsClosed, s.openConnections,
                         s.requestsReceived, s.requestsCompleted, s.activeRequests,
                         s.queuedRequests, s.openStreams, s.rateLimited, s.rejected503,
                         s.faultsInjected);
        });
        statsTimer.start(parser.value(u"stats-ms"_s).toInt());
    }
    return app.exec();
}
