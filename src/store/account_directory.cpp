#include "curcrunch/store/account_directory.hpp"

#include <algorithm>
#include <tuple>

namespace curcrunch::store {
namespace {

bool table_has(Database& db, const char* table, const char* column) {
    auto st = db.prepare("SELECT count(*) FROM pragma_table_info(?) WHERE name = ?");
    st.bind(1, table).bind(2, column);
    return st.step() && st.column_int(0) > 0;
}

bool twelve_digits(const std::string& s) {
    return s.size() == 12 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

std::string AccountInfo::ou_id() const {
    const size_t slash = ou_ids.rfind('/');
    return slash == std::string::npos ? ou_ids : ou_ids.substr(slash + 1);
}

std::string account_label(const std::string& name, const std::string& id) {
    return name.empty() || name == id ? id : name + " (" + id + ")";
}

std::string management_account_of_arn(const std::string& arn) {
    // arn:partition:service:region:account:resource; Organizations puts the management
    // account in the account field of every account ARN.
    size_t pos = 0;
    for (int i = 0; i < 4; ++i) {
        pos = arn.find(':', pos);
        if (pos == std::string::npos) return {};
        ++pos;
    }
    std::string id = arn.substr(pos, arn.find(':', pos) - pos);
    return arn.compare(0, 22, "arn:aws:organizations:") == 0 && twelve_digits(id) ? id : "";
}

AccountDirectory AccountDirectory::load(Database& db, bool cur_payers) {
    AccountDirectory d;
    if (table_has(db, "account", "id")) {
        const bool has_ou = table_has(db, "account", "ou_path");
        auto st = db.prepare(std::string("SELECT id, name, email, state, joined_at, arn, "
                                         "payer_profile, updated_at, ") +
                             (has_ou ? "ou_path, ou_ids" : "'', ''") + " FROM account");
        while (st.step()) {
            AccountInfo a;
            a.id = st.column_text(0);
            a.name = st.column_text(1);
            a.email = st.column_text(2);
            a.state = st.column_text(3);
            a.joined_at = st.column_text(4);
            a.payer = management_account_of_arn(st.column_text(5));
            a.payer_profile = st.column_text(6);
            a.updated_at = st.column_text(7);
            a.ou_path = st.column_text(8);
            a.ou_ids = st.column_text(9);
            a.listed = true;
            d.by_id_.emplace(a.id, std::move(a));
        }
    }
    if (!cur_payers || !table_has(db, "cost_daily", "payer_account")) return d;
    // An account can move between organisations: its latest day's payer is the one it has.
    auto st = db.prepare(
        "SELECT u.value, p.value, x.last FROM (SELECT usage_account, payer_account, max(day) AS "
        "last FROM cost_daily GROUP BY usage_account, payer_account) x JOIN dim u ON u.id = "
        "x.usage_account JOIN dim p ON p.id = x.payer_account ORDER BY x.last");
    while (st.step()) {
        AccountInfo& a = d.by_id_[st.column_text(0)];
        if (a.id.empty()) a.id = st.column_text(0);
        if (!a.listed || a.payer.empty()) a.payer = st.column_text(1);
    }
    return d;
}

std::string AccountDirectory::stamp(Database& db) {
    if (!table_has(db, "account", "updated_at")) return "none";
    auto st = db.prepare("SELECT count(*), coalesce(max(updated_at), '') FROM account");
    st.step();
    return std::to_string(st.column_int(0)) + "|" + st.column_text(1);
}

const AccountInfo* AccountDirectory::find(const std::string& id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second;
}

std::string AccountDirectory::label(const std::string& id) const {
    const AccountInfo* a = find(id);
    return account_label(a ? a->name : "", id);
}

std::string AccountDirectory::payer_label(const std::string& id) const {
    const AccountInfo* a = find(id);
    return a && !a->payer.empty() ? label(a->payer) : "";
}

std::vector<const AccountInfo*> AccountDirectory::listed() const {
    std::vector<const AccountInfo*> out;
    for (const auto& [id, a] : by_id_)
        if (a.listed) out.push_back(&a);
    std::stable_sort(out.begin(), out.end(), [](const AccountInfo* x, const AccountInfo* y) {
        return x->payer_profile < y->payer_profile;
    });
    return out;
}

std::vector<OuGroup> AccountDirectory::by_ou(const std::map<std::string, Amount>& costs) const {
    // (no OU, path, id) -> group: the groups without an OU come last.
    std::map<std::tuple<bool, std::string, std::string>, OuGroup> groups;
    auto add = [&](const std::string& path, const std::string& ou_id, const std::string& account) {
        OuGroup& g = groups[{ou_id.empty(), path, ou_id}];
        g.ou_path = path;
        g.ou_id = ou_id;
        g.account_ids.push_back(account);  // by_id_ and costs are both in id order
        if (auto c = costs.find(account); c != costs.end()) g.cost += c->second;
    };
    for (const auto& [id, a] : by_id_)
        if (a.listed) add(a.ou_ids.empty() ? kOuUnknown : a.ou_path, a.ou_id(), id);
    for (const auto& [id, cost] : costs) {
        const AccountInfo* a = find(id);
        if (!a || !a->listed) add(kNotInOrganizations, "", id);
    }
    std::vector<OuGroup> out;
    out.reserve(groups.size());
    for (auto& [key, g] : groups)
        out.push_back(std::move(g));
    return out;
}

}  // namespace curcrunch::store
