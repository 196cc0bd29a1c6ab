#include "servesimcommand.h"

#include "descriptorbudget.h"
#include "exitcodes.h"
#include "interruptwatcher.h"
#include "simconfig.h"
#include "simulatorthread.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>
#include <QTextStream>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope::cli {

namespace {

int fail(const QString& message) {
    QTextStream(stderr) << "poolscope serve-sim: " << message << Qt::endl;
    return ExitUsage;
}

} // namespace

int serveSimCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"PoolScope's simulator as a standalone server on 127.0.0.1: OpenAI chat completions "
        u"and Anthropic Messages, streaming and not, with latency, connection cost, capacity, "
        u"rate limits and faults. Prints its base URL first; Ctrl+C stops it."_s);
    parser.addHelpOption();
    parser.addOptions({
        {u"port"_s, u"Port to listen on (0 picks a free one)."_s, u"P"_s, u"0"_s},
        {u"scenario"_s,
         u"A named scenario ("_s + sim::SimConfig::scenarioNames().join(u", "_s) +
             u") or a JSON file of knobs."_s,
         u"NAME|FILE"_s},
        {u"ttft-ms"_s, u"Median time to first token."_s, u"ms"_s},
        {u"tokens-per-s"_s, u"Tokens per second per stream (0: all at once)."_s, u"N"_s},
        {u"output-tokens"_s, u"Mean output length in tokens."_s, u"N"_s},
        {u"connect-cost-ms"_s, u"Delay on the first response of every new connection."_s, u"ms"_s},
        {u"capacity"_s, u"Requests processed at once; beyond it they queue, then get 503."_s,
         u"N"_s},
        {u"rpm"_s, u"Requests per minute before 429."_s, u"N"_s},
        {u"tpm"_s, u"Tokens per minute before 429."_s, u"N"_s},
        {u"error-rate"_s, u"Fraction of requests answered 500."_s, u"F"_s},
        {u"seed"_s, u"Seed for every random choice."_s, u"N"_s},
        {u"log"_s, u"Write the server's truth log (JSONL), one line per request."_s, u"FILE"_s},
        {u"tls"_s, u"Serve HTTPS with a certificate generated on first use (kept in the app's "
                   u"data folder; no private key is ever shipped)."_s},
        {u"cert-out"_s, u"With --tls: write the certificate clients should trust (PEM)."_s,
         u"FILE"_s},
    });
    QStringList argv = arguments;
    argv.prepend(u"poolscope serve-sim"_s);
    if (!parser.parse(argv))
        return fail(parser.errorText());
    if (parser.isSet(u"help"_s)) {
        QTextStream(stdout) << parser.helpText();
        return ExitOk;
    }

    sim::SimConfig config;
    if (parser.isSet(u"scenario"_s)) {
        const QString scenario = parser.value(u"scenario"_s);
        if (auto named = sim::SimConfig::scenario(scenario)) {
            config = *named;
        } else {
            QFile file(scenario);
            if (!file.open(QIODevice::ReadOnly))
                return fail(u"\""_s + scenario + u"\" is neither a scenario name ("_s +
                            sim::SimConfig::scenarioNames().join(u", "_s) +
                            u") nor a readable file"_s);
            QString error;
            const auto fromFile =
                sim::SimConfig::fromJson(QJsonDocument::fromJson(file.readAll()).object(), &error);
            if (!fromFile)
                return fail(scenario + u": "_s + error);
            config = *fromFile;
        }
    }
    auto number = [&parser](const QString& name, double* out) {
        if (!parser.isSet(name))
            return true;
        bool ok = false;
        const double value = parser.value(name).toDouble(&ok);
        if (!ok || value < 0 || !std::isfinite(value))
            return false;
        *out = value;
        return true;
    };
    double ttft = config.ttftMs, tps = config.tokensPerSecond, output = config.outputTokens,
           connectCost = config.connectCostMs, capacity = config.capacity, rpm = config.rpm,
           tpm = config.tpm, errorRate = config.errorRate, seed = double(config.seed), port = 0;
    for (const auto& [name, target] : {std::pair{u"ttft-ms"_s, &ttft},
                                       {u"tokens-per-s"_s, &tps},
                                       {u"output-tokens"_s, &output},
                                       {u"connect-cost-ms"_s, &connectCost},
                                       {u"capacity"_s, &capacity},
                                       {u"rpm"_s, &rpm},
                                       {u"tpm"_s, &tpm},
                                       {u"error-rate"_s, &errorRate},
                                       {u"seed"_s, &seed},
                                       {u"port"_s, &port}}) {
        if (!number(name, target))
            return fail(u"--"_s + name + u" expects a number ≥ 0"_s);
    }
    if (errorRate > 1 || port > 65535)
        return fail(u"--error-rate is a fraction from 0 to 1, --port at most 65535"_s);
    config.ttftMs = ttft;
    config.tokensPerSecond = tps;
    config.outputTokens = int(output);
    config.connectCostMs = int(connectCost);
    config.capacity = int(capacity);
    config.rpm = int(rpm);
    config.tpm = int(tpm);
    config.errorRate = errorRate;
    config.seed = quint64(seed);

    raiseDescriptorLimit(); // thousands of concurrent streams need as many descriptors
    // On its own thread with an epoll dispatcher (Linux): the main thread only waits for Ctrl+C.
    sim::SimulatorThread server;
    QString error;
    if (parser.isSet(u"cert-out"_s) && !parser.isSet(u"tls"_s))
        return fail(u"--cert-out goes with --tls"_s);
    if (parser.isSet(u"tls"_s)) {
        const QString dir =
            QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/simulator-tls"_s;
        if (!server.enableTls(dir, &error))
            return fail(u"cannot set up TLS: "_s + error);
    }
    if (parser.isSet(u"log"_s) && !server.setLogFile(parser.value(u"log"_s), &error))
        return fail(error);
    if (!server.start(config, quint16(port), &error))
        return fail(u"cannot listen: "_s + error);
    if (parser.isSet(u"cert-out"_s)) {
        QSaveFile pem(parser.value(u"cert-out"_s));
        if (!pem.open(QIODevice::WriteOnly) || pem.write(server.certificatePem()) < 0 ||
            !pem.commit())
            return fail(u"cannot write "_s + parser.value(u"cert-out"_s) + u": "_s +
                        pem.errorString());
    }
    QTextStream(stdout) << server.baseUrl().toString() << Qt::endl;
    QTextStream(stderr) << "simulator listening; OpenAI: " << server.baseUrl().toString()
                        << "/chat/completions, Anthropic: " << server.baseUrl().toString()
                        << "/messages. Ctrl+C stops." << Qt::endl;

    InterruptWatcher interrupts;
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &interrupts,
                     [] { QCoreApplication::quit(); });
    QCoreApplication::exec();
    const sim::SimStats stats = server.stats();
    QTextStream(stderr) << "served " << stats.requestsCompleted << " requests on "
                        << stats.connectionsAccepted << " connections" << Qt::endl;
    return ExitOk;
}

} // namespace poolscope::cli
