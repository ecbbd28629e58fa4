#include "curcrunch/vault/token_keeper.hpp"

#include "curcrunch/core/log.hpp"
#include "keeper_retry.hpp"

namespace curcrunch::vault {
namespace {

using std::chrono::milliseconds;

using detail::is_refusal;
using detail::whole_seconds;

const char* const kSingleUseHint =
    " (a secret_id limited to one use, as response-wrapped ones usually are, cannot log in "
    "again: raise the role's token_max_ttl above the length of a run, or allow the secret_id "
    "more uses)";

}  // namespace

TokenKeeper::TokenKeeper(VaultClient& client, AppRoleLogin login, KeeperOptions options)
    : client_(client), login_(std::move(login)), options_(std::move(options)) {
    if (login_.secret_id_wrapped) {
        // The wrapping token is spent here; the secret_id it held is what later logins use.
        login_.secret_id = client_.unwrap_secret_id(login_.secret_id);
        login_.secret_id_wrapped = false;
    }
    const Clock::time_point now = Clock::now();
    const TokenLease lease = client_.login_approle(login_.role_id, login_.secret_id);
    ++logins_;
    asked_ = lease.ttl;
    const Clock::time_point first = next_step(now, lease);
    thread_ = std::thread([this, first] { run(first); });
}

void TokenKeeper::run(Clock::time_point due) {
    for (;;) {
        {
            std::unique_lock<std::mutex> l(m_);
            if (!lost_.empty()) return;
            // A token without expiry needs nothing until the end (and time_point::max() must
            // not reach wait_until, whose clock conversion would overflow).
            if (due == Clock::time_point::max())
                wake_.wait(l, [&] { return stopping_; });
            else
                wake_.wait_until(l, due, [&] { return stopping_; });
            if (stopping_) return;
        }
        const Clock::time_point now = Clock::now();
        due = must_log_in_ ? log_in_again(now, pending_reason_) : renew(now);
    }
}

TokenKeeper::~TokenKeeper() {
    const std::string warning = finish();
    if (warning.empty()) return;
    try {
        log::warn(warning);
    } catch (...) {  // nothing leaves a destructor
    }
}

std::string TokenKeeper::lost() const {
    std::lock_guard<std::mutex> l(m_);
    return lost_;
}

// When to act next for a token granted `lease` at `now`: at two thirds of the lease, renew it
// (or log in again when it is not renewable). Vault Agent waits the same share.
TokenKeeper::Clock::time_point TokenKeeper::next_step(Clock::time_point now,
                                                      const TokenLease& lease) {
    batch_ = lease.batch;
    if (lease.ttl.count() == 0) {  // never expires: nothing to keep
        expires_ = Clock::time_point::max();
        must_log_in_ = false;
        return Clock::time_point::max();
    }
    expires_ = now + lease.ttl;
    must_log_in_ = !lease.renewable;
    pending_reason_ = "the token is not renewable";
    return now + std::chrono::duration_cast<milliseconds>(lease.ttl) * 2 / 3;
}

TokenKeeper::Clock::time_point TokenKeeper::renew(Clock::time_point now) {
    TokenLease got;
    try {
        got = client_.renew_self(asked_);
    } catch (const VaultError& e) {
        if (is_refusal(e.status()))  // 403: expired or revoked meanwhile
            return log_in_again(now, "renew-self was refused (" + std::string(e.what()) + ")");
        if (now + std::chrono::seconds(1) < expires_) {
            const auto wait = std::max<Clock::duration>(milliseconds(1000), (expires_ - now) / 3);
            log::warn("vault: token renewal failed (" + std::string(e.what()) +
                      "); trying again in " + whole_seconds(wait) + " s");
            return now + wait;
        }
        return log_in_again(now, "the token expired while Vault could not renew it");
    } catch (const std::exception& e) {
        return log_in_again(now, "renew-self failed (" + std::string(e.what()) + ")");
    }
    ++renewals_;
    log::debug("vault: token renewed for " + std::to_string(got.ttl.count()) + " s");
    // Vault grants less than asked only when the max TTL caps it: this token then ends in
    // got.ttl whatever we do, so a new login replaces it now, while it still works.
    if (got.renewable && got.ttl >= asked_) return next_step(now, got);
    expires_ = now + got.ttl;
    return log_in_again(
        now, got.renewable ? "the token reaches its max TTL" : "the token is no longer renewable");
}

TokenKeeper::Clock::time_point TokenKeeper::log_in_again(Clock::time_point now,
                                                         const std::string& reason) {
    Secret replaced;
    TokenLease got;
    try {
        got = client_.login_approle(login_.role_id, login_.secret_id, &replaced);
    } catch (const std::exception& e) {
        const auto* ve = dynamic_cast<const VaultError*>(&e);
        const long status = ve ? ve->status() : 0;
        if (!is_refusal(status) && now + std::chrono::seconds(1) < expires_) {
            // Vault is failing for now and the current token lasts a while: try again.
            const auto wait = std::max<Clock::duration>(milliseconds(1000), (expires_ - now) / 3);
            log::warn("vault: " + reason + "; a new AppRole login failed (" + e.what() +
                      "); trying again in " + whole_seconds(wait) + " s");
            must_log_in_ = true;
            pending_reason_ = reason;
            return now + wait;
        }
        std::lock_guard<std::mutex> l(m_);
        lost_ = "vault: " + reason + " and a new AppRole login failed: " + e.what() +
                (status == 400 ? kSingleUseHint : "");
        return Clock::time_point::max();
    }
    ++logins_;
    asked_ = got.ttl;
    const bool replaced_batch = batch_;
    log::info("vault: " + reason + "; logged in again with the AppRole");
    const Clock::time_point due = next_step(now, got);
    if (options_.on_new_login) {
        try {
            options_.on_new_login();
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> l(m_);
            lost_ = "vault: logged in again, but " + std::string(e.what());
            return Clock::time_point::max();
        }
    }
    if (replaced_batch) return due;  // it cannot be revoked, only expire
    if (options_.keep_replaced_tokens) {
        replaced_.push_back(std::move(replaced));
    } else {
        try {
            client_.revoke(replaced);
        } catch (const std::exception& e) {
            log::debug("vault: the replaced token was not revoked (" + std::string(e.what()) +
                       "); it expires on its own");
        }
    }
    return due;
}

void TokenKeeper::stop() noexcept {
    {
        std::lock_guard<std::mutex> l(m_);
        stopping_ = true;
    }
    wake_.notify_all();
    try {
        if (thread_.joinable()) thread_.join();
    } catch (...) {  // join() throws only when misused (self-join); never here
    }
}

std::string TokenKeeper::finish() noexcept {
    stop();
    if (finished_) return {};
    finished_ = true;
    try {
        // Tokens a login replaced expire within their capped lease anyway: quietly.
        for (const Secret& t : replaced_) {
            try {
                client_.revoke(t);
            } catch (const std::exception&) {
            }
        }
        replaced_.clear();
        const Clock::time_point now = Clock::now();
        if (!client_.logged_in() || now >= expires_ || batch_) return {};  // nothing to revoke
        try {
            client_.revoke_self();
        } catch (const std::exception& e) {
            std::string w = "the Vault token was not revoked (" + std::string(e.what()) +
                            "); it expires on its own";
            if (expires_ != Clock::time_point::max())
                w += " within " + whole_seconds(expires_ - now) + " s";
            return w;
        }
        return {};
    } catch (...) {
        return "the Vault token was not revoked; it expires on its own";
    }
}

}  // namespace curcrunch::vault
