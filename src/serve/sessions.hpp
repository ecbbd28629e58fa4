#pragma once
// Login sessions, kept in memory: the browser's cookie holds a random id (32 bytes from
// OpenSSL's CSPRNG), never the access token. A session ends after `idle` without a request,
// `lifetime` after its login whatever happens, at logout, and when the server stops. Ids are
// stored as their SHA-256, so neither a lookup's timing nor a look at memory gives one away.
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "client_connection.hpp"

namespace curcrunch::serve {

class SessionStore {
  public:
    SessionStore(std::chrono::milliseconds idle, std::chrono::milliseconds lifetime);

    std::string create(Clock::time_point now);  // the new session's id (64 hex digits)
    // Whether `id` names a live session; if so, its idle time starts again.
    bool touch(const std::string& id, Clock::time_point now);
    void end(const std::string& id);

  private:
    struct Session {
        Clock::time_point created, last_seen;
    };
    bool expired(const Session& s, Clock::time_point now) const;
    void purge(Clock::time_point now);  // caller holds m_

    const std::chrono::milliseconds idle_, lifetime_;
    std::mutex m_;
    std::unordered_map<std::string, Session> sessions_;  // by SHA-256 of the id
};

}  // namespace curcrunch::serve
