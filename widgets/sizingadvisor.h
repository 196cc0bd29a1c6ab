#pragma once

#include <QCoreApplication>
#include <QString>

namespace poolscope {

// What the advisor knows about the pool and its load.
struct SizingInput {
    double observedRatePerS = 0; // requests finished per second, recently
    double meanHoldS = -1;       // mean time one request holds a connection (s); < 0 unknown
    double targetRatePerS = 0;   // the rate the person wants to sustain
    int maxConnections = 0;
    double rateLimitRpm = 0;       // the client-side limiter (0: off)
    double rateLimitHeadroom = -1; // remaining / limit from the server's headers; -1 unknown
};

enum class SizingVerdict { Unknown, TooSmall, AboutRight, LargerThanUseful };

struct SizingAdvice {
    SizingVerdict verdict = SizingVerdict::Unknown;
    double effectiveRatePerS = 0;   // the target, capped by rate limits
    double connectionsNeeded = 0;   // Little's law: rate × mean hold time
    int recommendedMax = 0;         // needed plus headroom for bursts
    double utilizationAtTarget = 0; // needed / max
    QString reasoning;              // plain words, for the person
};

// Pool sizing from the real load rather than guesses (HikariCP's advice), by Little's law:
// the connections busy on average equal the arrival rate times the time each request holds
// one. Pure logic so tests can pin each verdict to numbers.
class SizingAdvisor {
    Q_DECLARE_TR_FUNCTIONS(poolscope::SizingAdvisor)
public:
    // A pool above this average utilization queues on ordinary bursts (the 90% warning line).
    static constexpr double kTightUtilization = 0.9;
    // The recommended size keeps average utilization at 80%: needed × 1.25.
    static constexpr double kHeadroomFactor = 1.25;
    // The server's rate limit counts as used up below this fraction remaining.
    static constexpr double kLowHeadroom = 0.1;

    static SizingAdvice advise(const SizingInput& input);
    static QString verdictText(SizingVerdict verdict);
};

} // namespace poolscope
