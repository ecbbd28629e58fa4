// The Organizations part of a fetch run: every account of each payer profile (ListAccounts) and
// where it sits (its OU path: ListParents up to the root, DescribeOrganizationalUnit for each OU,
// each OU read once per profile). Read-only.
//
// Failures, in the order a user meets them:
// - ListAccounts fails: the part fails (the run is partial), the stored accounts stay as they
//   are; an organisation not in use is a note.
// - ListParents / DescribeOrganizationalUnit denied (the credentials may list accounts but not
//   read the tree): a note; the accounts are stored, with the OU paths stored earlier kept.
// - Any other OU failure (after the client's retries: throttling, 5xx, a malformed answer): the
//   accounts are stored, with the OU paths read before the failure; the OU part fails.
#include "curcrunch/store/billing_records.hpp"
#include "fetch_run.hpp"

namespace curcrunch::fetch::detail {
namespace {

bool is_access_denied(const std::string& code) {
    return code == "AccessDeniedException" || code == "AccessDenied";
}

}  // namespace

std::map<std::string, aws::OrgPlacement> FetchRun::org_placements(
    ProfileRun& pr, aws::JsonServiceClient& orgs, const std::vector<aws::OrgAccount>& accounts) {
    aws::OrgTree tree(orgs);
    std::map<std::string, aws::OrgPlacement> out;
    for (const auto& a : accounts) {
        if (!aws::is_account_id(a.id)) continue;  // never sent: AWS would refuse it anyway
        if (!can_go_on()) break;
        try {
            out[a.id] =
                with_current_credentials(pr, *aws_.client, [&] { return tree.placement_of(a.id); });
        } catch (const Error& e) {
            const std::string who = "profile " + pr.cfg->name + ": ";
            if (is_access_denied(aws_.client->last_error_code()))
                report_.notes.push_back(
                    who +
                    "OU paths not readable with these credentials (organizations:ListParents "
                    "or DescribeOrganizationalUnit denied); accounts stored without new ones");
            else
                tally_.bad(who + "OU paths of " + std::to_string(accounts.size() - out.size()) +
                           " of " + std::to_string(accounts.size()) +
                           " accounts not fetched: " + e.what());
            return out;
        }
    }
    return out;
}

void FetchRun::fetch_accounts() {
    for (auto& pr : runs_) {
        if (pr->dead || !pr->cfg->organizations) continue;
        aws::JsonServiceClient orgs(*aws_.client, *pr->active,
                                    service(aws::organizations_service()));
        std::vector<aws::OrgAccount> accounts;
        try {
            accounts = with_current_credentials(*pr, *aws_.client,
                                                [&] { return aws::list_accounts(orgs); });
        } catch (const Error& e) {
            if (aws_.client->last_error_code() == "AWSOrganizationsNotInUseException")
                report_.notes.push_back("profile " + pr->cfg->name +
                                        ": not in an organization; no account list");
            else
                tally_.bad("profile " + pr->cfg->name + ": accounts not fetched: " + e.what());
            continue;
        }
        const auto placements = org_placements(*pr, orgs, accounts);
        try {
            store::put_accounts(store_.db(), pr->cfg->name, accounts, placements);
            report_.accounts += static_cast<int>(accounts.size());
            report_.accounts_placed += static_cast<int>(placements.size());
            tally_.good();
        } catch (const Error& e) {
            tally_.bad("profile " + pr->cfg->name + ": accounts not stored: " + e.what());
        }
    }
}

}  // namespace curcrunch::fetch::detail
