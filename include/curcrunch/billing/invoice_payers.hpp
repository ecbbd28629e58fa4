#pragma once
// The AWS payers a customer's invoice depends on: it may only be final once AWS has invoiced
// each of them for the month (period_status.hpp). Looking only at the payers of the month's
// cost rows is not enough: when a group's payer has not delivered the month yet, its accounts
// have no rows, and another payer's invoice would make a bill without any AWS charges final.
// Waiting on too much is as bad: a payer whose month never comes (an account that moved to
// another organisation, an Organizations management account that is not the CUR payer under
// billing transfer) would keep an invoice draft for ever.
//
// What an account of the month depends on:
// - rows: it has rows this month, so exactly the payers of those rows;
// - month_before: no rows this month but rows in the month before, so the payers of those
//   (their month has not arrived yet, or the account was idle: their final month says which);
// - idle: no rows this month or the month before, but rows in some other month: nothing (it
//   left, or it has no costs now; a payer that answers for it will bring rows);
// - directory: never in the store's rows, and the account directory (Organizations, `fetch`)
//   lists it under a payer with a month in the store up to this one: that payer;
// - directory_unwaited: the same, but that payer has no month in the store up to this one
//   (billing transfer, or an organisation whose CUR is not ingested): nothing, and a warning;
// - unknown: neither the store's rows nor the directory know it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "curcrunch/billing/cost_rows.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/coverage.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

struct AccountDependency {
    enum class Basis { rows, month_before, idle, directory, directory_unwaited, unknown };
    Basis basis = Basis::unknown;
    std::set<std::string> payers;  // waited for (empty unless rows, month_before or directory)
    std::string directory_payer;   // for directory_unwaited: the payer not waited for
};

class AccountPayers {
  public:
    // `rows`: the month's cost rows (cost_reader.hpp); `accounts`: every account the run may
    // ask about; `seen`: every account with rows in the store (known_accounts, billing_run.hpp);
    // `units`: every unit of the store (any period). Reads the month before's rows once, for
    // every account at a time, and nothing older.
    AccountPayers(store::Database& db, Period period, const CostRowSet& rows,
                  const std::set<std::string>& accounts, const std::set<std::string>& seen,
                  const std::vector<store::UnitCoverage>& units);

    // An account not among `accounts` is unknown.
    const AccountDependency& of(const std::string& account) const;

  private:
    std::map<std::string, AccountDependency, std::less<>> of_;
    AccountDependency unknown_;
};

}  // namespace curcrunch::billing
