#pragma once

#include "batchrunner.h"

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

// A short human-readable summary (the JSON has everything).
void printSummaryTable(const QJsonObject& summary, FILE* out);

} // namespace poolscope::cli
