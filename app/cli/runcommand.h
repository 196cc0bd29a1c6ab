#pragma once

#include <QStringList>

namespace poolscope::cli {

// `poolscope run`: prompts through the pool headless; exit codes per DESIGN.md
// (0 all succeeded, 1 some failed, 2 bad usage or input, 3 stopped).
int runCommand(const QStringList& arguments);

} // namespace poolscope::cli
