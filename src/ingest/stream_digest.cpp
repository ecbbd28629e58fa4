#include "stream_digest.hpp"

#include <chrono>

#include "curcrunch/core/log.hpp"

namespace curcrunch::ingest {

void StreamDigest::update(const char* p, size_t n) {
    if (handed_over_) return;
    if (rest_by_ && hashed_ + n > pace_->head_end()) {
        // The head ends at the first aligned offset from here that this chunk reaches; a chunk
        // that ends before one is hashed whole, and the next one hands over.
        constexpr uint64_t kAlign = Sha256::kRestAlign;
        const uint64_t at = (hashed_ + kAlign - 1) / kAlign * kAlign;
        if (at <= hashed_ + n) {
            head_.update(p, static_cast<size_t>(at - hashed_));
            hashed_ = at;
            handed_over_ = true;
            log::debug(path_ + ": sha256 of its first " + std::to_string(at) +
                       " bytes taken as they were parsed; the rest is read again by a hasher "
                       "thread, beside the store write (" +
                       std::to_string(static_cast<uint64_t>(pace_->bytes_per_row())) +
                       " bytes of it per stored row)");
            rest_by_->hash_file_rest(path_, read_, std::move(head_), at, pace_);
            return;
        }
    }
    // The chunk was parsed just before, but is bigger than a core's L2 and may have been parsed
    // on the other core: update() asks for each page's lines ahead (core/sha256.cpp).
    if (!pace_) {
        head_.update(p, n);
    } else {
        // Two clock reads per chunk of megabytes: the speed that sizes the rest (hash_pace.hpp).
        const auto t0 = std::chrono::steady_clock::now();
        head_.update(p, n);
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now() - t0);
        pace_->hashed(n, static_cast<uint64_t>(ns.count()));
    }
    hashed_ += n;
}

}  // namespace curcrunch::ingest
