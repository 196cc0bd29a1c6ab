#pragma once

#include "pricetable.h"

#include <QString>

namespace poolscope::app {

// The dated price table shipped in resources, with the user's imported prices over it.
PriceTable loadPrices();
// Where imported prices are kept (the app's data folder).
QString priceOverridesPath();

} // namespace poolscope::app
