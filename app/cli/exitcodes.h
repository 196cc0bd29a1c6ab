#pragma once

namespace poolscope::cli {

enum ExitCode { ExitOk = 0, ExitSomeFailed = 1, ExitUsage = 2, ExitStopped = 3 };

} // namespace poolscope::cli
