#pragma once

#include <QStringList>

namespace poolscope::cli {

// `poolscope profile add NAME ... | list | remove NAME | presets`: saved servers (never keys).
// Exit 0 done, 1 the settings file could not be written, 2 bad usage or unknown profile.
int profileCommand(const QStringList& arguments);

} // namespace poolscope::cli
