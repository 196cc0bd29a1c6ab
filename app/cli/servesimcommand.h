#pragma once

#include <QStringList>

namespace poolscope::cli {

// `poolscope serve-sim`: the simulator as a standalone server; prints its base URL first.
int serveSimCommand(const QStringList& arguments);

} // namespace poolscope::cli
