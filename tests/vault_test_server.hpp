#pragma once
// A Vault test server on 127.0.0.1 implementing the endpoints curcrunch uses with Vault's own
// envelopes, statuses and error bodies (reference: aws-vault-wire.md §5): AppRole login,
// response-wrapped secret_id unwrap, token renew-self / revoke-self with TTLs, KV v1 and v2,
// the AWS secrets engine, namespaces, and a sealed state.
#include <simdjson.h>

#include <functional>
#include <map>
#include <set>
#include <string>

#include "loopback_server.hpp"

namespace testsupport {

class VaultTestServer {
  public:
    VaultTestServer() {
        server_.set_handler([this](const SeenRequest& r) { return handle(r); });
    }
    std::string address() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
    LoopbackServer& raw() { return server_; }

    // Configuration (call before requests are made).
    void add_role(const std::string& role_id, const std::string& secret_id, int token_ttl = 1200) {
        std::lock_guard<std::mutex> l(m_);
        roles_[role_id] = {secret_id, token_ttl};
    }
    std::string wrap_secret_id(const std::string& secret_id) {
        std::lock_guard<std::mutex> l(m_);
        std::string t = "hvs.wrap-" + std::to_string(++serial_);
        wrapped_[t] =
            "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,"
            "\"data\":{\"secret_id\":\"" +
            secret_id +
            "\",\"secret_id_accessor\":\"acc\","
            "\"secret_id_ttl\":600},\"wrap_info\":null,\"warnings\":null,\"auth\":null}";
        return t;
    }
    void put_kv1(const std::string& path, const std::string& data_json) { kv1_[path] = data_json; }
    void put_kv2(const std::string& path, const std::string& data_json) { kv2_[path] = data_json; }
    void put_aws_role(const std::string& role, const std::string& data_json) {
        aws_[role] = data_json;
    }
    // Called (under the server's lock) on every successful AppRole login.
    void on_login(std::function<void()> f) {
        std::lock_guard<std::mutex> l(m_);
        on_login_ = std::move(f);
    }
    void require_namespace(const std::string& ns) { namespace_ = ns; }
    void set_sealed(bool s) { sealed_ = s; }
    int renewals() const { return renewals_; }
    size_t live_tokens() {
        std::lock_guard<std::mutex> l(m_);
        return tokens_.size();
    }

  private:
    static Action error(int status, const std::string& msg) {
        return respond(status, msg.empty() ? "{\"errors\":[]}" : "{\"errors\":[\"" + msg + "\"]}",
                       {{"Content-Type", "application/json"}});
    }
    static Action ok(const std::string& body) {
        return respond(200, body, {{"Content-Type", "application/json"}});
    }
    std::string auth_envelope(const std::string& token, int ttl) {
        return "{\"request_id\":\"req-" + std::to_string(serial_) +
               "\",\"lease_id\":\"\",\"renewable\":false,"
               "\"lease_duration\":0,\"data\":null,\"wrap_info\":null,\"warnings\":null,\"auth\":{"
               "\"client_token\":\"" +
               token + "\",\"accessor\":\"acc-" + token +
               "\",\"policies\":[\"default\","
               "\"curcrunch-billing\"],\"token_policies\":[\"default\",\"curcrunch-billing\"],"
               "\"metadata\":"
               "{\"role_name\":\"curcrunch\"},\"lease_duration\":" +
               std::to_string(ttl) +
               ",\"renewable\":true,"
               "\"entity_id\":\"e\",\"token_type\":\"service\",\"orphan\":true,\"mfa_requirement\":"
               "null,"
               "\"num_uses\":0},\"mount_type\":\"\"}";
    }
    Action handle(const SeenRequest& r) {
        std::lock_guard<std::mutex> l(m_);
        if (sealed_) return error(503, "Vault is sealed");
        if (!namespace_.empty() && r.header("X-Vault-Namespace") != namespace_)
            return error(404,
                         "no handler for route \\\"" + r.target + "\\\". route entry not found.");
        const std::string path = r.target.substr(0, r.target.find('?'));
        if (path == "/v1/auth/approle/login" && (r.method == "POST" || r.method == "PUT")) {
            simdjson::dom::parser p;
            simdjson::dom::element e;
            std::string_view role, secret;
            if (p.parse(r.body).get(e)) return error(400, "failed to parse JSON input");
            if (e["role_id"].get_string().get(role)) return error(400, "missing role_id");
            if (e["secret_id"].get_string().get(secret)) return error(400, "missing secret_id");
            auto it = roles_.find(std::string(role));
            if (it == roles_.end() || it->second.first != secret)
                return error(400, "invalid role or secret ID");
            std::string token = "hvs.token-" + std::to_string(++serial_);
            tokens_[token] = it->second.second;
            if (on_login_) on_login_();
            return ok(auth_envelope(token, it->second.second));
        }
        if (path == "/v1/sys/wrapping/unwrap") {
            auto it = wrapped_.find(r.header("X-Vault-Token"));
            if (it == wrapped_.end())
                return error(400, "wrapping token is not valid or does not exist");
            std::string body = it->second;
            wrapped_.erase(it);  // single use
            return ok(body);
        }
        const std::string token = r.header("X-Vault-Token");
        if (!tokens_.count(token)) return error(403, "permission denied");
        if (path == "/v1/auth/token/renew-self") {
            ++renewals_;
            return ok(auth_envelope(token, tokens_[token]));
        }
        if (path == "/v1/auth/token/revoke-self") {
            tokens_.erase(token);
            return respond(204, "");
        }
        if (path.rfind("/v1/kv/", 0) == 0 && kv1_.count(path.substr(7)))
            return ok(
                "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":"
                "3600,\"data\":" +
                kv1_[path.substr(7)] + ",\"wrap_info\":null,\"warnings\":null,\"auth\":null}");
        if (path.rfind("/v1/secret/data/", 0) == 0 && kv2_.count(path.substr(16)))
            return ok(
                "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,"
                "\"data\":"
                "{\"data\":" +
                kv2_[path.substr(16)] +
                ",\"metadata\":{\"created_time\":"
                "\"2026-11-01T00:00:00Z\",\"custom_metadata\":null,\"deletion_time\":\"\","
                "\"destroyed\":false,"
                "\"version\":3}},\"wrap_info\":null,\"warnings\":null,\"auth\":null}");
        if (path.rfind("/v1/aws/creds/", 0) == 0 && aws_.count(path.substr(14)))
            return ok("{\"request_id\":\"r\",\"lease_id\":\"aws/creds/" + path.substr(14) +
                      "/l1\",\"renewable\":true,"
                      "\"lease_duration\":3600,\"data\":" +
                      aws_[path.substr(14)] +
                      ",\"wrap_info\":null,"
                      "\"warnings\":null,\"auth\":null}");
        return error(404, "");
    }

    LoopbackServer server_;
    std::mutex m_;
    std::map<std::string, std::pair<std::string, int>> roles_;
    std::map<std::string, int> tokens_;
    std::map<std::string, std::string> wrapped_, kv1_, kv2_, aws_;
    std::string namespace_;
    bool sealed_ = false;
    int serial_ = 0, renewals_ = 0;
    std::function<void()> on_login_;
};

}  // namespace testsupport
