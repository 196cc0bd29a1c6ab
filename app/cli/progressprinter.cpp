#include "progressprinter.h"

#include "durationtext.h"

#include <QJsonArray>
#include <QString>
#include <QTextStream>

#include <cmath>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace poolscope::cli {

namespace {

QString statLine(const QJsonObject& summary, const QString& key, const QString& label) {
    const QJsonObject stats = summary.value(key).toObject();
    if (stats.value(u"p50"_s).isNull())
        return {};
    return QString::asprintf("  %-14s mean %9.1f  p50 %9.1f  p95 %9.1f  p99 %9.1f  max %9.1f\n",
                             qPrintable(label), stats.value(u"mean"_s).toDouble(),
                             stats.value(u"p50"_s).toDouble(), stats.value(u"p95"_s).toDouble(),
                             stats.value(u"p99"_s).toDouble(), stats.value(u"max"_s).toDouble());
}

} // namespace

ProgressPrinter::ProgressPrinter(bool quiet)
    : m_quiet(quiet)
    , m_terminal(::isatty(STDERR_FILENO) == 1) {}

void ProgressPrinter::update(const RunProgress& p) {
    if (m_quiet)
        return;
    const double rate = p.elapsedSeconds > 0 ? double(p.completed) / p.elapsedSeconds : 0.0;
    const double eta = rate > 0 ? double(p.total - p.completed) / rate : -1.0;
    const double fraction = p.total > 0 ? double(p.completed) / double(p.total) : 0.0;
    QTextStream err(stderr);
    if (m_terminal) {
        constexpr int width = 28;
        const int filled = int(fraction * width);
        const QString bar = QString(filled, u'#') + QString(width - filled, u'.');
        err << '\r' << '[' << bar << "] "
            << QString::asprintf("%lld/%lld %3.0f%%  %.1f req/s  ok %lld  failed %lld  "
                                 "in flight %d  ETA %s   ",
                                 p.completed, p.total, fraction * 100.0, rate, p.succeeded,
                                 p.failed, p.inFlight, qPrintable(durationText(eta)));
        err.flush();
        m_drawn = true;
        return;
    }
    if (p.elapsedSeconds - m_lastPlainLine < 2.0 && p.completed < p.total)
        return;
    m_lastPlainLine = p.elapsedSeconds;
    err << QString::asprintf("progress: %lld/%lld done (%.0f%%), %.1f req/s, ok %lld, failed "
                             "%lld, in flight %d, elapsed %s, ETA %s",
                             p.completed, p.total, fraction * 100.0, rate, p.succeeded, p.failed,
                             p.inFlight, qPrintable(durationText(p.elapsedSeconds)),
                             qPrintable(durationText(eta)))
        << Qt::endl;
}

void ProgressPrinter::finish() {
    if (m_drawn)
        std::fputc('\n', stderr);
    m_drawn = false;
}

QString estimateLine(const CostEstimate& estimate, double budgetUsd) {
    QString line = u"estimate: "_s + estimate.toText();
    if (budgetUsd > 0) {
        const qint64 budgetPico = std::llround(budgetUsd * 1e12);
        const QString budget = formatApproxUsd(budgetPico, UsdRounding::Nearest);
        if (estimate.pricedRequests() > 0 && estimate.worstCasePico > budgetPico)
            line += u"; the worst case passes the --budget of "_s + budget +
                    u": sending stops before spent plus in flight would pass it (exit 3)"_s;
        else if (estimate.pricedRequests() > 0)
            line += u"; within the --budget of "_s + budget;
        if (estimate.unknownPriceRequests > 0)
            line += u"; --budget cannot count the requests with no price"_s;
    }
    return line;
}

void printSummaryTable(const QJsonObject& summary, FILE* out) {
    QString text;
    const qint64 requests = summary.value(u"requests"_s).toInteger();
    const qint64 succeeded = summary.value(u"succeeded"_s).toInteger();
    text += QString::asprintf("requests %lld, succeeded %lld, failed %lld (%.1f%% success) in "
                              "%.2f s\n",
                              requests, succeeded, summary.value(u"failed"_s).toInteger(),
                              requests ? 100.0 * double(succeeded) / double(requests) : 0.0,
                              summary.value(u"duration_s"_s).toDouble());
    text += QString::asprintf("throughput %.1f req/s, %.1f output tokens/s\n",
                              summary.value(u"throughput_rps"_s).toDouble(),
                              summary.value(u"output_tokens_per_s"_s).toDouble());
    text += u"latency (ms)\n"_s;
    text += statLine(summary, u"latency_ms"_s, u"end to end"_s);
    text += statLine(summary, u"ttft_ms"_s, u"first token"_s);
    text += statLine(summary, u"itl_ms"_s, u"inter-token"_s);
    text += statLine(summary, u"queue_ms"_s, u"pool wait"_s);
    const QJsonObject pool = summary.value(u"pool"_s).toObject();
    text += QString::asprintf(
        "pool: max %lld, connections opened %lld, requests on reused connections %lld, "
        "acquire timeouts %lld, leaks %lld\n",
        pool.value(u"max_connections"_s).toInteger(),
        pool.value(u"connections_opened"_s).toInteger(),
        pool.value(u"requests_on_reused_connections"_s).toInteger(),
        pool.value(u"acquire_timeouts"_s).toInteger(), pool.value(u"leaks"_s).toInteger());
    const QJsonObject tokens = summary.value(u"tokens"_s).toObject();
    text += QString::asprintf(
        "tokens: prompt %lld, completion %lld; cost $%.6f", tokens.value(u"prompt"_s).toInteger(),
        tokens.value(u"completion"_s).toInteger(), summary.value(u"cost_usd"_s).toDouble());
    const qint64 unknown = summary.value(u"cost_unknown_requests"_s).toInteger();
    if (unknown > 0)
        text += QString::asprintf(" (+ unknown: %lld requests have no price)", unknown);
    text += u'\n';
    const QJsonArray byModel = summary.value(u"cost_by_model"_s).toArray();
    if (byModel.size() > 1 || unknown > 0) {
        for (const QJsonValue& value : byModel) {
            const QJsonObject row = value.toObject();
            const QString profile = row.value(u"profile"_s).toString();
            const QJsonValue cost = row.value(u"cost_pico_usd"_s); // exact; null: unknown
            const qint64 rowUnknown = row.value(u"cost_unknown_requests"_s).toInteger();
            text += u"  "_s + (profile.isEmpty() ? QString() : profile + u" / "_s) +
                    row.value(u"model"_s).toString() +
                    QString::asprintf(": %lld requests, ", row.value(u"requests"_s).toInteger()) +
                    (cost.isDouble() ? formatApproxUsd(cost.toInteger(), UsdRounding::Nearest)
                                     : u"cost UNKNOWN"_s) +
                    (rowUnknown > 0 && cost.isDouble()
                         ? QString::asprintf(" (+ %lld with no price)", rowUnknown)
                         : QString()) +
                    u'\n';
        }
    }
    const QJsonObject errors = summary.value(u"errors"_s).toObject();
    if (!errors.isEmpty()) {
        text += u"errors:"_s;
        for (auto it = errors.begin(); it != errors.end(); ++it)
            text += u' ' + it.key() + u'=' + QString::number(it.value().toInteger());
        text += u'\n';
    }
    if (summary.value(u"stopped"_s).isString())
        text += u"stopped early: "_s + summary.value(u"stopped"_s).toString() + u'\n';
    QTextStream(out) << text;
}

} // namespace poolscope::cli
