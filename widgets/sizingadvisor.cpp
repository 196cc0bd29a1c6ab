#include "sizingadvisor.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

namespace {

QString number(double value, int decimals = 1) {
    return QString::number(value, 'f', decimals);
}

} // namespace

QString SizingAdvisor::verdictText(SizingVerdict verdict) {
    switch (verdict) {
    case SizingVerdict::Unknown:
        return tr("not enough data");
    case SizingVerdict::TooSmall:
        return tr("too small");
    case SizingVerdict::AboutRight:
        return tr("about right");
    case SizingVerdict::LargerThanUseful:
        return tr("larger than useful");
    }
    return {};
}

SizingAdvice SizingAdvisor::advise(const SizingInput& input) {
    SizingAdvice advice;
    if (input.meanHoldS <= 0) {
        advice.reasoning = tr("No request has finished yet, so the time a request holds a "
                              "connection is unknown. Send some traffic first.");
        return advice;
    }
    if (input.targetRatePerS <= 0) {
        advice.reasoning = tr("Set a target rate above zero to size the pool for it.");
        return advice;
    }
    if (input.maxConnections <= 0) {
        advice.reasoning = tr("The pool's maximum size is not known yet.");
        return advice;
    }

    QStringList notes;
    double rate = input.targetRatePerS;
    if (input.rateLimitRpm > 0 && rate > input.rateLimitRpm / 60.0) {
        rate = input.rateLimitRpm / 60.0;
        notes << tr("The client rate limit (%1 requests/min) caps the rate at %2 req/s, below "
                    "the target of %3 req/s; connections beyond what %2 req/s needs would wait "
                    "on the limiter, not carry traffic.")
                     .arg(number(input.rateLimitRpm, 0), number(rate),
                          number(input.targetRatePerS));
    }
    if (input.rateLimitHeadroom >= 0 && input.rateLimitHeadroom < kLowHeadroom &&
        input.observedRatePerS > 0 && rate > input.observedRatePerS) {
        rate = input.observedRatePerS;
        notes << tr("The server reports only %1% of its rate limit left, so it will not accept "
                    "much more than the observed %2 req/s; more connections would bring 429s, "
                    "not throughput.")
                     .arg(number(input.rateLimitHeadroom * 100.0, 0), number(rate));
    }

    advice.effectiveRatePerS = rate;
    advice.connectionsNeeded = rate * input.meanHoldS;
    advice.recommendedMax =
        std::max(1, int(std::ceil(advice.connectionsNeeded * kHeadroomFactor - 1e-9)));
    advice.utilizationAtTarget = advice.connectionsNeeded / double(input.maxConnections);

    const QString little =
        tr("At %1 req/s, each request holds a connection for %2 s on average, "
           "so about %3 connections are busy at once (Little's law: "
           "%1 × %2 = %3).")
            .arg(number(rate), number(input.meanHoldS, 2), number(advice.connectionsNeeded));
    const int max = input.maxConnections;
    const int rec = advice.recommendedMax;
    const QString utilization = number(advice.utilizationAtTarget * 100.0, 0);
    QString verdict;
    if (advice.utilizationAtTarget > kTightUtilization) {
        advice.verdict = SizingVerdict::TooSmall;
        verdict = tr("The pool allows %1, which would run it at %2% on average: requests will "
                     "queue for a connection, and above 100% the queue grows without bound. "
                     "Raise max connections to about %3.")
                      .arg(max)
                      .arg(utilization)
                      .arg(rec);
    } else if (max > std::max(2 * rec, rec + 4)) {
        advice.verdict = SizingVerdict::LargerThanUseful;
        verdict = tr("The pool allows %1, so about %2 of them would sit idle (%3% average "
                     "utilization). Idle connections hold server slots and, over HTTP/1.1, each "
                     "new one pays a TCP and TLS setup. About %4 is enough.")
                      .arg(max)
                      .arg(max - rec)
                      .arg(utilization)
                      .arg(rec);
    } else {
        advice.verdict = SizingVerdict::AboutRight;
        verdict = tr("The pool allows %1, %2% average utilization, which leaves room for "
                     "bursts.")
                      .arg(max)
                      .arg(utilization);
        if (max < rec)
            verdict += u' ' + tr("Bursts above the mean will queue briefly; %1 would keep "
                                 "utilization near 80%.")
                                  .arg(rec);
    }
    notes << little << verdict;
    advice.reasoning = notes.join(u' ');
    return advice;
}

} // namespace poolscope
