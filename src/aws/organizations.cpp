#include "curcrunch/aws/organizations.hpp"

#include <simdjson.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "json_members.hpp"

namespace curcrunch::aws {
namespace {

using detail::member_text;

}  // namespace

std::vector<OrgAccount> list_accounts(JsonServiceClient& orgs) {
    std::vector<OrgAccount> out;
    std::string token;
    simdjson::dom::parser parser;
    for (int page = 1;; ++page) {
        std::string body = "{\"MaxResults\":20";
        if (!token.empty()) body.append(",\"NextToken\":").append(json_quote(token));
        body.append("}");
        const std::string resp = orgs.call("ListAccounts", body);
        simdjson::dom::element doc;
        simdjson::dom::array accounts;
        if (parser.parse(resp).get(doc) || doc["Accounts"].get_array().get(accounts))
            throw Error(ErrorKind::remote, "organizations ListAccounts page " +
                                               std::to_string(page) +
                                               ": malformed response (no Accounts array)");
        for (simdjson::dom::element a : accounts) {
            OrgAccount acc;
            acc.id = member_text(a, "Id");
            if (acc.id.empty()) continue;
            acc.arn = member_text(a, "Arn");
            acc.email = member_text(a, "Email");
            acc.name = member_text(a, "Name");
            acc.state = member_text(a, "State");
            if (acc.state.empty()) acc.state = member_text(a, "Status");
            acc.joined_method = member_text(a, "JoinedMethod");
            double joined = 0;
            if (!a["JoinedTimestamp"].get_double().get(joined))
                acc.joined = static_cast<int64_t>(joined);
            out.push_back(std::move(acc));
        }
        token = member_text(doc, "NextToken");
        if (token.empty()) break;
    }
    return out;
}

}  // namespace curcrunch::aws
