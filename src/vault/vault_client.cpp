#include "curcrunch/vault/vault_client.hpp"

#include "curcrunch/core/json_text.hpp"

#include <openssl/crypto.h>
#include <simdjson.h>

#include "curcrunch/core/error.hpp"

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

std::string vault_errors(const net::Response& r) {
    simdjson::dom::parser p;
    simdjson::dom::element e;
    std::string out;
    simdjson::dom::array errors;
    if (!p.parse(r.body).get(e) && !e["errors"].get_array().get(errors)) {
        for (auto m : errors) {
            std::string_view sv;
            if (!m.get_string().get(sv)) out += (out.empty() ? "" : "; ") + std::string(sv);
        }
    }
    return out;
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
    const std::string url = config_.address + "/v1/" + path;
    auto make = [&](int) {
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
    // Vault answers with {"errors":[...]}: keep its text for the message (it names no secret).
    std::string detail;
    net::Response resp;
    try {
        resp = http_.call(net::CallOptions{"vault", operation, net::ServiceKind::vault}, make,
                          [&](const net::Response& r) {
                              detail = r.status >= 400 ? vault_errors(r) : std::string();
                              return std::string();
                          });
    } catch (const Error& e) {
        throw Error(ErrorKind::remote,
                    std::string(e.what()) + (detail.empty() ? "" : ": " + detail));
    }
    return std::move(resp.body);
}

void VaultClient::login_approle(const Secret& role_id, const Secret& secret_id, bool wrapped) {
    Secret sid = secret_id;
    if (wrapped) {
        std::string body =
            request("POST", "sys/wrapping/unwrap", "", "sys/wrapping/unwrap", &secret_id);
        Wipe w{body};
        simdjson::dom::parser p;
        std::string_view v;
        if (parse(p, body, "unwrap")["data"]["secret_id"].get_string().get(v))
            throw Error(ErrorKind::remote,
                        "vault sys/wrapping/unwrap: the wrapped response holds no secret_id");
        sid = Secret(std::string(v));
    }
    std::string payload = "{\"role_id\":" + json_quote(role_id.reveal()) +
                          ",\"secret_id\":" + json_quote(sid.reveal()) + "}";
    std::string body =
        request("POST", "auth/approle/login", payload, "auth/approle/login", nullptr);
    OPENSSL_cleanse(payload.data(), payload.size());
    Wipe w{body};
    simdjson::dom::parser p;
    simdjson::dom::element auth = parse(p, body, "auth/approle/login")["auth"];
    std::string_view tok;
    if (auth.is_null() || auth["client_token"].get_string().get(tok))
        throw Error(ErrorKind::remote,
                    "vault auth/approle/login: response has no auth.client_token");
    token_ = Secret(std::string(tok));
    int64_t lease = 0;
    if (auth["lease_duration"].get_int64().get(lease)) lease = 0;
    lease_ = std::chrono::seconds(lease);
    bool renewable = false;
    if (auth["renewable"].get_bool().get(renewable)) renewable = false;
    renewable_ = renewable;
    obtained_ = std::chrono::steady_clock::now();
}

std::map<std::string, Secret> VaultClient::read_kv(const std::string& mount,
                                                   const std::string& path, int version) {
    if (!logged_in()) throw Error(ErrorKind::usage, "vault: read before login");
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
    if (!logged_in()) throw Error(ErrorKind::usage, "vault: read before login");
    const std::string path = mount + "/creds/" + role;
    std::string body = request("GET", path, "", "read " + path, &token_);
    Wipe w{body};
    simdjson::dom::parser p;
    simdjson::dom::element root = parse(p, body, "read " + path);
    AwsCredentials c;
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
    if (!root["lease_duration"].get_int64().get(lease)) c.lease = std::chrono::seconds(lease);
    return c;
}

void VaultClient::renew_if_due(bool force) {
    if (!logged_in() || !renewable_) return;
    const auto age = std::chrono::steady_clock::now() - obtained_;
    if (!force && age < lease_ * 2 / 3) return;
    std::string body =
        request("POST", "auth/token/renew-self", "{}", "auth/token/renew-self", &token_);
    Wipe w{body};
    simdjson::dom::parser p;
    simdjson::dom::element auth = parse(p, body, "auth/token/renew-self")["auth"];
    int64_t lease = 0;
    if (!auth["lease_duration"].get_int64().get(lease)) lease_ = std::chrono::seconds(lease);
    bool renewable = false;
    if (!auth["renewable"].get_bool().get(renewable)) renewable_ = renewable;
    obtained_ = std::chrono::steady_clock::now();
}

void VaultClient::revoke_self() {
    if (!logged_in()) return;
    try {
        request("POST", "auth/token/revoke-self", "", "auth/token/revoke-self", &token_);
    } catch (const Error&) {
        token_ = Secret();  // forget it anyway; it expires on its own
        throw;
    }
    token_ = Secret();
}

}  // namespace curcrunch::vault
