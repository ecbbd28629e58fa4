#pragma once
// Keeps a secret's lease (AWS secrets engine credentials) alive for as long as a run needs it,
// as Vault Agent does for the secrets it renders: a background thread renews the lease at about
// two thirds of its duration (PUT sys/leases/renew); when it cannot be extended as asked —
// Vault capped the renewal at the lease's max TTL, the lease is not renewable, or the renewal
// is refused — it asks for new credentials through `read_again` before the old ones end (Vault
// deletes an iam_user key when its lease ends, and STS credentials cannot be renewed at all).
// `read_again` is expected to call track() with the new lease. When that read fails the keeper
// stops and says why in lost(); the run decides what that means.
//
// Owns its thread (RAII: the destructor stops and joins it); nothing here throws from a
// destructor.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "curcrunch/vault/vault_client.hpp"

namespace curcrunch::vault {

class LeaseKeeper {
  public:
    LeaseKeeper(VaultClient& client, std::function<void()> read_again);
    ~LeaseKeeper();
    LeaseKeeper(const LeaseKeeper&) = delete;
    LeaseKeeper& operator=(const LeaseKeeper&) = delete;

    // Keep this lease from now on (replaces the one kept so far, which is left to expire:
    // requests signed with its keys may still be in flight). A lease without an id or a
    // duration is not kept. Thread-safe, also from inside `read_again`.
    void track(const std::string& lease_id, std::chrono::seconds ttl, bool renewable);
    // Why the credentials could not be kept; "" while all is well. Thread-safe.
    std::string lost() const;
    int renewals() const;
    int reads() const;

  private:
    using Clock = std::chrono::steady_clock;
    void run();
    // One step for the lease kept at `now`; returns when to act next.
    Clock::time_point step(Clock::time_point now);
    Clock::time_point read_new(const std::string& why);

    VaultClient& client_;
    std::function<void()> read_again_;
    mutable std::mutex m_;  // guards everything below but thread_
    std::condition_variable wake_;
    std::string lease_id_;           // "" while nothing is kept
    std::chrono::seconds asked_{0};  // the lease's first duration: what renewals ask for
    bool renewable_ = false;
    Clock::time_point expires_{}, due_ = Clock::time_point::max();
    bool stopping_ = false;
    std::string lost_;
    int renewals_ = 0, reads_ = 0;
    std::thread thread_;  // last: started when everything above is ready
};

}  // namespace curcrunch::vault
