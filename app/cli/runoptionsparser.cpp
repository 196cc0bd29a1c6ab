#include "runoptionsparser.h"

#include "apikeychoice.h"
#include "appdefaults.h"
#include "serveroptions.h"

#include "../keychainsecretstore.h"
#include "keyscommand.h"
#include "profilestore.h"

#include <QCommandLineParser>
#include <QFile>
#include <QSettings>
#include <QTextStream>

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope::cli {

namespace {

struct NumberOption {
    QString name;
    QString description;
    QString valueName;
};

const QList<NumberOption>& poolOptions() {
    static const QList<NumberOption> options = {
        {u"max-connections"_s, u"Most connections open at once (default 10)."_s, u"N"_s},
        {u"min-idle"_s, u"Warm connections kept open, even before the first request."_s, u"N"_s},
        {u"acquire-timeout"_s, u"How long a request waits for a free connection (30000)."_s,
         u"ms"_s},
        {u"idle-timeout"_s, u"Idle connections above min-idle close after this (600000)."_s,
         u"ms"_s},
        {u"max-lifetime"_s, u"Connections retire, between requests, at this age (1800000)."_s,
         u"ms"_s},
        {u"connect-timeout"_s, u"TCP and TLS setup of a new connection (5000)."_s, u"ms"_s},
        {u"read-timeout"_s, u"A response that sends no byte for this long fails (60000)."_s,
         u"ms"_s},
        {u"timeout"_s, u"One attempt from send to last byte (600000)."_s, u"ms"_s},
        {u"leak-threshold"_s, u"Warn when a request holds a connection this long (off)."_s,
         u"ms"_s},
    };
    return options;
}

bool readInt(const QCommandLineParser& parser, const QString& name, qint64 min, qint64* out,
             QString* error) {
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const qint64 value = parser.value(name).toLongLong(&ok);
    if (!ok || value < min) {
        *error = u"--"_s + name + u" expects a whole number"_s +
                 (min > 0 ? u" of at least "_s + QString::number(min) : u" ≥ 0"_s) + u", not \""_s +
                 parser.value(name) + u'"';
        return false;
    }
    *out = value;
    return true;
}

bool readDouble(const QCommandLineParser& parser, const QString& name, double* out,
                QString* error) {
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < 0) {
        *error = u"--"_s + name + u" expects a number ≥ 0, not \""_s + parser.value(name) + u'"';
        return false;
    }
    *out = value;
    return true;
}

// --- run --profile NAME ---------------------------------------------------------------------
// The saved server replaces the default simulator. The key comes from the OS keychain, else
// from the profile's environment variable; --api-key-env VAR reads only that variable (and
// never touches the keychain, a way around a broken one). --model, --ca-cert and --proxy still
// win over the profile's: the rest of the parser applies them afterwards.
bool applyProfile(const QCommandLineParser& parser, RunInvocation* run, QString* error) {
    const QString name = parser.value(u"profile"_s);
    for (const QString& clash : {u"base-url"_s, u"api"_s}) {
        if (parser.isSet(clash)) {
            *error = u"--profile and --"_s + clash + u" exclude each other (the profile names "_s +
                     u"the server)"_s;
            return false;
        }
    }
    QSettings settings;
    const ProfileStore store(&settings);
    const std::optional<Profile> profile = store.profile(name);
    if (!profile) {
        *error = u"no profile named \""_s + name + u"\" (see poolscope profile list)"_s;
        return false;
    }
    if (profile->usesSimulator())
        return true; // the default: the built-in simulator is already set up

    QByteArray key;
    if (parser.isSet(u"api-key-env"_s)) {
        const QString variable = parser.value(u"api-key-env"_s);
        key = qgetenv(variable.toLocal8Bit().constData());
        if (key.isEmpty()) {
            *error = u"the environment variable "_s + variable + u" is empty"_s;
            return false;
        }
    } else {
        KeychainSecretStore keychain;
        const SecretResult stored = waitForSecret(&keychain, SecretResult::Operation::Read, name);
        const auto choice = chooseApiKey(*profile, stored, keychain.isPersistent(), error);
        if (!choice) {
            *error += u". Store one with `poolscope keys set "_s + name + u"` or set "_s +
                      profile->keyEnvVar;
            return false;
        }
        key = choice->key;
    }
    std::optional<Endpoint> endpoint = profile->toEndpoint(key, error);
    if (!endpoint)
        return false;
    run->endpoint = *endpoint;
    run->useSimulator = false;
    return true;
}

} // namespace

std::optional<RunInvocation> parseRunOptions(const QStringList& arguments, QString* error) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Send prompts through PoolScope's connection pool and report what happened.\n"
        u"With no --base-url the built-in simulator answers on 127.0.0.1.\n"
        u"Exit status: 0 all succeeded, 1 some failed, 2 bad usage or input, 3 stopped."_s);
    parser.addHelpOption();
    parser.addOptions(serverOptions());
    parser.addOptions({
        {u"model"_s, u"Model name (a dataset line's own model wins)."_s, u"NAME"_s},
        {u"profile"_s, u"A saved profile; its key comes from the OS keychain, else its variable."_s,
         u"NAME"_s},
        {u"dataset"_s, u"Prompts: .txt (one a line), .jsonl or .csv."_s, u"FILE"_s},
        {u"prompt"_s, u"One prompt, sent --requests times."_s, u"TEXT"_s},
        {u"requests"_s, u"How many times to send --prompt (default 1)."_s, u"N"_s},
        {u"stream"_s, u"Stream responses (measures TTFT and inter-token latency)."_s},
        {u"max-tokens"_s, u"Output token limit per request."_s, u"N"_s},
        {u"temperature"_s, u"Sampling temperature."_s, u"T"_s},
        {u"http2"_s, u"HTTP/2: auto (ALPN), on or off (default auto)."_s, u"MODE"_s},
        {u"max-streams"_s, u"HTTP/2 streams one connection carries at once (default 100)."_s,
         u"N"_s},
        {u"connections-per-thread"_s,
         u"HTTP/1.1 connections sharing one network thread, 1 to 6 (default 6)."_s, u"N"_s},
        {u"no-pool"_s, u"A fresh connection for every request (the A/B baseline)."_s},
        {u"concurrency"_s, u"Closed loop: requests kept in flight (default 10)."_s, u"N"_s},
        {u"rate"_s, u"Open loop: Poisson arrivals at R requests/s."_s, u"R"_s},
        {u"retries"_s, u"Retries on 408/409/429/5xx and connection failures (default 2)."_s,
         u"N"_s},
        {u"rpm"_s, u"Client-side limit, requests per minute."_s, u"N"_s},
        {u"tpm"_s, u"Client-side limit, tokens per minute (estimated)."_s, u"N"_s},
        {u"budget"_s, u"Stop sending once this many USD could be spent."_s, u"USD"_s},
        {u"proxy"_s, u"HTTP proxy, e.g. http://127.0.0.1:3128."_s, u"URL"_s},
        {u"out"_s, u"Write one JSON record per request, as each lands."_s, u"FILE.jsonl"_s},
        {u"resume"_s, u"Skip the requests already recorded in --out."_s},
        {u"summary"_s, u"Write the summary JSON to a file."_s, u"FILE.json"_s},
        {u"timeseries"_s, u"Write one CSV row per second (rates, percentiles, pool gauges)."_s,
         u"FILE.csv"_s},
        {u"metrics-port"_s,
         u"Serve Prometheus metrics at http://127.0.0.1:P/metrics while running (0: any port)."_s,
         u"P"_s},
        {u"json"_s, u"Print the summary as JSON on standard output."_s},
        {u"quiet"_s, u"No progress output."_s},
        {u"seed"_s, u"Seed for arrivals and the simulator."_s, u"N"_s},
        {u"sim-scenario"_s,
         u"Built-in simulator scenario: "_s + sim::SimConfig::scenarioNames().join(u", "_s) +
             u" (default fast-local)."_s,
         u"NAME"_s},
        {u"sim-connect-cost-ms"_s, u"Built-in simulator: cost of each new connection."_s, u"ms"_s},
    });
    for (const NumberOption& option : poolOptions())
        parser.addOption({option.name, option.description, option.valueName});

    QStringList argv = arguments;
    argv.prepend(u"poolscope run"_s);
    if (!parser.parse(argv)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(u"help"_s)) {
        QTextStream(stdout) << parser.helpText();
        error->clear();
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = u"unexpected argument \""_s + parser.positionalArguments().first() + u'"';
        return std::nullopt;
    }

    RunInvocation run;
    run.prices = app::loadPrices();
    const std::optional<ServerChoice> server = readServerOptions(parser, error);
    if (!server)
        return std::nullopt;
    run.endpoint.api = server->api;
    if (!server->baseUrl.isEmpty()) {
        run.endpoint.baseUrl = server->baseUrl;
        run.endpoint.apiKey = server->apiKey;
    } else {
        run.useSimulator = true;
        run.simScenario = parser.value(u"sim-scenario"_s);
        if (run.simScenario.isEmpty())
            run.simScenario = u"fast-local"_s;
        const auto scenario = sim::SimConfig::scenario(run.simScenario);
        if (!scenario) {
            *error = u"unknown --sim-scenario \""_s + run.simScenario + u"\"; choose one of "_s +
                     sim::SimConfig::scenarioNames().join(u", "_s);
            return std::nullopt;
        }
        run.simConfig = *scenario;
        qint64 connectCost = run.simConfig.connectCostMs;
        if (!readInt(parser, u"sim-connect-cost-ms"_s, 0, &connectCost, error))
            return std::nullopt;
        run.simConfig.connectCostMs = int(connectCost);
        run.endpoint.model = u"sim-small"_s;
    }
    if (parser.isSet(u"profile"_s) && !applyProfile(parser, &run, error))
        return std::nullopt;
    if (parser.isSet(u"model"_s))
        run.model = parser.value(u"model"_s);
    if (run.model.isEmpty() && run.endpoint.model.isEmpty()) {
        *error = u"--model is required with --base-url"_s;
        return std::nullopt;
    }
    if (run.endpoint.model.isEmpty())
        run.endpoint.model = run.model;

    if (parser.isSet(u"dataset"_s) && parser.isSet(u"prompt"_s)) {
        *error = u"--dataset and --prompt exclude each other"_s;
        return std::nullopt;
    }
    run.datasetPath = parser.value(u"dataset"_s);
    if (parser.isSet(u"prompt"_s))
        run.prompt = parser.value(u"prompt"_s);
    qint64 requests = 1, maxTokens = -1, concurrency = 10, retries = 2, seed = 0;
    if (!readInt(parser, u"requests"_s, 1, &requests, error) ||
        !readInt(parser, u"max-tokens"_s, 1, &maxTokens, error) ||
        !readInt(parser, u"concurrency"_s, 1, &concurrency, error) ||
        !readInt(parser, u"retries"_s, 0, &retries, error) ||
        !readInt(parser, u"seed"_s, 0, &seed, error))
        return std::nullopt;
    run.requests = int(requests);
    run.maxTokens = int(maxTokens);
    run.stream = parser.isSet(u"stream"_s);
    double temperature = -1, rate = 0, rpm = 0, tpm = 0, budget = 0;
    if (!readDouble(parser, u"temperature"_s, &temperature, error) ||
        !readDouble(parser, u"rate"_s, &rate, error) ||
        !readDouble(parser, u"rpm"_s, &rpm, error) || !readDouble(parser, u"tpm"_s, &tpm, error) ||
        !readDouble(parser, u"budget"_s, &budget, error))
        return std::nullopt;
    if (temperature >= 0)
        run.temperature = temperature;
    if (parser.isSet(u"rate"_s) && parser.isSet(u"concurrency"_s)) {
        *error = u"--rate (open loop) and --concurrency (closed loop) exclude each other"_s;
        return std::nullopt;
    }
    if (parser.isSet(u"rate"_s) && rate <= 0) {
        *error = u"--rate expects a number of requests per second above 0"_s;
        return std::nullopt;
    }

    PoolConfig& pool = run.poolConfig;
    qint64 maxConnections = pool.maxConnections, minIdle = pool.minIdle;
    qint64 maxStreams = pool.maxStreamsPerConnection, perThread = pool.connectionsPerThread;
    if (!readInt(parser, u"max-connections"_s, 1, &maxConnections, error) ||
        !readInt(parser, u"max-streams"_s, 1, &maxStreams, error) ||
        !readInt(parser, u"connections-per-thread"_s, 1, &perThread, error) ||
        !readInt(parser, u"min-idle"_s, 0, &minIdle, error) ||
        !readInt(parser, u"acquire-timeout"_s, 0, &pool.acquireTimeoutMs, error) ||
        !readInt(parser, u"idle-timeout"_s, 0, &pool.idleTimeoutMs, error) ||
        !readInt(parser, u"max-lifetime"_s, 0, &pool.maxLifetimeMs, error) ||
        !readInt(parser, u"connect-timeout"_s, 0, &pool.connectTimeoutMs, error) ||
        !readInt(parser, u"read-timeout"_s, 0, &pool.readTimeoutMs, error) ||
        !readInt(parser, u"timeout"_s, 0, &pool.totalTimeoutMs, error) ||
        !readInt(parser, u"leak-threshold"_s, 0, &pool.leakThresholdMs, error))
        return std::nullopt;
    pool.maxConnections = int(maxConnections);
    pool.maxStreamsPerConnection =
        int(std::min<qint64>(maxStreams, PoolConfig::kMostStreamsPerConnection));
    if (perThread > PoolConfig::kMostConnectionsPerThread) {
        *error = u"--connections-per-thread: at most "_s +
                 QString::number(PoolConfig::kMostConnectionsPerThread) +
                 u" (Qt opens no more HTTP/1.1 connections to one server per thread)"_s;
        return std::nullopt;
    }
    pool.connectionsPerThread = int(perThread);
    pool.minIdle = int(std::min(minIdle, maxConnections));
    pool.noPool = parser.isSet(u"no-pool"_s);
    pool.retries = int(retries);
    pool.requestsPerMinute = rpm;
    pool.tokensPerMinute = tpm;
    if (parser.isSet(u"http2"_s)) {
        const QString mode = parser.value(u"http2"_s).toLower();
        if (mode == u"auto"_s)
            pool.http2 = Http2Mode::Auto;
        else if (mode == u"on"_s)
            pool.http2 = Http2Mode::On;
        else if (mode == u"off"_s)
            pool.http2 = Http2Mode::Off;
        else {
            *error = u"--http2 expects auto, on or off"_s;
            return std::nullopt;
        }
    }

    run.runOptions.concurrency = int(concurrency);
    run.runOptions.ratePerSecond = rate;
    run.runOptions.budgetUsd = budget;
    run.runOptions.seed = quint64(seed);
    if (run.useSimulator && seed > 0)
        run.simConfig.seed = quint64(seed);

    if (!server->extraCaCertificates.isEmpty())
        run.endpoint.extraCaCertificates = server->extraCaCertificates;
    if (parser.isSet(u"proxy"_s)) {
        const QUrl proxyUrl = QUrl::fromUserInput(parser.value(u"proxy"_s));
        if (!proxyUrl.isValid() || proxyUrl.host().isEmpty()) {
            *error = u"--proxy expects a URL such as http://127.0.0.1:3128"_s;
            return std::nullopt;
        }
        run.endpoint.proxy =
            QNetworkProxy(proxyUrl.scheme().startsWith(u"socks"_s) ? QNetworkProxy::Socks5Proxy
                                                                   : QNetworkProxy::HttpProxy,
                          proxyUrl.host(), quint16(proxyUrl.port(3128)), proxyUrl.userName(),
                          proxyUrl.password());
    }

    run.outPath = parser.value(u"out"_s);
    run.resume = parser.isSet(u"resume"_s);
    if (run.resume && run.outPath.isEmpty()) {
        *error = u"--resume needs --out FILE.jsonl (the file to resume)"_s;
        return std::nullopt;
    }
    run.summaryPath = parser.value(u"summary"_s);
    run.timeSeriesPath = parser.value(u"timeseries"_s);
    if (parser.isSet(u"metrics-port"_s)) {
        qint64 port = 0;
        if (!readInt(parser, u"metrics-port"_s, 0, &port, error))
            return std::nullopt;
        if (port > 65535) {
            *error = u"--metrics-port is at most 65535"_s;
            return std::nullopt;
        }
        run.metricsPort = int(port);
    }
    run.json = parser.isSet(u"json"_s);
    run.quiet = parser.isSet(u"quiet"_s);
    return run;
}

} // namespace poolscope::cli
