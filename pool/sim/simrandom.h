#pragma once

#include <QtGlobal>

#include <cmath>

namespace poolscope::sim {

// A small, fast generator with a fixed algorithm (xoshiro256**, seeded through splitmix64),
// so a seed gives the same numbers on every platform and standard library.
class SimRandom {
public:
    explicit SimRandom(quint64 seed) {
        for (quint64& word : m_state)
            word = splitMix(seed);
    }

    // A generator for one request: independent streams for the same seed.
    static SimRandom forRequest(quint64 seed, quint64 requestNumber) {
        quint64 mixed = seed ^ (requestNumber * 0x9e3779b97f4a7c15ULL);
        return SimRandom(splitMix(mixed));
    }

    quint64 next() {
        const quint64 result = rotl(m_state[1] * 5, 7) * 9;
        const quint64 t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; } // [0, 1)

    // [0, bound); bound > 0
    quint32 below(quint32 bound) { return static_cast<quint32>((next() >> 32) * bound >> 32); }

    double normal() // Box-Muller; one value per call keeps the sequence simple
    {
        const double u1 = 1.0 - uniform(); // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

    double logNormal(double median, double sigma) {
        return sigma > 0 ? median * std::exp(sigma * normal()) : median;
    }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    static quint64 splitMix(quint64& x) {
        quint64 z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    quint64 m_state[4];
};

} // namespace poolscope::sim
