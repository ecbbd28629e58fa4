#pragma once
// Whether a customer's invoice for a month is final: a bill built on AWS costs that may still
// change is a draft. It becomes final once AWS has invoiced the month for every payer account
// its costs came from, i.e. the store holds an AWS invoice (kind INVOICE, from `fetch`) of that
// payer for that month. A customer without AWS costs that month waits for every payer of the
// store's month; a month without any payer stays draft.
#include <set>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

struct PeriodStatus {
    bool final = false;
    std::vector<std::string> aws_invoices;    // the invoices that made it final
    std::vector<std::string> missing_payers;  // payers without an invoice yet
};

PeriodStatus aws_period_status(store::Database& db, Period period,
                               const std::set<std::string>& payers);

// Every payer account with costs in `period`.
std::set<std::string> period_payers(store::Database& db, Period period);

}  // namespace curcrunch::billing
