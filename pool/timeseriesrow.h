#pragma once

#include <QMetaType>
#include <QString>
#include <QtGlobal>

namespace poolscope {

// One second of a run: what finished in it, and the pool's gauges at its end.
struct TimeSeriesRow {
    qint64 second = 0;      // since the run started
    qint64 wallClockMs = 0; // UTC, for joining with other monitoring
    int completed = 0;
    int succeeded = 0;
    int failed = 0;
    int retries = 0;
    qint64 outputTokens = 0;
    double e2eP50Ms = -1, e2eP95Ms = -1, e2eP99Ms = -1;
    double ttftP50Ms = -1, ttftP95Ms = -1;
    double queueP95Ms = -1;
    int active = 0, idle = 0, pending = 0, total = 0, max = 0;
    quint64 connectionsOpened = 0;
    double costUsdTotal = 0;

    static QString csvHeader();
    QString toCsv() const;
};

} // namespace poolscope

Q_DECLARE_METATYPE(poolscope::TimeSeriesRow)
