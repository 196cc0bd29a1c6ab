#include "durationtext.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace poolscope {

QString durationText(double seconds) {
    if (seconds < 0 || !std::isfinite(seconds))
        return u"--"_s;
    const qint64 s = qint64(seconds + 0.5);
    if (s >= 3600)
        return QString::asprintf("%lldh %02lldm", s / 3600, (s % 3600) / 60);
    if (s >= 60)
        return QString::asprintf("%lldm %02llds", s / 60, s % 60);
    return QString::asprintf("%llds", s);
}

} // namespace poolscope
