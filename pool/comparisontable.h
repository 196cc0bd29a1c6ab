#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace poolscope {

// One row of the "no pool vs pool" table of the httpx article.
struct ComparisonRow {
    QString label;
    double avgMs = 0, p50Ms = 0, p95Ms = 0;
    double successRate = 0; // 0 … 1
    double throughputRps = 0;
    double cpuMsPerRequest = 0;
    qint64 connectionsOpened = 0;

    // From a run summary (the JSON of DESIGN.md) and the CPU seconds the run took.
    static ComparisonRow fromSummary(const QString& label, const QJsonObject& summary,
                                     double cpuSeconds);
};

QString comparisonMarkdown(const QList<ComparisonRow>& rows);
QString comparisonCsv(const QList<ComparisonRow>& rows);

// CPU seconds (user + system) this process has used so far.
double processCpuSeconds();

} // namespace poolscope
