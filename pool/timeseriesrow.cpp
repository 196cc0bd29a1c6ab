#include "timeseriesrow.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {
QString ms(double value) {
    return value < 0 ? QString() : QString::number(value, 'f', 3);
}
} // namespace

QString TimeSeriesRow::csvHeader() {
    return u"second,wall_clock_ms,completed,succeeded,failed,retries,output_tokens,"
           u"e2e_p50_ms,e2e_p95_ms,e2e_p99_ms,ttft_p50_ms,ttft_p95_ms,queue_p95_ms,"
           u"active,idle,pending,total,max,connections_opened,cost_usd_total"_s;
}

QString TimeSeriesRow::toCsv() const {
    return QStringList{QString::number(second),
                       QString::number(wallClockMs),
                       QString::number(completed),
                       QString::number(succeeded),
                       QString::number(failed),
                       QString::number(retries),
                       QString::number(outputTokens),
                       ms(e2eP50Ms),
                       ms(e2eP95Ms),
                       ms(e2eP99Ms),
                       ms(ttftP50Ms),
                       ms(ttftP95Ms),
                       ms(queueP95Ms),
                       QString::number(active),
                       QString::number(idle),
                       QString::number(pending),
                       QString::number(total),
                       QString::number(max),
                       QString::number(connectionsOpened),
                       QString::number(costUsdTotal, 'f', 9)}
        .join(u',');
}

} // namespace poolscope
