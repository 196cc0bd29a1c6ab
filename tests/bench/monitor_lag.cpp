// Benchmark, not a test: how late the GUI thread's event loop runs while the monitor page, with
// every chart visible, takes 1,000 finished requests a second (in 10 batches, as RecordFeed
// delivers them) and 10 pool snapshots a second.
//   monitor_lag [seconds] [requests_per_second]   (run under xvfb-run for a real window)
// Prints the lag of a 5 ms timer — how much later than asked it fires — as p50 / p99 / max, and
// the process's CPU time over the measured span (user + system, % of one core): lag depends on
// how busy the host is, CPU time much less so, which makes it the figure to compare changes by.
#include "latencyhistogram.h"
#include "monotonicclock.h"
#include "poolmonitorpage.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>

#include <cstdio>
#include <random>
#include <sys/resource.h>

using namespace poolscope;
using namespace Qt::StringLiterals;

namespace {
double processCpuS() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}
} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 30;
    const int rate = argc > 2 ? std::atoi(argv[2]) : 1000;

    PoolMonitorPage page;
    page.resize(1600, 1000);
    page.setPoolLimits(64, 0);
    page.show();

    std::mt19937_64 random(1);
    std::lognormal_distribution<double> e2e(std::log(800000.0), 0.4);
    quint64 nextId = 1;
    PoolSnapshot snapshot;
    snapshot.max = 64;

    QTimer feed;
    feed.setTimerType(Qt::PreciseTimer);
    QObject::connect(&feed, &QTimer::timeout, &page, [&] {
        const qint64 now = monotonicNowUs();
        QList<RequestRecord> batch;
        for (int i = 0; i < rate / 10; ++i) {
            RequestRecord r;
            r.id = nextId++;
            r.requestId = u"psr-bench-"_s + QString::number(r.id);
            r.ok = (r.id % 50) != 0;
            r.errorClass = r.ok ? ErrorClass::None : ErrorClass::RateLimited;
            r.httpStatus = r.ok ? 200 : 429;
            r.model = u"sim-small"_s;
            r.attempts = 1;
            r.connectionId = qint64(r.id % 64) + 1;
            r.reused = true;
            r.httpVersion = u"1.1"_s;
            r.streamed = true;
            const qint64 total = qint64(e2e(random));
            r.timeline.queuedAt = now - total;
            r.timeline.acquiredAt = r.timeline.queuedAt + 100;
            r.queueUs = 100;
            r.timeline.sentAt = r.timeline.acquiredAt + 50;
            r.timeline.headersAt = r.timeline.sentAt + total / 5;
            r.timeline.firstByteAt = r.timeline.headersAt;
            r.timeline.firstTokenAt = r.timeline.headersAt + 1000;
            r.timeline.lastTokenAt = now - 10;
            r.timeline.finishedAt = now;
            r.tokens.prompt = 20;
            r.tokens.completion = 48;
            r.costPicoUsd = 48 * 1600000LL + 20 * 400000LL;
            r.output = u"word "_s.repeated(48);
            batch.append(r);
        }
        page.addRecords(batch);
        snapshot.takenAtUs = now;
        snapshot.active = 60 + int(random() % 5);
        snapshot.idle = 64 - std::min(64, snapshot.active);
        snapshot.pending = int(random() % 20);
        snapshot.total = 64;
        snapshot.requestsFinished += quint64(batch.size());
        snapshot.connectionsOpened = 64;
        page.addSnapshot(snapshot);
    });

    LatencyHistogram lag;
    QElapsedTimer clock;
    qint64 expected = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, &page, [&] {
        const qint64 now = clock.nsecsElapsed() / 1000;
        if (expected > 0)
            lag.record(std::max<qint64>(0, now - expected));
        expected = now + 5000;
    });

    double cpuAtStartS = 0;
    QTimer::singleShot(2000, &page, [&] { // after the window settles
        clock.start();
        cpuAtStartS = processCpuS();
        feed.start(100);
        probe.start();
        QTimer::singleShot(seconds * 1000, &app, [&] {
            std::printf("monitor_lag rate=%d/s seconds=%d redraws=%d records=%llu lag_ms "
                        "p50=%.2f p99=%.2f max=%.2f cpu=%.1f%%\n",
                        rate, seconds, page.redrawCount(), (unsigned long long)(nextId - 1),
                        double(lag.percentile(50)) / 1000.0, double(lag.percentile(99)) / 1000.0,
                        double(lag.max()) / 1000.0,
                        100.0 * (processCpuS() - cpuAtStartS) / seconds);
            app.quit();
        });
    });
    return app.exec();
}
