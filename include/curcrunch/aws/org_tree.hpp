#pragma once
// Where each account sits in its organisation: the chain of organizational units from the root
// down to the account, read with ListParents (every page; a child has one parent) and
// DescribeOrganizationalUnit (reference: AWS Organizations API, awsJson 1.1). Read-only: this
// tool never creates, moves or closes anything.
//
// Organizations throttles hard (TooManyRequestsException), so every OU is asked about once per
// OrgTree: its name and its parent are cached, and accounts under the same OU cost one
// ListParents each. Retries and rate limits are the JsonServiceClient's (net/resilience.hpp).
#include <map>
#include <string>
#include <vector>

#include "curcrunch/aws/json_service.hpp"

namespace curcrunch::aws {

enum class ParentKind { root, organizational_unit };

struct OrgParent {
    std::string id;  // r-... or ou-...-..., checked against the documented patterns
    ParentKind kind = ParentKind::root;
};

struct OrgUnit {
    std::string id, arn, name;
};

// An account's place: the root's id and the OUs under it, outermost first.
struct OrgPlacement {
    std::string root_id;
    std::vector<OrgUnit> units;
    // "Root / Workloads / Prod": the names from the root down. Roots are not described (every
    // organisation's root is called "Root"), so the first element is always that word.
    std::string path_text() const;
    // "r-ab12/ou-ab12-11111111/ou-ab12-22222222": the ids, same order (ids never hold '/').
    std::string ids_text() const;
};

// Every parent of `child_id` (an account or an OU), following NextToken until it is absent or
// null, empty pages included. Throws Error(remote) naming the child and page on a malformed
// answer.
std::vector<OrgParent> list_parents(JsonServiceClient& orgs, const std::string& child_id);
OrgUnit describe_organizational_unit(JsonServiceClient& orgs, const std::string& ou_id);

// The ids AWS documents: 12 digits for accounts, r-[0-9a-z]{4,32} for roots,
// ou-[0-9a-z]{4,32}-[a-z0-9]{8,32} for OUs.
bool is_account_id(const std::string& s);
bool is_root_id(const std::string& s);
bool is_ou_id(const std::string& s);

class OrgTree {
  public:
    explicit OrgTree(JsonServiceClient& orgs) : orgs_(orgs) {}
    // Walks up from the account. Throws Error(remote) on a failed call, a malformed answer, a
    // child without exactly one parent, or a chain deeper than kMaxDepth (AWS allows five OU
    // levels; anything deeper is a loop in the answers).
    OrgPlacement placement_of(const std::string& account_id);
    int ous_described() const { return static_cast<int>(units_.size()); }

    static constexpr int kMaxDepth = 16;

  private:
    OrgParent parent_of(const std::string& child_id);

    JsonServiceClient& orgs_;
    std::map<std::string, OrgUnit> units_;      // OU id -> its description
    std::map<std::string, OrgParent> parents_;  // OU id -> its parent
};

}  // namespace curcrunch::aws
