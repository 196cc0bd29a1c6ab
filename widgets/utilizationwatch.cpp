#include "utilizationwatch.h"

namespace poolscope {

bool UtilizationWatch::update(qint64 takenAtUs, double utilization) {
    m_lastUs = takenAtUs;
    const bool wasWarning = m_warning;
    if (utilization > m_threshold) {
        if (m_aboveSinceUs < 0)
            m_aboveSinceUs = takenAtUs;
        m_warning = takenAtUs - m_aboveSinceUs >= m_holdUs;
    } else {
        m_aboveSinceUs = -1;
        m_warning = false;
    }
    return m_warning != wasWarning;
}

void UtilizationWatch::clear() {
    m_aboveSinceUs = -1;
    m_lastUs = 0;
    m_warning = false;
}

} // namespace poolscope
