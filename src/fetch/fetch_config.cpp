#include "curcrunch/fetch/fetch_config.hpp"

#include <simdjson.h>

#include <map>
#include <set>

#include "curcrunch/aws/endpoints.hpp"
#include "curcrunch/core/error.hpp"

namespace curcrunch::fetch {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

[[noreturn]] void bad(const std::string& path, const std::string& field, const std::string& why) {
    throw_usage(path + ": " + field + ": " + why);
}

// Refuses unknown keys: a typo in a field name must not silently fall back to a default.
void only_keys(const std::string& path, const std::string& where, object o,
               const std::set<std::string>& allowed) {
    for (auto [k, v] : o)
        if (!allowed.count(std::string(k)))
            bad(path, where.empty() ? std::string(k) : where + "." + std::string(k),
                "unknown field");
}

std::string str(const std::string& path, const std::string& field, object o, const char* key,
                const std::string& fallback) {
    element e;
    if (o[key].get(e)) return fallback;
    std::string_view v;
    if (e.get_string().get(v)) bad(path, field + key, "expected a string");
    return std::string(v);
}

bool flag(const std::string& path, const std::string& field, object o, const char* key,
          bool fallback) {
    element e;
    if (o[key].get(e)) return fallback;
    bool v;
    if (e.get_bool().get(v)) bad(path, field + key, "expected true or false");
    return v;
}

ProfileConfig read_profile(const std::string& path, const std::string& name, element e) {
    const std::string at = "profiles." + name + ".";
    object o;
    if (e.get_object().get(o)) bad(path, "profiles." + name, "expected an object");
    only_keys(
        path, "profiles." + name, o,
        {"access_key_field", "secret_key_field", "role_arn_field", "session_name_field", "role_arn",
         "session_name", "account_id", "cur", "organizations", "invoices", "payments"});
    ProfileConfig p;
    p.name = name;
    p.access_key_field = str(path, at, o, "access_key_field", "aws_" + name + "_access_key_id");
    p.secret_key_field = str(path, at, o, "secret_key_field", "aws_" + name + "_secret_access_key");
    p.role_arn_field = str(path, at, o, "role_arn_field", "aws_" + name + "_roleArn");
    p.session_name_field =
        str(path, at, o, "session_name_field", "aws_" + name + "_roleSessionName");
    p.role_arn = str(path, at, o, "role_arn", "");
    p.session_name = str(path, at, o, "session_name", "curcrunch-" + name);
    p.account_id = str(path, at, o, "account_id", "");
    if (!p.account_id.empty() &&
        (p.account_id.size() != 12 ||
         p.account_id.find_first_not_of("0123456789") != std::string::npos))
        bad(path, at + "account_id", "expected 12 digits");
    p.organizations = flag(path, at, o, "organizations", true);
    p.invoices = flag(path, at, o, "invoices", true);
    p.payments = flag(path, at, o, "payments", true);
    element cur;
    if (!o["cur"].get(cur)) {
        simdjson::dom::array arr;
        if (cur.get_array().get(arr)) bad(path, at + "cur", "expected an array");
        size_t i = 0;
        for (element s : arr) {
            const std::string ct = at + "cur[" + std::to_string(i++) + "]";
            object so;
            if (s.get_object().get(so)) bad(path, ct, "expected an object");
            only_keys(path, ct, so, {"bucket", "prefix", "region"});
            CurSource src{str(path, ct + ".", so, "bucket", ""),
                          str(path, ct + ".", so, "prefix", ""),
                          str(path, ct + ".", so, "region", "")};
            if (src.bucket.empty()) bad(path, ct + ".bucket", "required");
            if (src.prefix.empty()) bad(path, ct + ".prefix", "required");
            if (!src.region.empty() && !aws::is_region_name(src.region))
                bad(path, ct + ".region", "expected a region's name, such as eu-west-1");
            p.cur.push_back(std::move(src));
        }
    }
    return p;
}

}  // namespace

FetchConfig load_fetch_config(const std::string& path) {
    simdjson::dom::parser parser;
    element doc;
    if (auto err = parser.load(path).get(doc))
        throw_usage(path + ": cannot read the fetch configuration: " +
                    std::string(simdjson::error_message(err)));
    object root;
    if (doc.get_object().get(root)) bad(path, "(top level)", "expected a JSON object");
    only_keys(path, "", root, {"region", "vault", "profiles", "endpoints"});
    FetchConfig c;
    c.path = path;
    c.region = str(path, "", root, "region", "");
    element v;
    if (!root["vault"].get(v)) {
        object vo;
        if (v.get_object().get(vo)) bad(path, "vault", "expected an object");
        only_keys(path, "vault", vo,
                  {"kv_mount", "kv_path", "kv_version", "region_field", "aws_engine_mount",
                   "aws_engine_role"});
        c.vault.kv_mount = str(path, "vault.", vo, "kv_mount", c.vault.kv_mount);
        c.vault.kv_path = str(path, "vault.", vo, "kv_path", "");
        int64_t kv = 2;
        element kve;
        if (!vo["kv_version"].get(kve) && (kve.get_int64().get(kv) || (kv != 1 && kv != 2)))
            bad(path, "vault.kv_version", "expected 1 or 2");
        c.vault.kv_version = static_cast<int>(kv);
        c.vault.region_field = str(path, "vault.", vo, "region_field", c.vault.region_field);
        c.vault.aws_engine_mount =
            str(path, "vault.", vo, "aws_engine_mount", c.vault.aws_engine_mount);
        c.vault.aws_engine_role = str(path, "vault.", vo, "aws_engine_role", "");
    }
    object profiles;
    if (root["profiles"].get_object().get(profiles))
        bad(path, "profiles", "required: an object of payer profiles by name");
    for (auto [name, pe] : profiles) {
        std::string n(name);
        if (n.empty() ||
            n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
            bad(path, "profiles." + n, "profile names use a-z, 0-9, _ and - only");
        c.profiles.push_back(read_profile(path, n, pe));
    }
    if (c.profiles.empty()) bad(path, "profiles", "no profile configured");
    // A bucket is in one region, whichever profile reads it (names are unique per partition).
    std::map<std::pair<std::string, std::string>, std::string> bucket_region;
    for (const auto& p : c.profiles)
        for (size_t i = 0; i < p.cur.size(); ++i) {
            if (p.cur[i].region.empty()) continue;
            auto [it, added] = bucket_region.emplace(
                std::make_pair(aws::partition_of(p.cur[i].region), p.cur[i].bucket),
                p.cur[i].region);
            if (!added && it->second != p.cur[i].region)
                bad(path, "profiles." + p.name + ".cur[" + std::to_string(i) + "].region",
                    "bucket " + p.cur[i].bucket + " is given region " + it->second +
                        " elsewhere in this file");
        }
    // One payer, one profile: two would replace each other's (payer, period) units in turn.
    for (size_t i = 0; i < c.profiles.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (!c.profiles[i].account_id.empty() &&
                c.profiles[i].account_id == c.profiles[j].account_id)
                bad(path, "profiles." + c.profiles[i].name + ".account_id",
                    "payer " + c.profiles[i].account_id + " is already profile " +
                        c.profiles[j].name + "'s");
    element eps;
    if (!root["endpoints"].get(eps)) {
        object eo;
        if (eps.get_object().get(eo)) bad(path, "endpoints", "expected an object");
        only_keys(path, "endpoints", eo,
                  {"s3", "sts", "ce", "organizations", "invoicing", "payments"});
        for (auto [k, val] : eo) {
            std::string_view u;
            if (val.get_string().get(u)) bad(path, "endpoints." + std::string(k), "expected a URL");
            c.endpoints[std::string(k)] = std::string(u);
        }
    }
    return c;
}

}  // namespace curcrunch::fetch
