#pragma once

#include <QtGlobal>

namespace poolscope {

// Decides when the "pool nearly exhausted" warning shows: utilization has stayed above the
// threshold (HikariCP's 90%) for a hold time, so one busy instant does not flash a banner.
// Time comes from the snapshots' own timestamps, never from a wall clock.
class UtilizationWatch {
public:
    explicit UtilizationWatch(double threshold = 0.9, qint64 holdUs = 3'000'000)
        : m_threshold(threshold)
        , m_holdUs(holdUs) {}

    // Returns true when the warning state changed.
    bool update(qint64 takenAtUs, double utilization);
    void clear();

    bool isWarning() const { return m_warning; }
    double threshold() const { return m_threshold; }
    qint64 holdUs() const { return m_holdUs; }
    // How long utilization has been above the threshold (0 when it is not).
    qint64 aboveForUs() const { return m_aboveSinceUs >= 0 ? m_lastUs - m_aboveSinceUs : 0; }

private:
    double m_threshold;
    qint64 m_holdUs;
    qint64 m_aboveSinceUs = -1;
    qint64 m_lastUs = 0;
    bool m_warning = false;
};

} // namespace poolscope
