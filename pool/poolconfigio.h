#pragma once

#include "poolconfig.h"

class QSettings;

namespace poolscope {

// PoolConfig in QSettings (group "pool"), so knobs persist across restarts. QSettings writes
// its file through a temporary file and a rename, so a crash never leaves half a file.
void savePoolConfig(QSettings& settings, const PoolConfig& config);
PoolConfig loadPoolConfig(const QSettings& settings); // defaults for what is missing or bad

} // namespace poolscope
