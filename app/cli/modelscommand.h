#pragma once

#include <QStringList>

namespace poolscope::cli {

// `poolscope models`: the models a server lists (GET {base}/models), one per line.
int modelsCommand(const QStringList& arguments);

} // namespace poolscope::cli
