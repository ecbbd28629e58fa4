#pragma once
// `curcrunch audit`: for each imported report, gather the report again from today's store with
// the same parameters, rebuild every table its JSON holds with the same builder (kind and
// parameters, report_table.hpp), and compare cell by cell; the totals (by month, service and
// account) are compared too, which is all a version-1 report holds. Amounts may move by the
// tolerance; texts, percentages, quantities and rates must match exactly.
//
// A difference is "no data" when every billing period behind the cell (its scope) has left the
// store since the report was made, "partial data" when some have, and "changed" otherwise —
// restatements, late credits, refunds.
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::report {

struct AuditCell {
    enum class Status { changed, no_data, partial_data };
    std::string kind;    // the table ("summary_figures", "line_items", ...) or total/month/...
    std::string key;     // the row (a line item's as service|usage type|description|unit)
    std::string column;  // the column ("" for the totals)
    std::string reported, current;  // the cells as the JSON writes them ("" when absent)
    bool money = false;             // amounts: difference() is meaningful
    Amount reported_amount = 0, current_amount = 0;
    Status status = Status::changed;
    Amount difference() const { return current_amount - reported_amount; }
};
const char* audit_status_name(AuditCell::Status s);  // "changed", "no data", "partial data"

struct AuditResult {
    std::string report_id, generated_at, from, to;
    std::string fingerprint_reported, fingerprint_now;
    // Billing periods that were in the store when the report was made and are not now.
    std::vector<Period> missing_periods;
    bool no_data = false;  // none of the report's periods is in the store any more
    int tables = 0;        // tables recomputed (0 for a version-1 report)
    std::vector<AuditCell> differences;
};

// "" when every period behind the report is still in the store, otherwise "no data any more:
// 2026-09, 2026-10 no longer in the store" (all of them gone) or "partial data: ..." (some).
std::string audit_data_loss(const AuditResult& r);
// "matches", "changed" (differences, no period gone), "partial data" or "no data".
const char* audit_state_name(const AuditResult& r);

// `report_id` empty: every imported report. Throws Error(usage) for an unknown id.
class CostCube;
std::vector<AuditResult> audit_reports(store::Database& db, const std::string& report_id,
                                       Amount tolerance, const CostCube* cube = nullptr);

}  // namespace curcrunch::report
