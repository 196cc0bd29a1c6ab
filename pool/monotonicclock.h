#pragma once

#include <QtGlobal>

#include <chrono>

namespace poolscope {

// One clock for the client and the simulator (CLOCK_MONOTONIC on Linux), so that the
// simulator's truth log and the pool's records can be compared timestamp by timestamp.
inline qint64 monotonicNowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace poolscope
