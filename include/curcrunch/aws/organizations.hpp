#pragma once
// Organizations ListAccounts over every page (reference: aws-vault-wire.md §2.2). `Status` is
// retired (September 2026) and may be absent; `State` is what is kept.
#include <cstdint>
#include <string>
#include <vector>

#include "curcrunch/aws/json_service.hpp"

namespace curcrunch::aws {

struct OrgAccount {
    std::string id, arn, email, name, state, joined_method;
    int64_t joined = 0;  // epoch seconds, 0 when absent
};

// Follows NextToken until it is absent or null, even past empty pages.
std::vector<OrgAccount> list_accounts(JsonServiceClient& orgs);

}  // namespace curcrunch::aws
