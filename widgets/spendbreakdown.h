#pragma once

#include "figuretable.h"

namespace poolscope {

class CostLedger;

// The monitor's spend legend: what each profile and model cost so far, and in how many requests,
// as the rows of a small table under a header row (at most maxRows rows, the most expensive first;
// the rest summed in one "others" row). A row whose cost is partly unknown says so: unknown is
// never shown as $0. No spending, no rows.
QList<FigureTable::Row> spendBreakdownRows(const CostLedger& ledger, int maxRows = 6);

} // namespace poolscope
