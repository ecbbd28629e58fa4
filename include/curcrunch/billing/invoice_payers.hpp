#pragma once
// The AWS payers a customer's invoice depends on: it may only be final once AWS has invoiced
// each of them for the month (period_status.hpp). Looking only at the payers of the month's
// cost rows is not enough: when a group's payer has not delivered the month yet, its accounts
// have no rows, and another payer's invoice would make a bill without any AWS charges final.
//
// The payers of an account are:
// - those whose rows bill it this month;
// - those whose rows billed it in the latest earlier month that has any of its rows (its costs
//   this month are theirs until the month says otherwise; a payer it left before that is not
//   waited for, or a move between organisations would keep its invoices draft for ever);
// - its management account as Organizations lists it (the account directory, from `fetch`).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "curcrunch/billing/cost_rows.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/coverage.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

class AccountPayers {
  public:
    // `rows`: the month's cost rows (cost_reader.hpp); `accounts`: every account the run may
    // ask about; `units`: every unit of the store (any period), for the earlier months.
    AccountPayers(store::Database& db, Period period, const CostRowSet& rows,
                  const std::set<std::string>& accounts,
                  const std::vector<store::UnitCoverage>& units);

    // Empty when nothing in the store knows who pays for `account`.
    const std::set<std::string>& of(const std::string& account) const;

  private:
    std::map<std::string, std::set<std::string>, std::less<>> payers_;
    std::set<std::string> none_;
};

}  // namespace curcrunch::billing
