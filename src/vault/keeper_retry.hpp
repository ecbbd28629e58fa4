#pragma once
// What the token keeper and the lease keeper share: which of Vault's answers end the retrying,
// and how a wait is written in their log lines.
#include <chrono>
#include <string>

namespace curcrunch::vault::detail {

// 4xx answers other than 412 (eventual consistency) and 429 (quotas) say no for good (an
// expired or revoked token or lease, one that is not renewable): asking again cannot help.
// Everything else (no answer, 5xx, sealed) may pass.
inline bool is_refusal(long status) {
    return status >= 400 && status < 500 && status != 412 && status != 429;
}

inline std::string whole_seconds(std::chrono::steady_clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace curcrunch::vault::detail
