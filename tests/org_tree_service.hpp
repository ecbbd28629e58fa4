#pragma once
// AWS Organizations' tree operations behind BillingServices (billing_test_services.hpp):
// ListParents and DescribeOrganizationalUnit with the documented request checks (ChildId and
// OrganizationalUnitId patterns, MaxResults 1..20), answer shapes (Parents[{Id, Type}],
// OrganizationalUnit{Id, Arn, Name}) and errors ({"__type", "Message"}). An account nobody
// placed sits directly under the root.
//
// Pages: with paging on (the default) every ListParents answer comes in three pages, as AWS
// allows: an empty page with a token, the parent with a token, an empty page with a null token.
// Faults: the next N calls of an operation throttled (TooManyRequestsException), or every tree
// call denied (AccessDeniedException).
#include <simdjson.h>

#include <map>
#include <string>

#include "loopback_server.hpp"

namespace testsupport {

class OrgTreeService {
  public:
    static constexpr const char* kRoot = "r-ab12";
    static constexpr const char* kManagement = "111111111111";

    void add_ou(const std::string& id, const std::string& name, const std::string& parent) {
        ous_[id] = {name, parent};
    }
    void place(const std::string& account, const std::string& parent) {
        parent_of_[account] = parent;
    }
    void set_paging(bool on) { paging_ = on; }
    void throttle_next(const std::string& op, int n) { throttled_[op] = n; }
    void deny(bool on) { denied_ = on; }
    // Answers AWS never gives: `child` without a parent, or with a parent of this Type.
    void orphan(const std::string& child) { odd_[child] = ""; }
    void odd_parent_type(const std::string& child, const std::string& type) { odd_[child] = type; }
    int calls(const std::string& op) const {
        auto it = calls_.find(op);
        return it == calls_.end() ? 0 : it->second;
    }
    int describes_of(const std::string& ou) const {
        auto it = describes_.find(ou);
        return it == describes_.end() ? 0 : it->second;
    }
    bool handles(const std::string& op) const {
        return op == "ListParents" || op == "DescribeOrganizationalUnit";
    }
    // Called with the services' lock held.
    Action handle(const std::string& op, simdjson::dom::element req) {
        ++calls_[op];
        if (auto t = throttled_.find(op); t != throttled_.end() && t->second > 0) {
            --t->second;
            return error("TooManyRequestsException",
                         "AWS Organizations can't complete your request because another request "
                         "is already in progress. Try again later.");
        }
        if (denied_)
            return error("AccessDeniedException",
                         "You don't have permissions to access this resource.");
        return op == "ListParents" ? list_parents(req) : describe(req);
    }

  private:
    struct Ou {
        std::string name, parent;
    };
    static Action ok(const std::string& body) {
        return respond(
            200, body,
            {{"Content-Type", "application/x-amz-json-1.1"}, {"x-amzn-RequestId", "org-ok-1"}});
    }
    static Action error(const std::string& type, const std::string& msg) {
        return respond(
            400, "{\"__type\":\"" + type + "\",\"Message\":\"" + msg + "\"}",
            {{"Content-Type", "application/x-amz-json-1.1"}, {"x-amzn-RequestId", "org-err-1"}});
    }
    static bool is_ou(const std::string& s) {
        // ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}
        const size_t dash = s.find('-', 3);
        if (s.rfind("ou-", 0) != 0 || dash == std::string::npos) return false;
        for (size_t i = 3; i < s.size(); ++i)
            if (i != dash && !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z')))
                return false;
        return dash - 3 >= 4 && dash - 3 <= 32 && s.size() - dash - 1 >= 8 &&
               s.size() - dash - 1 <= 32;
    }
    static bool is_account(const std::string& s) {
        return s.size() == 12 && s.find_first_not_of("0123456789") == std::string::npos;
    }
    std::string parent_json(const std::string& id) const {
        const bool root = id.rfind("r-", 0) == 0;
        return "{\"Id\":\"" + id + "\",\"Type\":\"" + (root ? "ROOT" : "ORGANIZATIONAL_UNIT") +
               "\"}";
    }

    Action list_parents(simdjson::dom::element req) {
        std::string_view child_view;
        if (req["ChildId"].get_string().get(child_view))
            return error("InvalidInputException", "ChildId is required.");
        const std::string child(child_view);
        int64_t max = 20;
        if (!req["MaxResults"].get_int64().get(max) && (max < 1 || max > 20))
            return error("InvalidInputException",
                         "You provided a value that does not match the required pattern.");
        if (!is_account(child) && !is_ou(child))
            return error("InvalidInputException",
                         "You provided a value that does not match the required pattern.");
        std::string parent = kRoot;
        if (is_ou(child)) {
            auto it = ous_.find(child);
            if (it == ous_.end())
                return error("ChildNotFoundException",
                             "We can't find an organizational unit (OU) or AWS account with the "
                             "ChildId that you specified.");
            parent = it->second.parent;
        } else if (auto it = parent_of_.find(child); it != parent_of_.end()) {
            parent = it->second;
        }
        if (auto odd = odd_.find(child); odd != odd_.end())
            return ok(odd->second.empty() ? "{\"Parents\":[],\"NextToken\":null}"
                                          : "{\"Parents\":[{\"Id\":\"" + parent + "\",\"Type\":\"" +
                                                odd->second + "\"}]}");
        if (!paging_) return ok("{\"Parents\":[" + parent_json(parent) + "]}");
        std::string_view token;
        const std::string t = req["NextToken"].get_string().get(token) ? "" : std::string(token);
        if (t.empty()) return ok("{\"Parents\":[],\"NextToken\":\"" + child + ":1\"}");
        if (t == child + ":1")
            return ok("{\"Parents\":[" + parent_json(parent) + "],\"NextToken\":\"" + child +
                      ":2\"}");
        if (t == child + ":2") return ok("{\"Parents\":[],\"NextToken\":null}");
        return error("InvalidInputException", "The NextToken is not valid.");
    }

    Action describe(simdjson::dom::element req) {
        std::string_view id_view;
        if (req["OrganizationalUnitId"].get_string().get(id_view))
            return error("InvalidInputException", "OrganizationalUnitId is required.");
        const std::string id(id_view);
        if (!is_ou(id))
            return error("InvalidInputException",
                         "You provided a value that does not match the required pattern.");
        auto it = ous_.find(id);
        if (it == ous_.end())
            return error("OrganizationalUnitNotFoundException",
                         "We can't find an organizational unit (OU) with the OrganizationalUnitId "
                         "that you specified.");
        ++describes_[id];
        return ok("{\"OrganizationalUnit\":{\"Id\":\"" + id +
                  "\",\"Arn\":\"arn:aws:organizations::" + kManagement + ":ou/o-test/" + id +
                  "\",\"Name\":\"" + it->second.name + "\"}}");
    }

    std::map<std::string, Ou> ous_;
    std::map<std::string, std::string> parent_of_, odd_;
    std::map<std::string, int> throttled_, calls_, describes_;
    bool paging_ = true, denied_ = false;
};

}  // namespace testsupport
