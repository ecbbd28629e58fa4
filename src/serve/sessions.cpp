#include "sessions.hpp"

#include <algorithm>

#include "curcrunch/core/sha256.hpp"
#include "tokens.hpp"

namespace curcrunch::serve {

namespace {

// Only people holding the access token create sessions; the bound keeps a script that logs in
// in a loop from growing the table without end (the least recently used session goes).
constexpr size_t kMaxSessions = 1000;

}  // namespace

SessionStore::SessionStore(std::chrono::milliseconds idle, std::chrono::milliseconds lifetime)
    : idle_(idle), lifetime_(lifetime) {}

bool SessionStore::expired(const Session& s, Clock::time_point now) const {
    return now - s.last_seen >= idle_ || now - s.created >= lifetime_;
}

void SessionStore::purge(Clock::time_point now) {
    std::erase_if(sessions_, [&](const auto& kv) { return expired(kv.second, now); });
    while (sessions_.size() >= kMaxSessions) {
        auto lru = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
            return a.second.last_seen < b.second.last_seen;
        });
        sessions_.erase(lru);
    }
}

std::string SessionStore::create(Clock::time_point now) {
    std::string id = random_hex(32);
    std::lock_guard<std::mutex> l(m_);
    purge(now);
    sessions_[Sha256::of(id)] = {now, now};
    return id;
}

bool SessionStore::touch(const std::string& id, Clock::time_point now) {
    if (id.size() != 64) return false;
    const std::string key = Sha256::of(id);
    std::lock_guard<std::mutex> l(m_);
    auto it = sessions_.find(key);
    if (it == sessions_.end()) return false;
    if (expired(it->second, now)) {
        sessions_.erase(it);
        return false;
    }
    it->second.last_seen = now;
    return true;
}

void SessionStore::end(const std::string& id) {
    const std::string key = Sha256::of(id);
    std::lock_guard<std::mutex> l(m_);
    sessions_.erase(key);
}

}  // namespace curcrunch::serve
