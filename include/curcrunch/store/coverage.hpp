#pragma once
// What the store knows about each (payer, billing period) unit, shared by `periods`, `summary`,
// reports and the dashboard: the day its latest delivery has data through, and whether the
// period's bill is final. AWS re-delivers a month as a cumulative snapshot until it finalizes
// the bill, and leaves the invoice id column blank until then (CUR data dictionary).
//
// Status of a unit:
//   final     its rows carry an invoice id (legacy bill/InvoiceId, Athena / CUR 2.0
//             bill_invoice_id, FOCUS 1.2 InvoiceId), or `fetch` stored an AWS invoice (not a
//             Marketplace or purchase invoice) of that payer and period;
//   accruing  its files have the invoice id column and every row leaves it blank, and no
//             invoice is stored: AWS may still change the month;
//   unknown   neither: its files have no invoice id column (FOCUS 1.0, hand-made files) or the
//             unit was carried over from a store older than schema 6, which did not keep it.
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

enum class PeriodStatus { accruing, final, unknown };
const char* period_status_name(PeriodStatus s);

struct UnitCoverage {
    std::string payer;
    Period period = 0;
    Day first_day = 0;     // first day with rows
    Day data_through = 0;  // last day with rows: the data-through day of the latest delivery
    PeriodStatus status = PeriodStatus::unknown;
    std::string status_basis;  // why: "invoice id in rows", "invoice 123 (fetch)", ...
    std::string invoice_ids;   // from the rows, comma-separated
    int64_t ingest_id = 0, rows = 0;
    Amount unblended = 0;
    std::string replaced_at, manifest, assembly_id;
    bool migrated = false;  // carried over by the schema 6 upgrade (man page: what it lacks)

    // The days the unit covers: from the first of its period (or its first row, if earlier)
    // through its data-through day.
    Day covers_from() const;
    bool whole_month() const { return data_through >= last_day(period); }
};

// Every unit, or those of `payers` (empty: all), ordered by payer then period.
std::vector<UnitCoverage> unit_coverage(Database& db, const std::vector<std::string>& payers = {});

// The store-wide data-through day for a payer filter: `latest` is the last day any unit in
// scope has data for (views default their window to end there instead of today);
// `every_payer` the last day all payers in scope have data for (the earliest of their latest
// data-through days). Empty when the scope has no data.
struct DataThrough {
    std::optional<Day> latest, every_payer;
};
DataThrough data_through(Database& db, const std::vector<std::string>& payers = {});

// The days of [from, to] (inclusive) for which some unit in scope has data, ascending.
std::vector<Day> days_with_data(Database& db, Day from, Day to,
                                const std::vector<std::string>& payers = {});

}  // namespace curcrunch::store
