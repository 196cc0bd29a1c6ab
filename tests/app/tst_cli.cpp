// The command-line contract, run as a user would: the real poolscope binary in a process.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

using namespace Qt::StringLiterals;

namespace {

const QString kBinary = QStringLiteral(POOLSCOPE_BINARY_DIR) + u"/app/poolscope"_s;

struct Result {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runPoolscope(const QStringList& arguments, int timeoutMs = 120000) {
    QProcess process;
    process.start(kBinary, arguments);
    Result result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

// `poolscope serve-sim` in the background; its first line is the base URL.
struct ServeSim {
    explicit ServeSim(const QStringList& extra) {
        process.start(kBinary, QStringList{u"serve-sim"_s} + extra);
        if (process.waitForReadyRead(10000))
            baseUrl = QString::fromUtf8(process.readLine()).trimmed();
    }
    ~ServeSim() {
        process.terminate();
        if (!process.waitForFinished(5000))
            process.kill();
    }
    QProcess process;
    QString baseUrl;
};

} // namespace

class tst_Cli : public QObject {
    Q_OBJECT
private slots:
    void versionAndHelp() {
        Result r = runPoolscope({u"--version"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("poolscope " POOLSCOPE_VERSION));
        r = runPoolscope({u"--help"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("poolscope run"));
        QVERIFY(r.out.contains("poolscope serve-sim"));
        r = runPoolscope({u"run"_s, u"--help"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--max-connections"));
    }

    void badUsageExitsTwo_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        QTest::addRow("not a number")
            << QStringList{u"run"_s, u"--requests"_s, u"lots"_s} << QByteArray("--requests");
        QTest::addRow("unknown option")
            << QStringList{u"run"_s, u"--frobnicate"_s} << QByteArray("frobnicate");
        QTest::addRow("unknown command") << QStringList{u"fly"_s} << QByteArray("unknown");
        QTest::addRow("no streams per connection")
            << QStringList{u"run"_s, u"--max-streams"_s, u"0"_s} << QByteArray("--max-streams");
        QTest::addRow("seven connections per thread")
            << QStringList{u"run"_s, u"--connections-per-thread"_s, u"7"_s}
            << QByteArray("at most 6");
        QTest::addRow("rate and concurrency")
            << QStringList{u"run"_s, u"--rate"_s, u"5"_s, u"--concurrency"_s, u"2"_s}
            << QByteArray("exclude");
        QTest::addRow("missing dataset")
            << QStringList{u"run"_s, u"--dataset"_s, u"/no/such"_s} << QByteArray("cannot read");
        // One set of server options for run and models: neither trusts nothing silently.
        QTest::addRow("models: no certificate in --ca-cert")
            << QStringList{u"models"_s, u"--ca-cert"_s, u"/no/such.pem"_s}
            << QByteArray("no PEM certificate");
        QTest::addRow("models: empty --api-key-env")
            << QStringList{u"models"_s, u"--base-url"_s, u"http://127.0.0.1:1/v1"_s,
                           u"--api-key-env"_s, u"POOLSCOPE_TEST_SURELY_UNSET"_s}
            << QByteArray("POOLSCOPE_TEST_SURELY_UNSET is empty");
    }
    void badUsageExitsTwo() {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        const Result r = runPoolscope(arguments);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), r.err.constData());
    }

    void modelsAreListed() {
        Result r = runPoolscope({u"models"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("sim-small"), r.out.constData());
        ServeSim server({});
        r = runPoolscope(
            {u"models"_s, u"--base-url"_s, server.baseUrl, u"--api"_s, u"anthropic"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("sim-small"));
        r = runPoolscope({u"models"_s, u"--base-url"_s, u"http://127.0.0.1:1/v1"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("refused"), r.err.constData());
    }

    void twoHundredPromptsSucceed() {
        const Result r = runPoolscope(
            {u"run"_s, u"--prompt"_s, u"hi"_s, u"--requests"_s, u"200"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(summary.value(u"requests"_s).toInt(), 200);
        QCOMPARE(summary.value(u"succeeded"_s).toInt(), 200);
        QCOMPARE(summary.value(u"failed"_s).toInt(), 0);
        for (const QString& key :
             {u"duration_s"_s, u"throughput_rps"_s, u"output_tokens_per_s"_s, u"latency_ms"_s,
              u"ttft_ms"_s, u"itl_ms"_s, u"tpot_ms"_s, u"queue_ms"_s, u"tokens"_s, u"cost_usd"_s,
              u"cost_unknown_requests"_s, u"cost_by_model"_s, u"pool"_s, u"retries"_s, u"errors"_s})
            QVERIFY2(summary.contains(key), qPrintable(key));
        for (const QString& key : {u"mean"_s, u"p50"_s, u"p90"_s, u"p95"_s, u"p99"_s, u"max"_s})
            QVERIFY(summary.value(u"latency_ms"_s).toObject().contains(key));
        QCOMPARE(summary.value(u"pool"_s).toObject().value(u"connections_opened"_s).toInt(), 10);
    }

    void poolStaysWithinTheDescriptorLimit() {
#ifdef Q_OS_UNIX
        // 200 descriptors in all, hard limit included: 100 connections to the built-in
        // simulator would need about 298 (64 reserved, 2 sockets a connection, a thread per 3,
        // its threads counted half full), so the pool is capped at 58 (64 + 116 + 20 = 200) and
        // the other requests wait for a
        // connection instead of failing with "Too many open files". All 200 succeed: the
        // estimate is not too low.
        QProcess process;
        process.setChildProcessModifier([] {
            const rlimit tight{200, 200};
            setrlimit(RLIMIT_NOFILE, &tight);
        });
        process.start(kBinary, {u"run"_s, u"--prompt"_s, u"hi"_s, u"--requests"_s, u"200"_s,
                                u"--concurrency"_s, u"100"_s, u"--max-connections"_s, u"100"_s,
                                u"--retries"_s, u"0"_s, u"--json"_s});
        QVERIFY(process.waitForFinished(120000));
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(process.exitCode() == 0, err.constData());
        QVERIFY2(err.contains("using at most 58 connections"), err.constData());
        const QJsonObject summary =
            QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        QCOMPARE(summary.value(u"succeeded"_s).toInt(), 200);
        const QJsonObject pool = summary.value(u"pool"_s).toObject();
        QCOMPARE(pool.value(u"max_connections"_s).toInt(), 58);
        QVERIFY(pool.value(u"max_active"_s).toInt() <= 58);
        QVERIFY(pool.value(u"connections_opened"_s).toInt() <= 58);
#else
        QSKIP("descriptor limits are POSIX");
#endif
    }

    void badDatasetLinesAreNamed() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"prompts.jsonl"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"prompt\": \"fine\"}\n{\"prompt\": oops}\n");
        file.close();
        const Result r = runPoolscope({u"run"_s, u"--dataset"_s, path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("line 2"), r.err.constData());
    }

    void poolOpensExactlyWhatTheServerAccepts_data() {
        QTest::addColumn<QStringList>("poolArguments");
        QTest::addColumn<int>("requests");
        QTest::addColumn<int>("expectedConnections");
        QTest::addRow("max 8") << QStringList{u"--max-connections"_s, u"8"_s, u"--concurrency"_s,
                                              u"32"_s}
                               << 1000 << 8;
        QTest::addRow("no pool") << QStringList{u"--no-pool"_s, u"--concurrency"_s, u"8"_s} << 300
                                 << 300;
    }
    void poolOpensExactlyWhatTheServerAccepts() {
        QFETCH(QStringList, poolArguments);
        QFETCH(int, requests);
        QFETCH(int, expectedConnections);
        QTemporaryDir dir;
        const QString truthLog = dir.filePath(u"truth.jsonl"_s);
        ServeSim server({u"--ttft-ms"_s, u"1"_s, u"--tokens-per-s"_s, u"0"_s, u"--output-tokens"_s,
                         u"8"_s, u"--log"_s, truthLog});
        QVERIFY2(server.baseUrl.startsWith(u"http://127.0.0.1:"_s), qPrintable(server.baseUrl));
        const QString out = dir.filePath(u"records.jsonl"_s);
        const Result r =
            runPoolscope(QStringList{u"run"_s, u"--base-url"_s, server.baseUrl, u"--model"_s,
                                     u"sim-small"_s, u"--requests"_s, QString::number(requests),
                                     u"--json"_s, u"--out"_s, out, u"--quiet"_s} +
                         poolArguments);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject pool =
            QJsonDocument::fromJson(r.out).object().value(u"pool"_s).toObject();
        QCOMPARE(pool.value(u"connections_opened"_s).toInt(), expectedConnections);

        // The server's own truth log: distinct connections, and every request id joined.
        QFile log(truthLog);
        QVERIFY(log.open(QIODevice::ReadOnly));
        QSet<qint64> serverConnections;
        QSet<QString> serverRequestIds;
        while (!log.atEnd()) {
            const QJsonObject line = QJsonDocument::fromJson(log.readLine()).object();
            serverConnections.insert(line.value(u"connection_id"_s).toInteger());
            serverRequestIds.insert(line.value(u"request_id"_s).toString());
        }
        QCOMPARE(serverConnections.size(), expectedConnections);
        QFile records(out);
        QVERIFY(records.open(QIODevice::ReadOnly));
        int lines = 0;
        while (!records.atEnd()) {
            const QJsonObject record = QJsonDocument::fromJson(records.readLine()).object();
            QVERIFY(serverRequestIds.contains(record.value(u"request_id"_s).toString()));
            ++lines;
        }
        QCOMPARE(lines, requests);
    }

    void estimateAndCostByModel() {
        // Demo prices per million tokens: sim-small $0.40 in / $1.60 out, sim-large $2 / $8.
        // "hello world!" is 12 characters: the estimate counts 16 + 3 = 19 prompt tokens a
        // request, the simulator bills 3; --max-tokens 5 caps every answer at 5 tokens.
        QTemporaryDir dir;
        const QString dataset = dir.filePath(u"mixed.jsonl"_s);
        QFile file(dataset);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"prompt\": \"hello world!\", \"model\": \"sim-small\"}\n"
                   "{\"prompt\": \"hello world!\", \"model\": \"sim-small\"}\n"
                   "{\"prompt\": \"hello world!\", \"model\": \"sim-large\"}\n"
                   "{\"prompt\": \"hello world!\", \"model\": \"no-such-model\"}\n");
        file.close();
        const QString out = dir.filePath(u"records.jsonl"_s);
        const Result r = runPoolscope({u"run"_s, u"--dataset"_s, dataset, u"--max-tokens"_s, u"5"_s,
                                       u"--json"_s, u"--out"_s, out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // worst: small 2 × (19 × 400,000 + 5 × 1,600,000) = 31,200,000
        //        large 19 × 2,000,000 + 5 × 8,000,000 = 78,000,000 → 109,200,000 ≈ $0.00011 (up)
        // about (a quarter of 5 → 1 token): small 2 × 9,200,000 + large 46,000,000
        //        = 64,400,000 ≈ $0.000064
        QVERIFY2(r.err.contains("estimate: 4 requests, ~76 prompt tokens, about $0.000064, at most "
                                "$0.00011 if every answer uses max tokens, for the 3 with a price; "
                                "cost UNKNOWN for 1 request, no price for model "
                                "\"no-such-model\" (1)\n"),
                 r.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
        // billed: small 2 × (3 × 400,000 + 5 × 1,600,000) = 18,400,000
        //         large 3 × 2,000,000 + 5 × 8,000,000 = 46,000,000 → 64,400,000 pico
        QCOMPARE(summary.value(u"cost_usd"_s).toDouble(), 0.0000644);
        QCOMPARE(summary.value(u"cost_unknown_requests"_s).toInt(), 1);
        const QJsonArray byModel = summary.value(u"cost_by_model"_s).toArray();
        QCOMPARE(byModel.size(), 3);
        const QJsonObject unknown = byModel[0].toObject();
        QCOMPARE(unknown.value(u"model"_s).toString(), u"no-such-model"_s);
        QVERIFY(unknown.value(u"cost_usd"_s).isNull()); // unknown, never $0
        QCOMPARE(unknown.value(u"cost_unknown_requests"_s).toInt(), 1);
        const QJsonObject large = byModel[1].toObject();
        QCOMPARE(large.value(u"model"_s).toString(), u"sim-large"_s);
        QCOMPARE(large.value(u"cost_pico_usd"_s).toInteger(), 46000000);
        const QJsonObject small = byModel[2].toObject();
        QCOMPARE(small.value(u"model"_s).toString(), u"sim-small"_s);
        QCOMPARE(small.value(u"requests"_s).toInt(), 2);
        QCOMPARE(small.value(u"cost_pico_usd"_s).toInteger(), 18400000);
        QCOMPARE(small.value(u"tokens"_s).toObject().value(u"prompt"_s).toInt(), 6);
        QCOMPARE(small.value(u"tokens"_s).toObject().value(u"completion"_s).toInt(), 10);

        QFile records(out);
        QVERIFY(records.open(QIODevice::ReadOnly));
        QMap<QString, QJsonValue> costByModel;
        while (!records.atEnd()) {
            const QJsonObject record = QJsonDocument::fromJson(records.readLine()).object();
            costByModel.insert(record.value(u"model"_s).toString(), record.value(u"cost_usd"_s));
        }
        QCOMPARE(costByModel.size(), 3);
        QCOMPARE(costByModel.value(u"sim-small"_s).toDouble(), 0.0000092); // 9,200,000 pico
        QCOMPARE(costByModel.value(u"sim-large"_s).toDouble(), 0.000046);
        QVERIFY(costByModel.value(u"no-such-model"_s).isNull());
    }

    void estimateNamesUnknownPricesEvenWhenQuiet() {
        const Result r = runPoolscope({u"run"_s, u"--prompt"_s, u"hi"_s, u"--requests"_s, u"4"_s,
                                       u"--model"_s, u"mystery"_s, u"--quiet"_s, u"--json"_s});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("estimate: 4 requests, ~68 prompt tokens; cost UNKNOWN for 4 "
                                "requests, no price for model \"mystery\" (4)"),
                 r.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(summary.value(u"cost_unknown_requests"_s).toInt(), 4);
        const QJsonObject row = summary.value(u"cost_by_model"_s).toArray().first().toObject();
        QCOMPARE(row.value(u"model"_s).toString(), u"mystery"_s);
        QVERIFY(row.value(u"cost_usd"_s).isNull());
        QCOMPARE(row.value(u"cost_unknown_requests"_s).toInt(), 4);
    }

    void estimateWarnsWhenTheWorstCasePassesTheBudget() {
        // sim-small, 19 estimated prompt tokens and at most 5 out: 15,600,000 pico a request in
        // the worst case, $0.000156 for 10. A budget of $0.0001 lets 6 start (93,600,000); the
        // 7th would pass it (109,200,000), so the run stops there with exit 3.
        const Result r =
            runPoolscope({u"run"_s, u"--prompt"_s, u"hello world!"_s, u"--requests"_s, u"10"_s,
                          u"--max-tokens"_s, u"5"_s, u"--budget"_s, u"0.0001"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("estimate: 10 requests, ~190 prompt tokens, about $0.000092, at "
                                "most $0.00016 if every answer uses max tokens; the worst case "
                                "passes the --budget of $0.00010"),
                 r.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(summary.value(u"stopped"_s).toString(), u"budget"_s);
        QCOMPARE(summary.value(u"requests"_s).toInt(), 6);
    }

    void timeSeriesHasOneRowPerSecond() {
        QTemporaryDir dir;
        const QString csv = dir.filePath(u"series.csv"_s);
        const Result r =
            runPoolscope({u"run"_s, u"--prompt"_s, u"hi"_s, u"--requests"_s, u"60"_s, u"--rate"_s,
                          u"25"_s, u"--timeseries"_s, csv, u"--quiet"_s, u"--seed"_s, u"3"_s});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QVERIFY(lines.first().startsWith("second,wall_clock_ms,completed"));
        QVERIFY2(lines.size() >= 3 && lines.size() <= 6, qPrintable(QString::number(lines.size())));
        int completed = 0;
        for (const QByteArray& line : lines.mid(1))
            completed += line.split(',').at(2).toInt();
        QCOMPARE(completed, 60); // every request lands in exactly one second
    }

    void resumeAfterKillNineLosesAndRepeatsNothing() {
        QTemporaryDir dir;
        const QString out = dir.filePath(u"records.jsonl"_s);
        const QStringList common{u"run"_s, u"--prompt"_s, u"hi"_s, u"--requests"_s,
                                 u"80"_s,  u"--out"_s,    out,     u"--quiet"_s};
        QProcess first;
        first.start(kBinary, common + QStringList{u"--concurrency"_s, u"2"_s, u"--sim-scenario"_s,
                                                  u"typical-cloud"_s});
        QVERIFY(first.waitForStarted());
        auto recordsInFile = [&out] {
            QFile file(out);
            if (!file.open(QIODevice::ReadOnly))
                return 0;
            return int(file.readAll().count('\n'));
        };
        QTRY_VERIFY_WITH_TIMEOUT(recordsInFile() >= 6, 30000);
        first.kill(); // SIGKILL: no chance to clean up
        QVERIFY(first.waitForFinished());
        const int before = recordsInFile();
        QVERIFY2(before < 80, qPrintable(QString::number(before)));

        const Result resumed =
            runPoolscope(common + QStringList{u"--resume"_s, u"--concurrency"_s, u"16"_s});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QVERIFY(resumed.err.contains("already in"));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QMap<QString, int> seen;
        while (!file.atEnd()) {
            const QByteArray line = file.readLine();
            QVERIFY2(line.endsWith('\n'), line.constData());
            const QJsonObject record = QJsonDocument::fromJson(line).object();
            QVERIFY2(!record.isEmpty(), line.constData());
            ++seen[record.value(u"index"_s).toString()];
        }
        QCOMPARE(seen.size(), 80);
        for (auto it = seen.begin(); it != seen.end(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
    }

    void interruptStopsCleanlyWithASummary() {
        QProcess process;
        process.start(kBinary, {u"run"_s, u"--prompt"_s, u"hi"_s, u"--requests"_s, u"500"_s,
                                u"--concurrency"_s, u"2"_s, u"--sim-scenario"_s, u"typical-cloud"_s,
                                u"--json"_s});
        QVERIFY(process.waitForStarted());
        QTest::qWait(1500);
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(15000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 3);
        const QJsonObject summary =
            QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        QCOMPARE(summary.value(u"stopped"_s).toString(), u"stopped"_s);
        QVERIFY(summary.value(u"requests"_s).toInt() < 500);
    }

    void prometheusScrapesTheMetricsPort() {
        const QString prometheus = QStandardPaths::findExecutable(u"prometheus"_s, {u"/usr/bin"_s});
        QVERIFY2(!prometheus.isEmpty(),
                 "prometheus is not installed (scripts/test.sh installs it)");
        QTemporaryDir dir;
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 metricsPort = probe.serverPort();
        probe.close();
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 prometheusPort = probe.serverPort();
        probe.close();

        QProcess run;
        run.start(kBinary,
                  {u"run"_s, u"--prompt"_s, u"hi"_s, u"--requests"_s, u"2000"_s, u"--rate"_s,
                   u"50"_s, u"--metrics-port"_s, QString::number(metricsPort), u"--quiet"_s});
        QVERIFY(run.waitForStarted());
        QFile config(dir.filePath(u"prometheus.yml"_s));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: poolscope\n"
                     "    static_configs:\n      - targets: ['127.0.0.1:" +
                     QByteArray::number(metricsPort) + "']\n");
        config.close();
        QProcess server;
        server.start(prometheus,
                     {u"--config.file="_s + config.fileName(),
                      u"--storage.tsdb.path="_s + dir.filePath(u"data"_s),
                      u"--web.listen-address=127.0.0.1:"_s + QString::number(prometheusPort)});
        QVERIFY(server.waitForStarted());
        const QUrl query(u"http://127.0.0.1:"_s + QString::number(prometheusPort) +
                         u"/api/v1/query?query=poolscope_pool_max_connections"_s);
        QByteArray answer;
        for (int i = 0; i < 60 && !answer.contains("\"10\"]"); ++i) {
            QTest::qWait(500);
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, prometheusPort);
            if (!socket.waitForConnected(500))
                continue;
            socket.write("GET " + query.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority) +
                         " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
            answer.clear();
            while (socket.waitForReadyRead(1000))
                answer += socket.readAll();
        }
        server.terminate();
        server.waitForFinished(5000);
        run.kill();
        run.waitForFinished();
        // {"status":"success","data":{"resultType":"vector","result":[{"metric":{...},"value":[t,"10"]}]}}
        QVERIFY2(answer.contains("\"10\"]"), answer.constData());
        QVERIFY(answer.contains("poolscope"));
    }
};

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
