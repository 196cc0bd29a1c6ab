#include "appdefaults.h"

#include <QFile>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace poolscope::app {

QString priceOverridesPath() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/prices.json"_s;
}

PriceTable loadPrices() {
    PriceTable prices;
    QString error;
    QFile bundled(u":/poolscope/prices.json"_s);
    if (bundled.open(QIODevice::ReadOnly))
        prices = PriceTable::fromJson(bundled.readAll(), &error).value_or(PriceTable{});
    QFile overrides(priceOverridesPath());
    if (overrides.open(QIODevice::ReadOnly)) {
        if (auto imported = PriceTable::fromJson(overrides.readAll(), &error))
            prices.merge(*imported);
    }
    return prices;
}

} // namespace poolscope::app
