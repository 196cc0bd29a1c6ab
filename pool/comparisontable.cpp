#include "comparisontable.h"

#include <QStringList>

#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace poolscope {

ComparisonRow ComparisonRow::fromSummary(const QString& label, const QJsonObject& summary,
                                         double cpuSeconds) {
    ComparisonRow row;
    row.label = label;
    const QJsonObject latency = summary.value(u"latency_ms"_s).toObject();
    row.avgMs = latency.value(u"mean"_s).toDouble();
    row.p50Ms = latency.value(u"p50"_s).toDouble();
    row.p95Ms = latency.value(u"p95"_s).toDouble();
    const double requests = summary.value(u"requests"_s).toDouble();
    row.successRate = requests > 0 ? summary.value(u"succeeded"_s).toDouble() / requests : 0.0;
    row.throughputRps = summary.value(u"throughput_rps"_s).toDouble();
    row.cpuMsPerRequest = requests > 0 ? cpuSeconds * 1000.0 / requests : 0.0;
    row.connectionsOpened =
        summary.value(u"pool"_s).toObject().value(u"connections_opened"_s).toInteger();
    return row;
}

namespace {
QStringList cells(const ComparisonRow& r) {
    return {r.label,
            QString::number(r.avgMs, 'f', 1),
            QString::number(r.p50Ms, 'f', 1),
            QString::number(r.p95Ms, 'f', 1),
            QString::number(r.successRate * 100.0, 'f', 1),
            QString::number(r.throughputRps, 'f', 1),
            QString::number(r.cpuMsPerRequest, 'f', 3),
            QString::number(r.connectionsOpened)};
}
const QStringList kHeader{u"client"_s,
                          u"avg latency (ms)"_s,
                          u"p50 (ms)"_s,
                          u"p95 (ms)"_s,
                          u"success (%)"_s,
                          u"throughput (req/s)"_s,
                          u"CPU per request (ms)"_s,
                          u"connections opened"_s};
} // namespace

QString comparisonMarkdown(const QList<ComparisonRow>& rows) {
    QString out = u"| "_s + kHeader.join(u" | "_s) + u" |\n|"_s;
    for (qsizetype i = 0; i < kHeader.size(); ++i)
        out += i == 0 ? u"---|"_s : u"---:|"_s;
    out += u'\n';
    for (const ComparisonRow& row : rows)
        out += u"| "_s + cells(row).join(u" | "_s) + u" |\n"_s;
    return out;
}

QString comparisonCsv(const QList<ComparisonRow>& rows) {
    auto quote = [](QString cell) {
        if (cell.contains(u',') || cell.contains(u'"') || cell.contains(u'\n'))
            cell = u'"' + cell.replace(u"\""_s, u"\"\""_s) + u'"';
        return cell;
    };
    QStringList header;
    for (const QString& h : kHeader)
        header.append(quote(h));
    QString out = header.join(u',') + u'\n';
    for (const ComparisonRow& row : rows) {
        QStringList line;
        for (const QString& cell : cells(row))
            line.append(quote(cell));
        out += line.join(u',') + u'\n';
    }
    return out;
}

double processCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace poolscope
