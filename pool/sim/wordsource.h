#pragma once

#include "simrandom.h"

#include <QByteArray>

namespace poolscope::sim {

// Plausible English for the simulated output: one word (with its leading space and, now and
// then, a full stop) per token, the same sequence for the same seed.
class WordSource {
public:
    explicit WordSource(quint64 seed);

    // Appends the next token's text as raw UTF-8 (it never needs JSON escaping).
    void appendNext(QByteArray& out);

    static int vocabularySize();

private:
    SimRandom m_random;
    bool m_startOfSentence = true;
    bool m_first = true;
};

} // namespace poolscope::sim
