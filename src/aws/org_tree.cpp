#include "curcrunch/aws/org_tree.hpp"

#include <simdjson.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "json_members.hpp"

namespace curcrunch::aws {
namespace {

bool lower_alnum(const std::string& s, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z'))) return false;
    return true;
}

[[noreturn]] void malformed(const std::string& what, const std::string& why) {
    throw Error(ErrorKind::remote, "organizations " + what + ": malformed response (" + why + ")");
}

using detail::member_text;

}  // namespace

bool is_account_id(const std::string& s) {
    return s.size() == 12 && s.find_first_not_of("0123456789") == std::string::npos;
}

bool is_root_id(const std::string& s) {
    return s.size() >= 6 && s.size() <= 34 && s.compare(0, 2, "r-") == 0 &&
           lower_alnum(s, 2, s.size());
}

bool is_ou_id(const std::string& s) {
    if (s.size() > 68 || s.compare(0, 3, "ou-") != 0) return false;
    const size_t dash = s.find('-', 3);
    if (dash == std::string::npos) return false;
    const size_t root_part = dash - 3, ou_part = s.size() - dash - 1;
    return root_part >= 4 && root_part <= 32 && ou_part >= 8 && ou_part <= 32 &&
           lower_alnum(s, 3, dash) && lower_alnum(s, dash + 1, s.size());
}

std::string OrgPlacement::path_text() const {
    if (root_id.empty()) return {};
    std::string o = "Root";
    for (const auto& u : units)
        o.append(" / ").append(u.name);
    return o;
}

std::string OrgPlacement::ids_text() const {
    std::string o = root_id;
    for (const auto& u : units)
        o.append("/").append(u.id);
    return o;
}

std::vector<OrgParent> list_parents(JsonServiceClient& orgs, const std::string& child_id) {
    std::vector<OrgParent> out;
    std::string token;
    simdjson::dom::parser parser;
    for (int page = 1;; ++page) {
        const std::string what = "ListParents of " + child_id + " page " + std::to_string(page);
        // MaxResults is 1..20 for every Organizations list operation.
        std::string body = "{\"ChildId\":" + json_quote(child_id) + ",\"MaxResults\":20";
        if (!token.empty()) body.append(",\"NextToken\":").append(json_quote(token));
        body.append("}");
        const std::string resp = orgs.call("ListParents", body);
        simdjson::dom::element doc;
        simdjson::dom::array parents;
        if (parser.parse(resp).get(doc) || doc["Parents"].get_array().get(parents))
            malformed(what, "no Parents array");
        for (simdjson::dom::element p : parents) {
            OrgParent parent;
            parent.id = member_text(p, "Id");
            const std::string type = member_text(p, "Type");
            if (type == "ROOT" && is_root_id(parent.id))
                parent.kind = ParentKind::root;
            else if (type == "ORGANIZATIONAL_UNIT" && is_ou_id(parent.id))
                parent.kind = ParentKind::organizational_unit;
            else  // neither the id nor the type is echoed: they are not known to be text
                malformed(what, "a parent that is neither a root nor an OU id");
            out.push_back(std::move(parent));
        }
        // Documented: a page may be empty while more follow; only a null token ends the list.
        token = member_text(doc, "NextToken");
        if (token.empty()) break;
    }
    return out;
}

OrgUnit describe_organizational_unit(JsonServiceClient& orgs, const std::string& ou_id) {
    const std::string what = "DescribeOrganizationalUnit of " + ou_id;
    const std::string resp = orgs.call("DescribeOrganizationalUnit",
                                       "{\"OrganizationalUnitId\":" + json_quote(ou_id) + "}");
    simdjson::dom::parser parser;
    simdjson::dom::element doc, ou;
    if (parser.parse(resp).get(doc) || doc["OrganizationalUnit"].get(ou))
        malformed(what, "no OrganizationalUnit");
    OrgUnit u{member_text(ou, "Id"), member_text(ou, "Arn"), member_text(ou, "Name")};
    if (u.id != ou_id) malformed(what, "it describes another OU");
    if (u.name.empty()) malformed(what, "no Name");
    return u;
}

OrgParent OrgTree::parent_of(const std::string& child_id) {
    std::vector<OrgParent> parents = list_parents(orgs_, child_id);
    if (parents.size() != 1)
        throw Error(ErrorKind::remote, "organizations ListParents of " + child_id + ": " +
                                           std::to_string(parents.size()) +
                                           " parents (a child has exactly one)");
    return std::move(parents.front());
}

OrgPlacement OrgTree::placement_of(const std::string& account_id) {
    OrgPlacement out;
    OrgParent at = parent_of(account_id);
    std::vector<OrgUnit> upward;
    for (int depth = 0; at.kind == ParentKind::organizational_unit; ++depth) {
        if (depth == kMaxDepth)
            throw Error(ErrorKind::remote, "organizations: more than " + std::to_string(kMaxDepth) +
                                               " OUs above account " + account_id +
                                               " (the answers form a loop)");
        auto unit = units_.find(at.id);
        if (unit == units_.end())
            unit = units_.emplace(at.id, describe_organizational_unit(orgs_, at.id)).first;
        upward.push_back(unit->second);
        auto parent = parents_.find(at.id);
        if (parent == parents_.end()) parent = parents_.emplace(at.id, parent_of(at.id)).first;
        at = parent->second;
    }
    out.root_id = at.id;
    out.units.assign(upward.rbegin(), upward.rend());
    return out;
}

}  // namespace curcrunch::aws
