#pragma once

#include "batchrunner.h"
#include "endpoint.h"
#include "poolconfig.h"
#include "pricetable.h"
#include "simconfig.h"

#include <QString>
#include <QStringList>

#include <limits>
#include <optional>

namespace poolscope::cli {

// Everything `poolscope run` was asked to do, validated.
struct RunInvocation {
    Endpoint endpoint;
    PoolConfig poolConfig;
    RunOptions runOptions;
    PriceTable prices;
    bool useSimulator = false;
    sim::SimConfig simConfig;
    QString simScenario;
    QString datasetPath;
    QString prompt = QStringLiteral("Say hello.");
    int requests = 1;
    QString model;
    bool stream = false;
    int maxTokens = -1;
    double temperature = std::numeric_limits<double>::quiet_NaN();
    QString outPath;
    bool resume = false;
    QString summaryPath;
    QString timeSeriesPath;
    int metricsPort = -1; // -1: off; 0: a free port
    bool json = false;
    bool quiet = false;
};

// Parses the arguments after "run". Returns nothing with *error set on bad usage, or nothing
// with an empty *error when --help was printed.
std::optional<RunInvocation> parseRunOptions(const QStringList& arguments, QString* error);

} // namespace poolscope::cli
