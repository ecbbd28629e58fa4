#pragma once
// Whether a customer's invoice for a month is final: a bill built on AWS costs that may still
// change is a draft. It is final once every (payer, billing period) unit it depends on is in
// the store and final by the store's coverage (store/coverage.hpp): its rows carry AWS invoice
// ids, or `fetch` stored the payer's AWS invoice for the month.
//
// A customer with billing groups depends on the payers of its groups' accounts
// (invoice_payers.hpp), whether or not those accounts have costs this month: a payer whose
// month is not in the store yet keeps the invoice draft, and so does a group none of whose
// accounts the store or the account directory knows. A customer whose accounts depend on no
// payer (all idle) and a customer without billing groups (usage only) wait for every unit of
// the month; a month without any unit stays draft.
#include <set>
#include <string>
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/cost_rows.hpp"
#include "curcrunch/billing/invoice_payers.hpp"
#include "curcrunch/store/coverage.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

struct PeriodStatus {
    bool final = false;
    std::vector<std::string> aws_invoices;  // the invoices that made it final, sorted
    std::vector<std::string> waiting;       // "payer P: accruing (no invoice id yet)", ...
    // What the run should tell: a payer's month missing, a group without costs or payer.
    std::vector<std::string> warnings;
};

// `units`: the period's units (cost_reader.hpp); `payers`: those the bill depends on (empty:
// every unit).
PeriodStatus aws_period_status(store::Database& db, const std::vector<store::UnitCoverage>& units,
                               const std::set<std::string>& payers);

// The status of `cu`'s invoice for `period`; `rows` and `units` are the month's.
PeriodStatus customer_period_status(store::Database& db, const BillingConfig& c, const Customer& cu,
                                    Period period, const CostRowSet& rows,
                                    const std::vector<store::UnitCoverage>& units,
                                    const AccountPayers& payers);

}  // namespace curcrunch::billing
