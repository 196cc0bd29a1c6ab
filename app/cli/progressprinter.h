#pragma once

#include "batchrunner.h"
#include "costestimate.h"

#include <QJsonObject>

#include <cstdio>

namespace poolscope::cli {

// Progress of a run on standard error: a redrawn bar with rate and ETA on a terminal, a plain
// line every few seconds otherwise (logs, CI).
class ProgressPrinter {
public:
    explicit ProgressPrinter(bool quiet);
    void update(const RunProgress& progress);
    void finish();

private:
    bool m_quiet;
    bool m_terminal;
    double m_lastPlainLine = -1e9;
    bool m_drawn = false;
};

// The pre-flight line: "estimate: 300 requests, ~4,800 prompt tokens, about $0.0012, at most
// $0.0046 if every answer uses max tokens", then what the budget (USD, 0: none) will do.
QString estimateLine(const CostEstimate& estimate, double budgetUsd);

// A short human-readable summary (the JSON has everything).
void printSummaryTable(const QJsonObject& summary, FILE* out);

} // namespace poolscope::cli
