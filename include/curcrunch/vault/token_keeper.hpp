#pragma once
// Keeps a Vault token usable for as long as a run needs it, the way Vault Agent's auto-auth
// does (reference: aws-vault-wire.md §5.2): a background thread renews the token at about two
// thirds of its lease, whatever the run is doing; when the token cannot be extended any more —
// Vault capped the renewal at the token's max TTL, the token is not renewable, or renew-self is
// refused (403: expired or revoked) — it logs in again with the AppRole. When that login fails
// for good (a secret_id that allows one login, as response-wrapped ones usually do, cannot log
// in twice) the keeper stops and says why in lost(); the run decides what that means.
//
// Owns its thread (RAII: stop() or the destructor joins it); nothing here throws from a
// destructor, and finish() reports a failed revoke as text instead of throwing.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "curcrunch/core/secret.hpp"
#include "curcrunch/vault/vault_client.hpp"

namespace curcrunch::vault {

struct AppRoleLogin {
    Secret role_id, secret_id;
    bool secret_id_wrapped = false;  // secret_id is a response-wrapping token (used once)
};

struct KeeperOptions {
    // Called on the keeper's thread after each new login (not the first), e.g. to read again
    // the credentials whose lease belonged to the old token. An exception from it ends the
    // keeping: lost() then holds its message.
    std::function<void()> on_new_login;
    // False: the token a new login replaces is revoked at once. True: leases it created are
    // still in use (AWS engine credentials die with their token), so it is left to expire by
    // itself (within its capped lease) and revoked by finish() if still alive.
    bool keep_replaced_tokens = false;
};

class TokenKeeper {
  public:
    // Logs in (unwrapping the secret_id first when it is wrapped) and starts keeping the token.
    // Throws VaultError / Error(remote) when that first login fails.
    TokenKeeper(VaultClient& client, AppRoleLogin login, KeeperOptions options = {});
    ~TokenKeeper();
    TokenKeeper(const TokenKeeper&) = delete;
    TokenKeeper& operator=(const TokenKeeper&) = delete;

    // Why the token could not be kept (no secret in it); "" while all is well. Thread-safe.
    std::string lost() const;
    // Stops the background work and revokes the token (and replaced ones still alive). Never
    // throws: returns "" when done or nothing was left to revoke, else a warning naming the
    // failure. Idempotent.
    std::string finish() noexcept;

    int renewals() const { return renewals_; }
    int logins() const { return logins_; }

  private:
    using Clock = std::chrono::steady_clock;
    void run(Clock::time_point first);
    Clock::time_point renew(Clock::time_point now);
    Clock::time_point log_in_again(Clock::time_point now, const std::string& why);
    Clock::time_point next_step(Clock::time_point now, const TokenLease& lease);
    void stop() noexcept;

    VaultClient& client_;
    AppRoleLogin login_;
    KeeperOptions options_;
    // Kept by the keeper thread only (and by finish() after it was joined):
    std::chrono::seconds asked_{0};  // the lease the login granted: what renewals ask for
    Clock::time_point expires_;      // when the current token's lease ends
    bool batch_ = false;             // batch tokens cannot be revoked: they only expire
    bool must_log_in_ = false;       // the next step is a login, not a renewal
    std::string pending_reason_;     // why that login is needed, for the messages
    std::vector<Secret> replaced_;   // tokens left to expire (keep_replaced_tokens)
    std::atomic<int> renewals_{0}, logins_{0};

    mutable std::mutex m_;  // guards stopping_ and lost_
    std::condition_variable wake_;
    bool stopping_ = false;
    std::string lost_;
    bool finished_ = false;
    std::thread thread_;  // last: started when everything above is ready
};

}  // namespace curcrunch::vault
