#pragma once

#include "secretstore.h"

#include <QSignalSpy>

// Waits for the one answer a SecretStore operation promises (tests of the stores).
inline poolscope::SecretResult secretAnswer(QSignalSpy& spy) {
    using namespace Qt::StringLiterals;
    if (spy.isEmpty() && !spy.wait(5000))
        return {poolscope::SecretResult::Operation::Read,
                {},
                {},
                poolscope::SecretResult::Error::Other,
                u"no answer"_s};
    return spy.takeFirst().at(0).value<poolscope::SecretResult>();
}
