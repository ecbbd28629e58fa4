#pragma once
// A Vault test server on 127.0.0.1 implementing the endpoints curcrunch uses with Vault's own
// envelopes, statuses and error bodies (reference: aws-vault-wire.md §5): AppRole login,
// response-wrapped secret_id unwrap, KV v1 and v2, the AWS secrets engine, namespaces, a sealed
// state, and tokens that live as real Vault tokens do:
// - a token expires `ttl` seconds after its login or last renewal and never outlives its max
//   TTL (counted from the login); an expired or revoked token is gone, and any request made
//   with it gets 403 {"errors":["permission denied"]};
// - renew-self extends the lease by the `increment` asked for (else the role's TTL), capped at
//   the max TTL, and says so in `warnings` as Vault does;
// - revoke-self answers 204; the token and the leases it created (AWS engine credentials) are
//   revoked with it, as when it expires;
// - a role's secret_id may be limited to a number of logins (secret_id_num_uses); a used-up
//   secret_id is deleted, so a further login gets 400 "invalid role or secret ID";
// - a role may issue batch tokens (hvb.), which are neither renewable nor revocable;
// - AWS engine credentials are leases of their own: they end `aws_lease_ttl` seconds after the
//   read or the last PUT sys/leases/renew, never past their max TTL, and with their token;
//   renewing an ended lease gets 400 {"errors":["lease not found"]}.
#include <simdjson.h>

#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "loopback_server.hpp"

namespace testsupport {

class VaultTestServer {
  public:
    struct Role {
        std::string secret_id;
        int token_ttl = 1200;    // seconds
        int token_max_ttl = 0;   // seconds; 0: Vault's system default of 32 days
        int secret_id_uses = 0;  // logins the secret_id allows; 0: unlimited
        bool batch = false;      // batch tokens (hvb.): neither renewable nor revocable
    };

    VaultTestServer() {
        server_.set_handler([this](const SeenRequest& r) { return handle(r); });
    }
    std::string address() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
    LoopbackServer& raw() { return server_; }

    // Configuration (call before requests are made).
    void add_role(const std::string& role_id, const std::string& secret_id, int token_ttl = 1200) {
        add_role(role_id, Role{secret_id, token_ttl, 0, 0});
    }
    void add_role(const std::string& role_id, Role role) {
        std::lock_guard<std::mutex> l(m_);
        roles_[role_id] = std::move(role);
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
    // The secret's latest version (3) soft-deleted (`vault kv delete`) or destroyed (`vault kv
    // destroy`): reads answer 404 with its metadata and no data, as KV v2 does.
    void delete_kv2(const std::string& path, bool destroy = false) {
        kv2_gone_[path] = destroy;
        kv2_.erase(path);
    }
    // AWS engine role: `make(n)` gives the `data` JSON of the n-th credentials read (1, 2, ...),
    // so every read can issue a new key as Vault does for iam_user roles.
    void put_aws_role(const std::string& role, const std::string& data_json) {
        put_aws_role(role, [data_json](int) { return data_json; });
    }
    void put_aws_role(const std::string& role, std::function<std::string(int)> make) {
        std::lock_guard<std::mutex> l(m_);
        aws_[role] = std::move(make);
    }
    // Called (under the server's lock) on every successful AppRole login.
    void on_login(std::function<void()> f) {
        std::lock_guard<std::mutex> l(m_);
        on_login_ = std::move(f);
    }
    // Called (under the server's lock) with the n of each AWS engine read whose lease ends
    // because its token was revoked or expired (Vault deletes an iam_user key then).
    void on_lease_revoked(std::function<void(int)> f) {
        std::lock_guard<std::mutex> l(m_);
        on_lease_revoked_ = std::move(f);
    }
    // revoke-self answers this error (and revokes nothing) from now on.
    void fail_revoke(int status, const std::string& message) {
        std::lock_guard<std::mutex> l(m_);
        revoke_failure_ = {status, message};
    }
    // The lease of AWS engine credentials read from now on (seconds; max 0: 32 days).
    void set_aws_lease(int ttl, int max_ttl) {
        std::lock_guard<std::mutex> l(m_);
        aws_lease_ttl_ = ttl;
        aws_lease_max_ttl_ = max_ttl;
    }
    int lease_renewals() {
        std::lock_guard<std::mutex> l(m_);
        return lease_renewals_;
    }
    void require_namespace(const std::string& ns) { namespace_ = ns; }
    void set_sealed(bool s) { sealed_ = s; }
    int renewals() {
        std::lock_guard<std::mutex> l(m_);
        return renewals_;
    }
    int logins() {
        std::lock_guard<std::mutex> l(m_);
        return logins_;
    }
    int revocations() {
        std::lock_guard<std::mutex> l(m_);
        return revocations_;
    }
    // Renewals whose answer was capped by the max TTL.
    int capped_renewals() {
        std::lock_guard<std::mutex> l(m_);
        return capped_;
    }
    // Requests answered 403 because their token had expired or was revoked.
    int denied() {
        std::lock_guard<std::mutex> l(m_);
        return denied_;
    }
    size_t live_tokens() {
        std::lock_guard<std::mutex> l(m_);
        expire(Clock::now());
        return tokens_.size();
    }

  private:
    using Clock = std::chrono::steady_clock;
    struct Token {
        std::string role;
        Clock::time_point expires, max_expires;
        std::vector<int> leases;  // AWS engine reads made with it
    };
    struct Lease {
        Clock::time_point expires, max_expires;
    };

    static Action error(int status, const std::string& msg) {
        return respond(status, msg.empty() ? "{\"errors\":[]}" : "{\"errors\":[\"" + msg + "\"]}",
                       {{"Content-Type", "application/json"}});
    }
    static Action ok(const std::string& body) {
        return respond(200, body, {{"Content-Type", "application/json"}});
    }
    static int seconds_left(Clock::time_point until, Clock::time_point now) {
        return static_cast<int>(
            std::chrono::duration_cast<std::chrono::seconds>(until - now).count());
    }
    std::string auth_envelope(const std::string& token, int ttl, const std::string& warning,
                              bool batch = false) {
        return "{\"request_id\":\"req-" + std::to_string(serial_) +
               "\",\"lease_id\":\"\",\"renewable\":false,"
               "\"lease_duration\":0,\"data\":null,\"wrap_info\":null,\"warnings\":" +
               (warning.empty() ? "null" : "[\"" + warning + "\"]") +
               ",\"auth\":{"
               "\"client_token\":\"" +
               token + "\",\"accessor\":\"acc-" + token +
               "\",\"policies\":[\"default\","
               "\"curcrunch-billing\"],\"token_policies\":[\"default\",\"curcrunch-billing\"],"
               "\"metadata\":"
               "{\"role_name\":\"curcrunch\"},\"lease_duration\":" +
               std::to_string(ttl) + ",\"renewable\":" + (batch ? "false" : "true") +
               ",\"entity_id\":\"e\",\"token_type\":\"" + (batch ? "batch" : "service") +
               "\",\"orphan\":true,\"mfa_requirement\":null,"
               "\"num_uses\":0},\"mount_type\":\"\"}";
    }
    // Vault revokes a token when its lease ends, and with it every lease it created.
    void revoke(std::map<std::string, Token>::iterator it) {
        for (int n : it->second.leases)
            end_lease(n);
        tokens_.erase(it);
    }
    void end_lease(int n) {
        if (leases_.erase(n) && on_lease_revoked_) on_lease_revoked_(n);
    }
    void expire(Clock::time_point now) {
        for (auto it = leases_.begin(); it != leases_.end();) {
            auto next = std::next(it);
            if (it->second.expires <= now) end_lease(it->first);
            it = next;
        }
        for (auto it = tokens_.begin(); it != tokens_.end();) {
            auto next = std::next(it);
            if (it->second.expires <= now) revoke(it);
            it = next;
        }
    }
    // "30s", "2m", "1h" or a plain number of seconds; 0 when absent or unreadable.
    static int increment_of(const std::string& body) {
        simdjson::dom::parser p;
        simdjson::dom::element e;
        if (body.empty() || p.parse(body).get(e)) return 0;
        int64_t n = 0;
        if (!e["increment"].get_int64().get(n)) return static_cast<int>(n);
        std::string_view s;
        if (e["increment"].get_string().get(s) || s.empty()) return 0;
        const char unit = s.back();
        const int mult = unit == 'h' ? 3600 : unit == 'm' ? 60 : 1;
        if (unit == 'h' || unit == 'm' || unit == 's') s.remove_suffix(1);
        return std::atoi(std::string(s).c_str()) * mult;
    }
    Action login(const SeenRequest& r, Clock::time_point now) {
        simdjson::dom::parser p;
        simdjson::dom::element e;
        std::string_view role_id, secret;
        if (p.parse(r.body).get(e)) return error(400, "failed to parse JSON input");
        if (e["role_id"].get_string().get(role_id)) return error(400, "missing role_id");
        if (e["secret_id"].get_string().get(secret)) return error(400, "missing secret_id");
        auto it = roles_.find(std::string(role_id));
        if (it == roles_.end() || it->second.secret_id.empty() || it->second.secret_id != secret)
            return error(400, "invalid role or secret ID");
        Role& role = it->second;
        if (role.secret_id_uses > 0 && --role.secret_id_uses == 0)
            role.secret_id.clear();  // used up: Vault deletes it
        std::string token = (role.batch ? "hvb.token-" : "hvs.token-") + std::to_string(++serial_);
        const int max_ttl = role.token_max_ttl > 0 ? role.token_max_ttl : 32 * 24 * 3600;
        const int ttl = std::min(role.token_ttl, max_ttl);
        tokens_[token] = Token{
            it->first, now + std::chrono::seconds(ttl), now + std::chrono::seconds(max_ttl), {}};
        ++logins_;
        if (on_login_) on_login_();
        return ok(auth_envelope(token, ttl, "", role.batch));
    }
    Action renew_self(Token& t, const std::string& token, const std::string& body,
                      Clock::time_point now) {
        ++renewals_;
        const int asked = increment_of(body) > 0 ? increment_of(body) : roles_[t.role].token_ttl;
        auto until = now + std::chrono::seconds(asked);
        std::string warning;
        if (until > t.max_expires) {
            until = t.max_expires;
            ++capped_;
            warning = "TTL of \\\"" + std::to_string(asked) +
                      "s\\\" exceeded the effective max_ttl of \\\"" +
                      std::to_string(seconds_left(t.max_expires, now)) +
                      "s\\\"; TTL value is capped accordingly";
        }
        t.expires = until;
        return ok(auth_envelope(token, seconds_left(until, now), warning));
    }
    Action aws_creds(Token& t, const std::string& role, Clock::time_point now) {
        const int n = ++aws_reads_;
        t.leases.push_back(n);
        const int max_ttl = aws_lease_max_ttl_ > 0 ? aws_lease_max_ttl_ : 32 * 24 * 3600;
        const int ttl = std::min(aws_lease_ttl_, max_ttl);
        leases_[n] = Lease{now + std::chrono::seconds(ttl), now + std::chrono::seconds(max_ttl)};
        return ok("{\"request_id\":\"r\",\"lease_id\":\"aws/creds/" + role + "/l" +
                  std::to_string(n) +
                  "\",\"renewable\":true,"
                  "\"lease_duration\":" +
                  std::to_string(ttl) + ",\"data\":" + aws_[role](n) +
                  ",\"wrap_info\":null,"
                  "\"warnings\":null,\"auth\":null}");
    }
    // PUT sys/leases/renew {"lease_id": "aws/creds/<role>/l<n>", "increment": seconds}.
    Action renew_lease(const std::string& body, Clock::time_point now) {
        simdjson::dom::parser p;
        simdjson::dom::element e;
        std::string_view id;
        if (p.parse(body).get(e) || e["lease_id"].get_string().get(id))
            return error(400, "missing lease_id");
        const size_t at = id.rfind("/l");
        const int n =
            at == std::string_view::npos ? 0 : std::atoi(std::string(id.substr(at + 2)).c_str());
        auto it = leases_.find(n);
        if (id.rfind("aws/creds/", 0) != 0 || it == leases_.end())
            return error(400, "lease not found");
        ++lease_renewals_;
        const int asked = increment_of(body) > 0 ? increment_of(body) : aws_lease_ttl_;
        it->second.expires = std::min(now + std::chrono::seconds(asked), it->second.max_expires);
        return ok("{\"request_id\":\"r\",\"lease_id\":\"" + std::string(id) +
                  "\",\"renewable\":true,\"lease_duration\":" +
                  std::to_string(seconds_left(it->second.expires, now)) +
                  ",\"data\":null,\"wrap_info\":null,\"warnings\":null,\"auth\":null}");
    }
    Action handle(const SeenRequest& r) {
        std::lock_guard<std::mutex> l(m_);
        const auto now = Clock::now();
        expire(now);
        if (sealed_) return error(503, "Vault is sealed");
        if (!namespace_.empty() && r.header("X-Vault-Namespace") != namespace_)
            return error(404,
                         "no handler for route \\\"" + r.target + "\\\". route entry not found.");
        const std::string path = r.target.substr(0, r.target.find('?'));
        if (path == "/v1/auth/approle/login" && (r.method == "POST" || r.method == "PUT"))
            return login(r, now);
        if (path == "/v1/sys/wrapping/unwrap") {
            auto it = wrapped_.find(r.header("X-Vault-Token"));
            if (it == wrapped_.end())
                return error(400, "wrapping token is not valid or does not exist");
            std::string body = it->second;
            wrapped_.erase(it);  // single use
            return ok(body);
        }
        const std::string token = r.header("X-Vault-Token");
        auto tok = tokens_.find(token);
        if (tok == tokens_.end()) {
            ++denied_;
            return error(403, "permission denied");
        }
        const bool batch = token.rfind("hvb.", 0) == 0;
        if (path == "/v1/auth/token/renew-self" && (r.method == "POST" || r.method == "PUT"))
            return batch ? error(400, "batch tokens cannot be renewed")
                         : renew_self(tok->second, token, r.body, now);
        if (path == "/v1/auth/token/revoke-self" && (r.method == "POST" || r.method == "PUT")) {
            if (revoke_failure_.first) return error(revoke_failure_.first, revoke_failure_.second);
            if (batch) return error(400, "batch tokens cannot be revoked");
            ++revocations_;
            revoke(tok);
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
        if (path.rfind("/v1/secret/data/", 0) == 0 && kv2_gone_.count(path.substr(16))) {
            const bool destroyed = kv2_gone_[path.substr(16)];
            return respond(
                404,
                "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,"
                "\"data\":{\"data\":null,\"metadata\":{\"created_time\":\"2026-11-01T00:00:00Z\","
                "\"custom_metadata\":null,\"deletion_time\":\"" +
                    std::string(destroyed ? "" : "2026-12-01T09:30:00.123456Z") +
                    "\",\"destroyed\":" + (destroyed ? "true" : "false") +
                    ",\"version\":3}},\"wrap_info\":null,\"warnings\":null,\"auth\":null}",
                {{"Content-Type", "application/json"}});
        }
        if (path.rfind("/v1/aws/creds/", 0) == 0 && aws_.count(path.substr(14)))
            return aws_creds(tok->second, path.substr(14), now);
        if (path == "/v1/sys/leases/renew" && (r.method == "PUT" || r.method == "POST"))
            return renew_lease(r.body, now);
        return error(404, "");
    }

    std::mutex m_;
    std::map<std::string, Role> roles_;
    std::map<std::string, Token> tokens_;
    std::map<std::string, std::string> wrapped_, kv1_, kv2_;
    std::map<std::string, bool> kv2_gone_;  // path -> destroyed (else soft-deleted)
    std::map<std::string, std::function<std::string(int)>> aws_;
    std::string namespace_;
    bool sealed_ = false;
    std::map<int, Lease> leases_;  // live AWS engine leases by read number
    int aws_lease_ttl_ = 3600, aws_lease_max_ttl_ = 0, lease_renewals_ = 0;
    int serial_ = 0, renewals_ = 0, logins_ = 0, revocations_ = 0, capped_ = 0, denied_ = 0,
        aws_reads_ = 0;
    std::function<void()> on_login_;
    std::function<void(int)> on_lease_revoked_;
    std::pair<int, std::string> revoke_failure_{0, ""};
    LoopbackServer server_;  // last: its threads stop before the state above is destroyed
};

}  // namespace testsupport
