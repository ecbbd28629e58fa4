#pragma once
// HashiCorp Vault over its HTTP API (reference: aws-vault-wire.md §5): AppRole login (with a
// response-wrapped secret_id if given), namespaces, KV v1 and v2 reads, the AWS secrets engine,
// token renew-self before expiry and revoke-self at the end. Every secret is held as a Secret
// (wiped when dropped); response bodies that carried one are wiped after parsing; messages name
// paths and Vault's own error text, never a value.
#include <chrono>
#include <map>
#include <string>

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
    std::chrono::seconds lease{0};
};

class VaultClient {
  public:
    VaultClient(VaultConfig config, net::ResilientClient& http);
    ~VaultClient();

    // POST auth/approle/login. If `secret_id_is_wrapped`, `secret_id` is a wrapping token and
    // is unwrapped first (single use, as Vault enforces).
    void login_approle(const Secret& role_id, const Secret& secret_id,
                       bool secret_id_is_wrapped = false);
    // Secret fields of a KV secret; version 1 or 2 of the KV engine.
    std::map<std::string, Secret> read_kv(const std::string& mount, const std::string& path,
                                          int kv_version);
    AwsCredentials aws_creds(const std::string& mount, const std::string& role);
    // Renews the token when less than a third of its lease is left (or always with force).
    void renew_if_due(bool force = false);
    void revoke_self();  // best effort at the end of a run; the token is forgotten either way

    bool logged_in() const { return !token_.empty(); }
    std::chrono::seconds lease() const { return lease_; }

  private:
    std::string request(const char* method, const std::string& path, const std::string& body,
                        const std::string& operation, const Secret* token);
    VaultConfig config_;
    net::ResilientClient& http_;
    Secret token_;
    std::chrono::seconds lease_{0};
    bool renewable_ = false;
    std::chrono::steady_clock::time_point obtained_;
};

}  // namespace curcrunch::vault
