#pragma once

#include <QString>

namespace poolscope {

class CostLedger;

// The monitor's spend legend: what each profile and model cost so far, as a small rich-text
// table (at most maxRows rows, the most expensive first; the rest summed in one "others" row).
// A row whose cost is partly unknown says so: unknown is never shown as $0.
QString spendBreakdownHtml(const CostLedger& ledger, int maxRows = 6);

} // namespace poolscope
