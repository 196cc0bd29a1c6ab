#include "simconfig.h"

#include <QJsonValue>

#include <array>
#include <cmath>
#include <limits>
#include <variant>

using namespace Qt::StringLiterals;

namespace poolscope::sim {

namespace {

using Member =
    std::variant<double SimConfig::*, int SimConfig::*, bool SimConfig::*, quint64 SimConfig::*>;

struct Field {
    QLatin1StringView name;
    Member member;
    double min;
    double max;
};

constexpr double kIntMax = std::numeric_limits<int>::max();

// One table drives parsing, validation and serialization, so the three cannot drift apart.
const std::array<Field, 19> kFields{{
    {"ttftMs"_L1, &SimConfig::ttftMs, 0, 3.6e6},
    {"ttftSigma"_L1, &SimConfig::ttftSigma, 0, 5},
    {"tokensPerSecond"_L1, &SimConfig::tokensPerSecond, -1, 1e6},
    {"outputTokens"_L1, &SimConfig::outputTokens, 1, 1e6},
    {"outputTokensJitter"_L1, &SimConfig::outputTokensJitter, 0, 1},
    {"connectCostMs"_L1, &SimConfig::connectCostMs, 0, 600000},
    {"capacity"_L1, &SimConfig::capacity, 0, kIntMax},
    {"queueTimeoutMs"_L1, &SimConfig::queueTimeoutMs, 0, kIntMax},
    {"keepAliveIdleMs"_L1, &SimConfig::keepAliveIdleMs, 0, kIntMax},
    {"maxRequestsPerConnection"_L1, &SimConfig::maxRequestsPerConnection, 0, kIntMax},
    {"rpm"_L1, &SimConfig::rpm, 0, kIntMax},
    {"tpm"_L1, &SimConfig::tpm, 0, kIntMax},
    {"errorRate"_L1, &SimConfig::errorRate, 0, 1},
    {"resetRate"_L1, &SimConfig::resetRate, 0, 1},
    {"stallRate"_L1, &SimConfig::stallRate, 0, 1},
    {"stallMs"_L1, &SimConfig::stallMs, 0, kIntMax},
    {"malformedRate"_L1, &SimConfig::malformedRate, 0, 1},
    {"seed"_L1, &SimConfig::seed, 0, 0},
    {"workerThreads"_L1, &SimConfig::workerThreads, 1, 64},
}};

bool setField(SimConfig& config, const Field& field, const QJsonValue& value, QString* error) {
    const auto fail = [&](const QString& why) {
        if (error)
            *error = u"%1: %2"_s.arg(field.name, why);
        return false;
    };
    if (auto seed = std::get_if<quint64 SimConfig::*>(&field.member)) {
        // Seeds may exceed 2^53, so a decimal string is accepted too.
        bool ok = false;
        quint64 parsed = 0;
        if (value.isString()) {
            parsed = value.toString().toULongLong(&ok);
        } else if (value.isDouble()) {
            const double d = value.toDouble();
            ok = d >= 0 && d < 9007199254740992.0 && d == std::floor(d);
            parsed = ok ? static_cast<quint64>(d) : 0;
        }
        if (!ok)
            return fail(u"expected a non-negative integer (or a decimal string)"_s);
        config.*(*seed) = parsed;
        return true;
    }
    if (auto flag = std::get_if<bool SimConfig::*>(&field.member)) {
        if (!value.isBool())
            return fail(u"expected true or false"_s);
        config.*(*flag) = value.toBool();
        return true;
    }
    if (!value.isDouble())
        return fail(u"expected a number"_s);
    const double d = value.toDouble();
    if (!std::isfinite(d) || d < field.min || d > field.max)
        return fail(u"%1 is outside [%2, %3]"_s.arg(d).arg(field.min).arg(field.max));
    if (auto real = std::get_if<double SimConfig::*>(&field.member)) {
        config.*(*real) = d;
        return true;
    }
    if (d != std::floor(d))
        return fail(u"expected an integer"_s);
    config.*std::get<int SimConfig::*>(field.member) = static_cast<int>(d);
    return true;
}

} // namespace

std::optional<SimConfig> SimConfig::fromJson(const QJsonObject& json, QString* error) {
    return fromJson(json, error, SimConfig());
}

std::optional<SimConfig> SimConfig::fromJson(const QJsonObject& json, QString* error,
                                             const SimConfig& base) {
    SimConfig config = base;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const Field* found = nullptr;
        for (const Field& field : kFields) {
            if (field.name == it.key()) {
                found = &field;
                break;
            }
        }
        if (!found) {
            if (error)
                *error = u"unknown simulator setting \"%1\""_s.arg(it.key());
            return std::nullopt;
        }
        if (!setField(config, *found, it.value(), error))
            return std::nullopt;
    }
    return config;
}

QJsonObject SimConfig::toJson() const {
    QJsonObject json;
    for (const Field& field : kFields) {
        const QString key = field.name;
        std::visit(
            [&](auto member) {
                using T = std::remove_cvref_t<decltype(this->*member)>;
                if constexpr (std::is_same_v<T, quint64>) {
                    const quint64 v = this->*member;
                    if (v < (quint64(1) << 53))
                        json.insert(key, static_cast<double>(v));
                    else
                        json.insert(key, QString::number(v));
                } else {
                    json.insert(key, this->*member);
                }
            },
            field.member);
    }
    return json;
}

QStringList SimConfig::scenarioNames() {
    return {u"fast-local"_s, u"typical-cloud"_s, u"rate-limited"_s, u"flaky"_s, u"overloaded"_s};
}

std::optional<SimConfig> SimConfig::scenario(const QString& name) {
    SimConfig c;
    if (name == "fast-local"_L1) {
        // A model server on the same machine: quick first token, fast decoding, no handshake.
        c.ttftMs = 25;
        c.ttftSigma = 0.2;
        c.tokensPerSecond = 200;
        c.outputTokens = 32;
    } else if (name == "typical-cloud"_L1) {
        // A hosted API: TTFT of a few hundred ms with a long tail, TCP + TLS cost on new
        // connections, which is what a pool saves.
        c.ttftMs = 450;
        c.ttftSigma = 0.4;
        c.tokensPerSecond = 60;
        c.outputTokens = 96;
        c.connectCostMs = 80;
    } else if (name == "rate-limited"_L1) {
        c.ttftMs = 300;
        c.ttftSigma = 0.3;
        c.tokensPerSecond = 60;
        c.outputTokens = 64;
        c.connectCostMs = 40;
        c.rpm = 60;
        c.tpm = 20000;
    } else if (name == "flaky"_L1) {
        c.ttftMs = 300;
        c.ttftSigma = 0.4;
        c.tokensPerSecond = 60;
        c.outputTokens = 64;
        c.connectCostMs = 40;
        c.errorRate = 0.05;
        c.resetRate = 0.03;
        c.stallRate = 0.02;
        c.stallMs = 30000;
        c.malformedRate = 0.02;
        c.keepAliveIdleMs = 5000;
    } else if (name == "overloaded"_L1) {
        c.ttftMs = 900;
        c.ttftSigma = 0.5;
        c.tokensPerSecond = 30;
        c.outputTokens = 64;
        c.connectCostMs = 40;
        c.capacity = 8;
        c.queueTimeoutMs = 2000;
    } else {
        return std::nullopt;
    }
    return c;
}

} // namespace poolscope::sim
