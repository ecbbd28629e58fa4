#include "curcrunch/vault/vault_client.hpp"

#include <openssl/crypto.h>
#include <simdjson.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/log.hpp"

namespace curcrunch::vault {
namespace {

// Wipes a response body that held a secret once it has been parsed.
struct Wipe {
    std::string& s;
    ~Wipe() {
        if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    }
};

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body,
                             const std::string& what) {
    simdjson::dom::element e;
    if (p.parse(body).get(e))
        throw Error(ErrorKind::remote, "vault " + what + ": response is not JSON");
    return e;
}

// auth.lease_duration, auth.renewable and auth.token_type (absent: 0, false, service).
TokenLease lease_of(simdjson::dom::element auth) {
    TokenLease out;
    int64_t ttl = 0;
    if (!auth["lease_duration"].get_int64().get(ttl) && ttl > 0)
        out.ttl = std::chrono::seconds(ttl);
    bool renewable = false;
    if (!auth["renewable"].get_bool().get(renewable)) out.renewable = renewable;
    std::string_view type;
    out.batch = !auth["token_type"].get_string().get(type) && type == "batch";
    if (out.batch) out.renewable = false;
    return out;
}

// A KV v2 read of a secret whose latest version was deleted or destroyed answers 404 with no
// errors, only the version's metadata (KV v2 API: data.data null, data.metadata.deletion_time,
// destroyed): what happened to it, or "" when the body is not that.
std::string kv2_version_gone(simdjson::dom::element e) {
    simdjson::dom::element meta;
    if (e["data"]["metadata"].get(meta)) return {};
    int64_t version = 0;
    bool destroyed = false;
    std::string_view deleted;
    if (meta["version"].get_int64().get(version)) return {};
    const std::string which = "version " + std::to_string(version) + " of the secret";
    if (!meta["destroyed"].get_bool().get(destroyed) && destroyed)
        return which + " was destroyed: write a new version";
    if (!meta["deletion_time"].get_string().get(deleted) && !deleted.empty())
        return which + " was deleted at " + std::string(deleted) +
               ": undelete it (vault kv undelete -versions=" + std::to_string(version) +
               ") or write a new version";
    return {};
}

std::string vault_errors(const net::Response& r) {
    simdjson::dom::parser p;
    simdjson::dom::element e;
    std::string out;
    simdjson::dom::array errors;
    if (p.parse(r.body).get(e)) return out;
    if (!e["errors"].get_array().get(errors)) {
        for (auto m : errors) {
            std::string_view sv;
            if (!m.get_string().get(sv)) out += (out.empty() ? "" : "; ") + std::string(sv);
        }
    }
    if (out.empty() && r.status == 404) {
        out = kv2_version_gone(e);
        // Vault's answer to a path nothing is stored at: {"errors":[]}.
        if (out.empty())
            out = "nothing is stored at this path (check the mount, the path and kv_version)";
    }
    // Vault's multi-errors ("1 error occurred:\n\t* permission denied\n\n") are made one line
    // by net::service_message.
    return out;
}

// "https://host:8200" and "/v1/path?query" of an absolute http(s) URL; false when it is not one.
bool split_url(const std::string& url, std::string& origin, std::string& target) {
    const size_t scheme = url.find("://");
    if (scheme == std::string::npos) return false;
    const std::string s = url.substr(0, scheme);
    if (s != "http" && s != "https") return false;
    const size_t slash = url.find('/', scheme + 3);
    origin = url.substr(0, slash);
    target = slash == std::string::npos ? "/" : url.substr(slash);
    if (origin.size() == scheme + 3) return false;
    for (char c : url)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
    return true;
}

// Where a standby node that does not forward requests sends one: Vault answers 307 with the
// active node's address in Location (its HA documentation), and its own client sends the
// request there. Only the node may change: the same path and query, and never from https to
// http, since the token (and at login, the secret_id) goes along. "" when `r` is not that.
std::string active_node_url(const net::Response& r, const std::string& url) {
    const std::string* location = r.header("location");
    std::string from_origin, from_target, to_origin, to_target;
    if (r.status != 307 || !location || !split_url(url, from_origin, from_target) ||
        !split_url(*location, to_origin, to_target) || to_target != from_target ||
        to_origin == from_origin)
        return {};
    if (from_origin.rfind("https://", 0) == 0 && to_origin.rfind("https://", 0) != 0) return {};
    return *location;
}

}  // namespace

VaultClient::VaultClient(VaultConfig config, net::ResilientClient& http)
    : config_(std::move(config)), http_(http) {
    while (!config_.address.empty() && config_.address.back() == '/')
        config_.address.pop_back();
}

VaultClient::~VaultClient() = default;

std::string VaultClient::request(const char* method, const std::string& path,
                                 const std::string& body, const std::string& operation,
                                 const Secret* token) {
    std::string url = config_.address + "/v1/" + path;
    long status = 0;
    auto make = [&](int) {
        status = 0;
        net::Request r;
        r.method = method;
        r.url = url;
        if (token && !token->empty())
            r.headers.emplace_back("X-Vault-Token", std::string(token->reveal()));
        if (!config_.namespace_path.empty())
            r.headers.emplace_back("X-Vault-Namespace", config_.namespace_path);
        r.headers.emplace_back("X-Vault-Request", "true");
        if (!body.empty()) {
            r.headers.emplace_back("Content-Type", "application/json");
            r.body = body;
        }
        return r;
    };
    // Vault answers with {"errors":[...]}: its text ends the message (it names no secret).
    net::CallOptions o{"vault", operation, net::ServiceKind::vault};
    o.reroute = [&](const net::Response& r, const net::ServiceError&) {
        std::string active = active_node_url(r, url);
        if (active.empty()) return false;
        log::info("vault " + operation + ": a standby node sent it to the active node, " +
                  active.substr(0, active.find("/v1/")));
        url = std::move(active);
        return true;
    };
    net::Response resp;
    try {
        resp = http_.call(o, make, [&](const net::Response& r) {
            status = r.status;
            return net::ServiceError{"", r.status >= 400 ? vault_errors(r) : std::string()};
        });
    } catch (const Error& e) {
        throw VaultError(status, e.what());
    }
    return std::move(resp.body);
}

bool VaultClient::logged_in() const {
    std::lock_guard<std::mutex> l(m_);
    return !token_.empty();
}

Secret VaultClient::unwrap_secret_id(const Secret& wrapping_token) {
    std::lock_guard<std::mutex> l(m_);
    std::string body =
        request("POST", "sys/wrapping/unwrap", "", "sys/wrapping/unwrap", &wrapping_token);
    Wipe w{body};
    simdjson::dom::parser p;
    std::string_view v;
    if (parse(p, body, "unwrap")["data"]["secret_id"].get_string().get(v))
        throw Error(ErrorKind::remote,
                    "vault sys/wrapping/unwrap: the wrapped response holds no secret_id");
    return Secret(std::string(v));
}

TokenLease VaultClient::login_approle(const Secret& role_id, const Secret& secret_id,
                                      bool wrapped) {
    if (!wrapped) return login_approle(role_id, secret_id);
    return login_approle(role_id, unwrap_secret_id(secret_id));
}

TokenLease VaultClient::login_approle(const Secret& role_id, const Secret& secret_id,
                                      Secret* replaced) {
    std::string payload = "{\"role_id\":" + json_quote(role_id.reveal()) +
                          ",\"secret_id\":" + json_quote(secret_id.reveal()) + "}";
    Wipe wp{payload};
    std::lock_guard<std::mutex> l(m_);
    std::string body =
        request("POST", "auth/approle/login", payload, "auth/approle/login", nullptr);
    Wipe w{body};
    simdjson::dom::parser p;
    simdjson::dom::element auth = parse(p, body, "auth/approle/login")["auth"];
    std::string_view tok;
    if (auth.is_null() || auth["client_token"].get_string().get(tok))
        throw Error(ErrorKind::remote,
                    "vault auth/approle/login: response has no auth.client_token");
    Secret fresh{std::string(tok)};
    if (replaced) *replaced = std::move(token_);
    token_ = std::move(fresh);
    return lease_of(auth);
}

std::map<std::string, Secret> VaultClient::read_kv(const std::string& mount,
                                                   const std::string& path, int version) {
    std::lock_guard<std::mutex> l(m_);
    if (token_.empty()) throw Error(ErrorKind::usage, "vault: read before login");
    const std::string full = version == 2 ? mount + "/data/" + path : mount + "/" + path;
    std::string body = request("GET", full, "", "read " + full, &token_);
    Wipe w{body};
    simdjson::dom::parser p;
    simdjson::dom::element data = parse(p, body, "read " + full)["data"];
    if (version == 2) data = data["data"];
    simdjson::dom::object obj;
    if (data.get_object().get(obj))
        throw Error(ErrorKind::remote, "vault read " + full +
                                           ": no secret data (deleted version, or not a KV v" +
                                           std::to_string(version) + " mount?)");
    std::map<std::string, Secret> out;
    for (auto field : obj) {
        std::string_view v;
        if (!field.value.get_string().get(v))
            out.emplace(std::string(field.key), Secret(std::string(v)));
    }
    return out;
}

AwsCredentials VaultClient::aws_creds(const std::string& mount, const std::string& role) {
    std::lock_guard<std::mutex> l(m_);
    if (token_.empty()) throw Error(ErrorKind::usage, "vault: read before login");
    const std::string path = mount + "/creds/" + role;
    std::string body = request("GET", path, "", "read " + path, &token_);
    Wipe w{body};
    simdjson::dom::parser p;
    simdjson::dom::element root = parse(p, body, "read " + path);
    AwsCredentials c;
    c.read_at = std::chrono::steady_clock::now();
    std::string_view ak, sk, st, lease_id;
    if (root["data"]["access_key"].get_string().get(ak) ||
        root["data"]["secret_key"].get_string().get(sk))
        throw Error(ErrorKind::remote,
                    "vault read " + path + ": no access_key/secret_key in the response");
    c.access_key_id = std::string(ak);
    c.secret_access_key = Secret(std::string(sk));
    if (!root["data"]["security_token"].get_string().get(st))
        c.session_token = Secret(std::string(st));
    if (!root["lease_id"].get_string().get(lease_id)) c.lease_id = std::string(lease_id);
    int64_t lease = 0;
    if (!root["lease_duration"].get_int64().get(lease) && lease > 0)
        c.lease = std::chrono::seconds(lease);
    bool renewable = false;
    if (!root["renewable"].get_bool().get(renewable)) c.renewable = renewable;
    return c;
}

LeaseGrant VaultClient::renew_lease(const std::string& lease_id, std::chrono::seconds increment) {
    std::lock_guard<std::mutex> l(m_);
    if (token_.empty()) throw Error(ErrorKind::usage, "vault: lease renewal before login");
    // Lease ids are Vault's own path-like names ("aws/creds/<role>/<id>"), not secrets.
    std::string ask = "{\"lease_id\":" + json_quote(lease_id);
    if (increment.count() > 0) ask += ",\"increment\":" + std::to_string(increment.count());
    ask += "}";
    const std::string body = request("PUT", "sys/leases/renew", ask, "sys/leases/renew", &token_);
    simdjson::dom::parser p;
    simdjson::dom::element root = parse(p, body, "sys/leases/renew");
    LeaseGrant g;
    int64_t ttl = 0;
    if (root["lease_duration"].get_int64().get(ttl) || ttl < 0)
        throw Error(ErrorKind::remote, "vault sys/leases/renew: response has no lease_duration");
    g.ttl = std::chrono::seconds(ttl);
    bool renewable = false;
    if (!root["renewable"].get_bool().get(renewable)) g.renewable = renewable;
    return g;
}

TokenLease VaultClient::renew_self(std::chrono::seconds increment) {
    std::lock_guard<std::mutex> l(m_);
    if (token_.empty()) throw Error(ErrorKind::usage, "vault: renewal before login");
    const std::string ask = increment.count() > 0
                                ? "{\"increment\":\"" + std::to_string(increment.count()) + "s\"}"
                                : std::string("{}");
    std::string body =
        request("POST", "auth/token/renew-self", ask, "auth/token/renew-self", &token_);
    Wipe w{body};
    simdjson::dom::parser p;
    simdjson::dom::element auth = parse(p, body, "auth/token/renew-self")["auth"];
    if (auth.is_null())
        throw Error(ErrorKind::remote, "vault auth/token/renew-self: response has no auth");
    return lease_of(auth);
}

void VaultClient::revoke_self() {
    std::lock_guard<std::mutex> l(m_);
    if (token_.empty()) return;
    Secret token = std::move(token_);  // forgotten either way; it expires on its own
    request("POST", "auth/token/revoke-self", "", "auth/token/revoke-self", &token);
}

void VaultClient::revoke(const Secret& token) {
    if (token.empty()) return;
    std::lock_guard<std::mutex> l(m_);
    request("POST", "auth/token/revoke-self", "", "auth/token/revoke-self", &token);
}

}  // namespace curcrunch::vault
