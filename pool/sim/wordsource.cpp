#include "wordsource.h"

#include <QByteArrayView>

#include <array>

namespace poolscope::sim {

namespace {

// Common words, plus some of the topic; no quotes or backslashes, so no escaping is needed.
constexpr std::array<const char*, 128> kWords{
    "the",       "a",       "of",      "to",       "and",     "in",         "is",       "it",
    "that",      "for",     "on",      "with",     "as",      "this",       "by",       "be",
    "are",       "from",    "at",      "or",       "an",      "can",        "will",     "more",
    "when",      "each",    "which",   "their",    "time",    "request",    "response", "token",
    "stream",    "model",   "server",  "client",   "pool",    "connection", "latency",  "queue",
    "socket",    "network", "first",   "second",   "next",    "last",       "new",      "old",
    "small",     "large",   "fast",    "slow",     "simple",  "careful",    "steady",   "quiet",
    "system",    "message", "answer",  "question", "example", "result",     "number",   "value",
    "window",    "limit",   "rate",    "load",     "cost",    "budget",     "retry",    "timeout",
    "keeps",     "opens",   "closes",  "sends",    "reads",   "writes",     "waits",    "measures",
    "shows",     "finds",   "makes",   "takes",    "gives",   "uses",       "returns",  "starts",
    "ends",      "moves",   "holds",   "reaches",  "carries", "because",    "while",    "before",
    "after",     "between", "through", "without",  "under",   "over",       "again",    "often",
    "rarely",    "always",  "never",   "perhaps",  "quickly", "slowly",     "together", "apart",
    "every",     "some",    "many",    "few",      "most",    "other",      "same",     "different",
    "important", "useful",  "clear",   "ready",    "busy",    "idle",       "warm",     "cold"};

} // namespace

WordSource::WordSource(quint64 seed)
    : m_random(seed) {}

int WordSource::vocabularySize() {
    return static_cast<int>(kWords.size());
}

void WordSource::appendNext(QByteArray& out) {
    const QByteArrayView word(kWords[m_random.below(kWords.size())]);
    if (!m_first)
        out.append(' ');
    m_first = false;
    const qsizetype at = out.size();
    out.append(word);
    if (m_startOfSentence)
        out[at] = static_cast<char>(out[at] - 'a' + 'A');
    m_startOfSentence = m_random.below(10) == 0;
    if (m_startOfSentence)
        out.append('.');
}

} // namespace poolscope::sim
