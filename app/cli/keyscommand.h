#pragma once

#include "secretstore.h"

#include <QStringList>

namespace poolscope::cli {

// `poolscope keys set NAME | delete NAME | list`: API keys in the OS keychain. Exit 0 done,
// 1 the keychain failed (the message says why and what to do), 2 bad usage or unknown profile.
int keysCommand(const QStringList& arguments);

// Runs one SecretStore operation and waits for its answer in a local event loop. For the
// command line only (no window to keep responsive); the store's timeout bounds the wait.
SecretResult waitForSecret(SecretStore* store, SecretResult::Operation operation,
                           const QString& profile, const QByteArray& secret = {});

} // namespace poolscope::cli
