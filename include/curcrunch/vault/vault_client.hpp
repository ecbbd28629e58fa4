#pragma once
// HashiCorp Vault over its HTTP API (reference: aws-vault-wire.md §5): AppRole login (with a
// response-wrapped secret_id if given), namespaces, KV v1 and v2 reads, the AWS secrets engine,
// token renew-self and revoke-self. Every secret is held as a Secret (wiped when dropped);
// response bodies that carried one are wiped after parsing; messages name paths and Vault's own
// error text, never a value.
//
// Thread-safe: requests are serialised (one connection) and each uses the token current when it
// starts, so a background renewal or a new login (vault/token_keeper.hpp) never races a read.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/secret.hpp"
#include "curcrunch/net/resilience.hpp"

namespace curcrunch::vault {

struct VaultConfig {
    std::string address;         // VAULT_ADDR, e.g. https://vault.example:8200
    std::string namespace_path;  // VAULT_NAMESPACE ("" for none)
};

struct AwsCredentials {
    std::string access_key_id;
    Secret secret_access_key;
    Secret session_token;  // empty for IAM-user keys
    std::string lease_id;
    std::chrono::seconds lease{0};  // 0: no expiry announced
    bool renewable = false;
    std::chrono::steady_clock::time_point read_at;  // when Vault issued them
};

// A secret's lease as Vault granted it at a renewal (lease_duration, renewable).
struct LeaseGrant {
    std::chrono::seconds ttl{0};
    bool renewable = false;
};

// A token's lease as Vault granted it (auth.lease_duration, auth.renewable).
struct TokenLease {
    std::chrono::seconds ttl{0};  // 0: the token does not expire
    bool renewable = false;
    bool batch = false;  // auth.token_type "batch": cannot be renewed or revoked, only expire
};

// A Vault request that failed after its retries: Error(remote) with the HTTP status of the last
// answer (0 when none came: connection failures, timeouts, an open circuit).
class VaultError : public Error {
  public:
    VaultError(long status, const std::string& message)
        : Error(ErrorKind::remote, message), status_(status) {}
    long status() const noexcept { return status_; }

  private:
    long status_;
};

class VaultClient {
  public:
    VaultClient(VaultConfig config, net::ResilientClient& http);
    ~VaultClient();

    // POST sys/wrapping/unwrap with a response-wrapping token holding an AppRole secret_id
    // (single use, as Vault enforces); returns the secret_id.
    Secret unwrap_secret_id(const Secret& wrapping_token);
    // POST auth/approle/login. The new token replaces the current one, which is not revoked:
    // it is moved to `*replaced` when given, else forgotten.
    TokenLease login_approle(const Secret& role_id, const Secret& secret_id,
                             Secret* replaced = nullptr);
    // Both steps: unwraps `secret_id` first when it is a wrapping token.
    TokenLease login_approle(const Secret& role_id, const Secret& secret_id,
                             bool secret_id_is_wrapped);
    // Secret fields of a KV secret; version 1 or 2 of the KV engine.
    std::map<std::string, Secret> read_kv(const std::string& mount, const std::string& path,
                                          int kv_version);
    AwsCredentials aws_creds(const std::string& mount, const std::string& role);
    // POST auth/token/renew-self asking for `increment` more seconds. Vault may grant less: a
    // token never outlives its max TTL, so the answer is capped as that nears.
    TokenLease renew_self(std::chrono::seconds increment);
    // PUT sys/leases/renew for a secret's lease (AWS engine credentials), asking for
    // `increment` more seconds from now. Vault grants less as the lease's max TTL nears.
    LeaseGrant renew_lease(const std::string& lease_id, std::chrono::seconds increment);
    // POST auth/token/revoke-self. The token is forgotten either way (it expires on its own).
    void revoke_self();
    // Revokes a token this client no longer uses (one `login_approle` replaced).
    void revoke(const Secret& token);

    bool logged_in() const;

  private:
    std::string request(const char* method, const std::string& path, const std::string& body,
                        const std::string& operation, const Secret* token);
    VaultConfig config_;
    net::ResilientClient& http_;
    mutable std::mutex m_;  // one request at a time; guards token_
    Secret token_;
};

}  // namespace curcrunch::vault
