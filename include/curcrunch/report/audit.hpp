#pragma once
// `curcrunch audit`: for each imported report, recompute its totals from today's store with
// the same period and filters, and list every cell (total, month, service, account) that
// moved by more than the tolerance — restatements, late credits, refunds.
#include <string>
#include <vector>

#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::report {

struct AuditCell {
    std::string kind, key;  // total/month/service/account
    Amount reported = 0, current = 0;
};

struct AuditResult {
    std::string report_id, generated_at, from, to;
    std::string fingerprint_reported, fingerprint_now;
    std::vector<AuditCell> differences;
};

// `report_id` empty: every imported report. Throws Error(usage) for an unknown id.
class CostCube;
std::vector<AuditResult> audit_reports(store::Database& db, const std::string& report_id,
                                       Amount tolerance, const CostCube* cube = nullptr);

}  // namespace curcrunch::report
