#pragma once
// Where each payer profile's AWS credentials come from, in this order:
//   1. Vault, when VAULT_ADDR is set: AppRole login (role_id and secret_id from VAULT_ROLE_ID /
//      VAULT_SECRET_ID or from files given by path — never from the command line; a
//      response-wrapped secret_id is unwrapped), then either the KV secret that holds every
//      profile's keys (fields aws_<profile>_access_key_id, ...) or the AWS secrets engine.
//   2. Otherwise AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
// The Vault token stays with the source: a vault::TokenKeeper renews it in the background and
// logs in again when it reaches its max TTL, and finish() revokes it. The secret is read once:
// KV keys do not expire with the token, so a new login does not read them again; AWS engine
// credentials do (Vault revokes a token's leases with it), so they are read again after every
// new login and generation() tells the run to pick them up. Their own lease is kept too
// (vault::LeaseKeeper): renewed at two thirds of its duration, and read anew before it reaches
// its max TTL. Every secret is a Secret, wiped when dropped.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "curcrunch/aws/sigv4.hpp"
#include "curcrunch/fetch/fetch_config.hpp"
#include "curcrunch/vault/lease_keeper.hpp"
#include "curcrunch/vault/token_keeper.hpp"
#include "curcrunch/vault/vault_client.hpp"

namespace curcrunch::fetch {

struct VaultLogin {
    std::string role_id_file, secret_id_file;  // empty: from the environment
    bool secret_id_wrapped = false;
};

struct ProfileCredentials {
    aws::Credentials base;
    std::string role_arn, session_name, region;
    std::string source;    // "vault kv", "vault aws engine", "environment": for messages
    std::string unusable;  // set: why this profile has no credentials (names a field, no value)
};

class CredentialSource {
  public:
    // With VAULT_ADDR set, logs in (throws Error(remote) when that fails) and starts keeping
    // the token alive in the background.
    CredentialSource(const FetchConfig& config, const VaultLogin& login,
                     net::ResilientClient& http);
    ~CredentialSource();  // stops the keeper and revokes quietly; never throws
    bool uses_vault() const { return vault_ != nullptr; }
    // What every profile in `names` needs. The secret is read from Vault on the first call
    // only (a failed read throws Error(remote)). A profile whose keys are missing from the
    // secret comes back `unusable`, naming the field, never a value.
    std::map<std::string, ProfileCredentials> resolve(const std::vector<std::string>& names);
    // Changes whenever the credentials resolve() gives changed (AWS engine credentials read
    // again after a new Vault login). Thread-safe.
    uint64_t generation() const { return generation_; }
    // Why the Vault token could not be kept, "" while all is well (or without Vault).
    std::string lost() const;
    // Stops the keeper and revokes the Vault token. Never throws: "" when done, else a warning
    // for the log and the summary (the token then expires on its own).
    std::string finish() noexcept;

  private:
    void read_aws_engine();        // into engine_ (its lease kept from now on), under m_
    void read_aws_engine_again();  // read_aws_engine() for the keepers, generation() moves

    const FetchConfig& config_;
    std::unique_ptr<vault::VaultClient> vault_;
    std::mutex m_;  // guards what was read from Vault: kv_, kv_public_, engine_
    bool read_ = false;
    std::map<std::string, Secret> kv_;
    std::map<std::string, std::string> kv_public_;  // its fields that are not secret
    std::optional<vault::AwsCredentials> engine_;
    std::atomic<uint64_t> generation_{0};
    std::unique_ptr<vault::TokenKeeper> keeper_;        // stopped before the rest goes
    std::unique_ptr<vault::LeaseKeeper> lease_keeper_;  // last: stopped first
};

// Reads a secret from a file (trailing newline removed); the buffer is wiped.
Secret read_secret_file(const std::string& path, const char* what);

}  // namespace curcrunch::fetch
