#pragma once
// Where each payer profile's AWS credentials come from, in this order:
//   1. Vault, when VAULT_ADDR is set: AppRole login (role_id and secret_id from VAULT_ROLE_ID /
//      VAULT_SECRET_ID or from files given by path — never from the command line; a
//      response-wrapped secret_id is unwrapped), then either the KV secret that holds every
//      profile's keys (fields aws_<profile>_access_key_id, ...) or the AWS secrets engine.
//   2. Otherwise AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
// The Vault token stays with the source (renewed on long runs, revoked by finish()); every
// secret is a Secret, wiped when dropped.
#include <map>
#include <memory>
#include <string>

#include "curcrunch/aws/sigv4.hpp"
#include "curcrunch/fetch/fetch_config.hpp"
#include "curcrunch/vault/vault_client.hpp"

namespace curcrunch::fetch {

struct VaultLogin {
    std::string role_id_file, secret_id_file;  // empty: from the environment
    bool secret_id_wrapped = false;
};

struct ProfileCredentials {
    aws::Credentials base;
    std::string role_arn, session_name, region;
    std::string source;  // "vault kv", "vault aws engine", "environment": for messages
};

class CredentialSource {
  public:
    CredentialSource(const FetchConfig& config, const VaultLogin& login,
                     net::ResilientClient& http);
    ~CredentialSource();
    bool uses_vault() const { return vault_ != nullptr; }
    // Reads what every profile in `names` needs; throws Error(remote/usage) naming the profile
    // and the missing field, never a value.
    std::map<std::string, ProfileCredentials> resolve(const std::vector<std::string>& names);
    void keep_alive();  // renews the Vault token when due
    void finish();      // revokes the Vault token (best effort)

  private:
    const FetchConfig& config_;
    std::unique_ptr<vault::VaultClient> vault_;
};

// Reads a secret from a file (trailing newline removed); the buffer is wiped.
Secret read_secret_file(const std::string& path, const char* what);

}  // namespace curcrunch::fetch
