#include "curcrunch/vault/lease_keeper.hpp"

#include "curcrunch/core/log.hpp"
#include "keeper_retry.hpp"

namespace curcrunch::vault {
namespace {

using detail::is_refusal;
using detail::whole_seconds;

}  // namespace

LeaseKeeper::LeaseKeeper(VaultClient& client, std::function<void()> read_again)
    : client_(client), read_again_(std::move(read_again)) {
    thread_ = std::thread([this] { run(); });
}

LeaseKeeper::~LeaseKeeper() {
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

void LeaseKeeper::track(const std::string& lease_id, std::chrono::seconds ttl, bool renewable) {
    {
        std::lock_guard<std::mutex> l(m_);
        if (lease_id.empty() || ttl.count() <= 0) {
            lease_id_.clear();
            due_ = Clock::time_point::max();
        } else {
            const Clock::time_point now = Clock::now();
            lease_id_ = lease_id;
            asked_ = ttl;
            renewable_ = renewable;
            expires_ = now + ttl;
            // Two thirds of the lease, as for the token (vault/token_keeper.hpp).
            due_ = now + std::chrono::duration_cast<Clock::duration>(ttl) * 2 / 3;
        }
    }
    wake_.notify_all();
}

std::string LeaseKeeper::lost() const {
    std::lock_guard<std::mutex> l(m_);
    return lost_;
}

int LeaseKeeper::renewals() const {
    std::lock_guard<std::mutex> l(m_);
    return renewals_;
}

int LeaseKeeper::reads() const {
    std::lock_guard<std::mutex> l(m_);
    return reads_;
}

void LeaseKeeper::run() {
    std::unique_lock<std::mutex> l(m_);
    for (;;) {
        if (stopping_ || !lost_.empty()) return;
        // time_point::max() must not reach wait_until, whose clock conversion would overflow.
        if (due_ == Clock::time_point::max()) {
            wake_.wait(l, [&] { return stopping_ || due_ != Clock::time_point::max(); });
            continue;
        }
        const Clock::time_point due = due_;
        if (Clock::now() < due) {
            wake_.wait_until(l, due, [&] { return stopping_ || due_ != due; });
            continue;
        }
        due_ = Clock::time_point::max();  // a track() during the step sets the next one
        l.unlock();
        const Clock::time_point next = step(Clock::now());
        l.lock();
        if (next != Clock::time_point::max() && due_ == Clock::time_point::max()) due_ = next;
    }
}

LeaseKeeper::Clock::time_point LeaseKeeper::step(Clock::time_point now) {
    std::string id;
    std::chrono::seconds asked;
    bool renewable;
    Clock::time_point expires;
    {
        std::lock_guard<std::mutex> l(m_);
        id = lease_id_;
        asked = asked_;
        renewable = renewable_;
        expires = expires_;
    }
    if (id.empty()) return Clock::time_point::max();
    if (!renewable) return read_new("the AWS credentials' lease is not renewable");
    LeaseGrant got;
    try {
        got = client_.renew_lease(id, asked);
    } catch (const std::exception& e) {
        const auto* ve = dynamic_cast<const VaultError*>(&e);
        const long status = ve ? ve->status() : 0;
        if (!is_refusal(status) && now + std::chrono::seconds(1) < expires) {
            // Vault is failing for now and the credentials last a while: try again.
            const auto wait =
                std::max<Clock::duration>(std::chrono::seconds(1), (expires - now) / 3);
            log::warn("vault: renewing the AWS credentials' lease failed (" +
                      std::string(e.what()) + "); trying again in " + whole_seconds(wait) + " s");
            return now + wait;
        }
        return read_new("renewing the AWS credentials' lease failed (" + std::string(e.what()) +
                        ")");
    }
    {
        std::lock_guard<std::mutex> l(m_);
        ++renewals_;
        if (lease_id_ == id) expires_ = now + got.ttl;
    }
    log::debug("vault: AWS credentials' lease renewed for " + std::to_string(got.ttl.count()) +
               " s");
    if (got.renewable && got.ttl >= asked)
        return now + std::chrono::duration_cast<Clock::duration>(got.ttl) * 2 / 3;
    // Capped at the lease's max TTL (or no longer renewable): new credentials before it ends.
    return read_new("the AWS credentials' lease reaches its max TTL");
}

LeaseKeeper::Clock::time_point LeaseKeeper::read_new(const std::string& why) {
    try {
        read_again_();  // calls track() with the new lease
    } catch (const std::exception& e) {
        std::lock_guard<std::mutex> l(m_);
        lost_ = "vault: " + why + " and new AWS credentials could not be read: " + e.what();
        return Clock::time_point::max();
    }
    std::lock_guard<std::mutex> l(m_);
    ++reads_;
    log::info("vault: " + why + "; new AWS credentials read");
    return Clock::time_point::max();  // track() set the next step
}

}  // namespace curcrunch::vault
