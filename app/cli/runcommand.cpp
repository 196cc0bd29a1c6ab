#include "runcommand.h"

#include "batchrunner.h"
#include "connectionpool.h"
#include "dataset.h"
#include "descriptorbudget.h"
#include "exitcodes.h"
#include "interruptwatcher.h"
#include "metricsexporter.h"
#include "poolhost.h"
#include "profile.h"
#include "progressprinter.h"
#include "resultfile.h"
#include "runoptionsparser.h"
#include "simulatorthread.h"
#include "threadsharing.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace poolscope::cli {

namespace {

void printError(const QString& message) {
    QTextStream(stderr) << "poolscope run: " << message << Qt::endl;
}

bool writeJsonFile(const QString& path, const QJsonObject& json, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = u"cannot write "_s + path + u": "_s + file.errorString();
        return false;
    }
    file.write(QJsonDocument(json).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        *error = u"cannot write "_s + path + u": "_s + file.errorString();
        return false;
    }
    return true;
}

} // namespace

int runCommand(const QStringList& arguments) {
    QString error;
    std::optional<RunInvocation> parsed = parseRunOptions(arguments, &error);
    if (!parsed) {
        if (!error.isEmpty())
            printError(error + u"\n(see poolscope run --help)"_s);
        return error.isEmpty() ? ExitOk : ExitUsage;
    }
    RunInvocation run = *parsed;

    // The work list: a dataset, or one prompt repeated.
    QList<ChatRequest> work;
    if (!run.datasetPath.isEmpty()) {
        const Dataset dataset = loadDataset(run.datasetPath);
        if (!dataset.fileError.isEmpty()) {
            printError(dataset.fileError);
            return ExitUsage;
        }
        if (!dataset.errors.isEmpty()) {
            for (const DatasetError& bad : dataset.errors.mid(0, 20))
                printError(run.datasetPath + u": "_s + bad.toString());
            if (dataset.errors.size() > 20)
                printError(QString::number(dataset.errors.size() - 20) + u" more bad lines"_s);
            printError(u"nothing was sent; fix the lines above and run again"_s);
            return ExitUsage;
        }
        for (const DatasetItem& item : dataset.items)
            work.append(item.request);
    } else {
        // Every copy shares the one message list (implicit sharing): a million requests cost
        // their index and little else.
        ChatRequest repeated;
        repeated.messages.append({u"user"_s, run.prompt});
        work.reserve(run.requests);
        for (int i = 0; i < run.requests; ++i) {
            ChatRequest request = repeated;
            request.index = QString::number(i);
            work.append(std::move(request));
        }
    }
    for (ChatRequest& request : work) {
        if (!run.model.isEmpty() && request.model.isEmpty())
            request.model = run.model;
        if (request.model.isEmpty())
            request.model = run.endpoint.model;
        request.stream = run.stream;
        if (run.maxTokens >= 0 && request.maxTokens < 0)
            request.maxTokens = run.maxTokens;
        if (!std::isnan(run.temperature) && std::isnan(request.temperature))
            request.temperature = run.temperature;
    }

    ResultFile results;
    if (!run.outPath.isEmpty()) {
        if (run.resume) {
            const QSet<QString> done = ResultFile::completedIndices(run.outPath, &error);
            if (!error.isEmpty()) {
                printError(error);
                return ExitUsage;
            }
            const qsizetype before = work.size();
            work.removeIf([&done](const ChatRequest& r) { return done.contains(r.index); });
            QTextStream(stderr) << "resume: " << (before - work.size()) << " requests already in "
                                << run.outPath << ", " << work.size() << " to go" << Qt::endl;
        }
        if (!results.open(run.outPath, run.resume, &error)) {
            printError(error);
            return ExitUsage;
        }
    }

    // What the work may cost, before any of it is sent. Loud news (no price, over budget) is
    // printed even with --quiet.
    const CostEstimate estimate = estimateCost(work, run.prices, run.endpoint.model, run.maxTokens);
    const bool overBudget = run.runOptions.budgetUsd > 0 && estimate.pricedRequests() > 0 &&
                            estimate.worstCasePico > std::llround(run.runOptions.budgetUsd * 1e12);
    if (!run.quiet || estimate.unknownPriceRequests > 0 || overBudget)
        QTextStream(stderr) << estimateLine(estimate, run.runOptions.budgetUsd) << Qt::endl;

    // With no server named, the built-in simulator answers on loopback.
    std::unique_ptr<sim::SimulatorThread> simulator;
    if (run.useSimulator) {
        simulator = std::make_unique<sim::SimulatorThread>();
        if (!simulator->start(run.simConfig, 0, &error)) {
            printError(u"cannot start the built-in simulator: "_s + error);
            return ExitUsage;
        }
        run.endpoint.baseUrl = simulator->baseUrl();
        run.endpoint.name = Profile::simulatorName(); // per-profile totals name it
        if (!run.quiet)
            QTextStream(stderr) << "using the built-in simulator at "
                                << simulator->baseUrl().toString() << " (scenario "
                                << run.simScenario << ")" << Qt::endl;
    }

    QFile timeSeries(run.timeSeriesPath);
    if (!run.timeSeriesPath.isEmpty()) {
        if (!timeSeries.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
            printError(u"cannot write "_s + run.timeSeriesPath + u": "_s +
                       timeSeries.errorString());
            return ExitUsage;
        }
        timeSeries.write((TimeSeriesRow::csvHeader() + u'\n').toUtf8());
        timeSeries.flush();
    }
    MetricsExporter metrics;
    if (run.metricsPort >= 0) {
        if (!metrics.listen(QHostAddress::LocalHost, quint16(run.metricsPort), &error)) {
            printError(error);
            return ExitUsage;
        }
        QTextStream(stderr) << "Prometheus metrics at http://127.0.0.1:" << metrics.port()
                            << "/metrics" << Qt::endl;
    }

    // Each connection costs descriptors; past the limit connects fail with "Too many open
    // files". Raise the soft limit, and if the pool still would not fit, cap it so that the
    // surplus waits in the pool's queue instead of failing.
    const DescriptorBudget descriptors = raiseDescriptorLimit();
    const int requested = run.poolConfig.maxConnections;
    const int perThread = connectionsPerThread(run.poolConfig, run.endpoint.baseUrl);
    if (descriptors.capToFit(run.poolConfig, run.useSimulator, perThread))
        QTextStream(stderr) << "poolscope run: --max-connections " << requested << " needs about "
                            << descriptors.needed(requested, run.useSimulator, perThread)
                            << " file descriptors and this process may open " << descriptors.limit
                            << " (ulimit -n; the hard limit is " << descriptors.hardLimit
                            << "): using at most " << run.poolConfig.maxConnections
                            << " connections, the other requests wait in the pool's queue"
                            << Qt::endl;

    PoolHost host(run.endpoint, run.poolConfig);
    auto* runner = new BatchRunner(host.pool(), work, run.runOptions, run.prices);
    runner->moveToThread(host.thread());

    ProgressPrinter printer(run.quiet);
    int exitCode = ExitOk;
    QJsonObject summary;
    QString writeError;
    QObject context;
    if (!run.outPath.isEmpty()) { // records cross to this thread only when someone wants them
        QObject::connect(runner, &BatchRunner::recordReady, &context,
                         [&](const RequestRecord& record) {
                             if (!run.outPath.isEmpty() && writeError.isEmpty() &&
                                 !results.write(record, &writeError))
                                 printError(writeError);
                         });
    }
    if (run.metricsPort >= 0) {
        QObject::connect(runner, &BatchRunner::recordReady, &metrics, &MetricsExporter::addRecord);
        QObject::connect(host.pool(), &ConnectionPool::snapshotReady, &metrics,
                         &MetricsExporter::updateSnapshot);
    }
    if (timeSeries.isOpen()) {
        QObject::connect(runner, &BatchRunner::secondClosed, &context,
                         [&timeSeries](const TimeSeriesRow& row) {
                             timeSeries.write((row.toCsv() + u'\n').toUtf8());
                             timeSeries.flush();
                         });
    }
    QObject::connect(runner, &BatchRunner::progressed, &context,
                     [&](const RunProgress& progress) { printer.update(progress); });
    QObject::connect(runner, &BatchRunner::finished, &context,
                     [&](const QJsonObject& json, int runEnd) {
                         summary = json;
                         printer.finish();
                         if (runEnd != int(RunEnd::Completed))
                             exitCode = ExitStopped;
                         else if (json.value(u"failed"_s).toInteger() > 0)
                             exitCode = ExitSomeFailed;
                         QCoreApplication::quit();
                     });

    InterruptWatcher interrupts;
    QObject::connect(&interrupts, &InterruptWatcher::interrupted, &context, [&](int count) {
        if (count == 1) {
            QTextStream(stderr) << "\nstopping: in-flight requests are cancelled; the summary "
                                   "is still written (Ctrl+C again to quit at once)"
                                << Qt::endl;
            QMetaObject::invokeMethod(runner, &BatchRunner::stop, Qt::QueuedConnection);
        } else {
            std::_Exit(ExitStopped);
        }
    });

    QMetaObject::invokeMethod(runner, &BatchRunner::start, Qt::QueuedConnection);
    QCoreApplication::exec();
    QMetaObject::invokeMethod(
        runner, [runner] { delete runner; }, Qt::BlockingQueuedConnection);
    results.close();

    if (!writeError.isEmpty())
        exitCode = ExitSomeFailed;
    if (!run.summaryPath.isEmpty() && !writeJsonFile(run.summaryPath, summary, &error)) {
        printError(error);
        exitCode = std::max(exitCode, int(ExitSomeFailed));
    }
    if (run.json)
        QTextStream(stdout) << QJsonDocument(summary).toJson(QJsonDocument::Indented);
    else
        printSummaryTable(summary, stdout);
    return exitCode;
}

} // namespace poolscope::cli
