#pragma once
// Accounts as people know them, for every view that names one: the Organizations facts `fetch`
// stored (name, state, joined date, OU path; schema v2 and v7) and the payer each account
// belongs to. Reads stores of any version: what an older schema lacks is left empty.
#include <map>
#include <string>
#include <vector>

#include "curcrunch/core/money.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

struct AccountInfo {
    std::string id, name, email, state, joined_at, payer_profile, updated_at;
    std::string ou_path, ou_ids;  // "Root / A / B" and "r-../ou-../ou-..", '' when not known
    // The payer (management) account: from the Organizations ARN of the account, else the
    // payer of its latest CUR row; '' when neither is known.
    std::string payer;
    bool listed = false;  // a row of the account table (Organizations listed it once)

    // The OU the account is directly in: the last of ou_ids ('' when not known).
    std::string ou_id() const;
};

// "Prod web (123456789012)" when the name is known and differs from the id, else the id.
std::string account_label(const std::string& name, const std::string& id);

// Accounts grouped by the OU they are directly in.
struct OuGroup {
    std::string ou_id;                     // '' for the two groups without an OU
    std::string ou_path;                   // "Root / A / B", kOuUnknown or kNotInOrganizations
    std::vector<std::string> account_ids;  // ascending
    Amount cost = 0;                       // of those accounts, from the costs given
};
inline constexpr const char* kOuUnknown = "(OU not known)";
inline constexpr const char* kNotInOrganizations = "(not in Organizations)";

class AccountDirectory {
  public:
    // The account table, and with `cur_payers` the payer of every usage account in the CUR
    // rollups (one pass over cost_daily) for accounts Organizations did not list.
    static AccountDirectory load(Database& db, bool cur_payers);
    // Changes whenever the account table does (a fetch stored accounts): count and latest
    // updated_at, which put_accounts moves on every change.
    static std::string stamp(Database& db);

    const AccountInfo* find(const std::string& id) const;
    std::string label(const std::string& id) const;
    // The payer of an account as a label, "" when not known.
    std::string payer_label(const std::string& id) const;
    // The account table's rows (listed ones only), by profile then id.
    std::vector<const AccountInfo*> listed() const;
    // Every listed account under its OU (kOuUnknown while its path is not known), and the
    // accounts of `costs` Organizations never listed under kNotInOrganizations; each group's
    // cost is the sum of its accounts' costs, so the groups add up to the sum of `costs`.
    // Ordered by path, which puts every OU right after its parent; the two groups without an
    // OU come last.
    std::vector<OuGroup> by_ou(const std::map<std::string, Amount>& costs) const;

  private:
    std::map<std::string, AccountInfo> by_id_;
};

// "arn:aws:organizations::111111111111:account/o-x/222222222222" -> "111111111111", else "".
std::string management_account_of_arn(const std::string& arn);

}  // namespace curcrunch::store
