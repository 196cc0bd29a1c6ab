#pragma once

#include <QString>

namespace poolscope {

// A duration for people, as progress lines and ETAs show it: "42s", "3m 05s", "1h 02m";
// "--" when it is unknown (negative or not finite).
QString durationText(double seconds);

} // namespace poolscope
