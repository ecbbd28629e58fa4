#pragma once
// The uids of every measurement ever ingested, for de-duplication (store table
// meter_uid_bucket). A uid is kept as two independent stable 64-bit hashes (meter_values.hpp),
// so two different uids are confused only when 128 bits of hash agree; with its content hash
// and the ingest that brought it.
//
// Why not one SQLite row per uid: a row costs a B-tree insert (several microseconds), a million
// measurements a second needs far less. The index is 4096 buckets (the top 12 bits of the
// first hash), each one blob of sorted 28-byte entries: an ingest reads the buckets its uids
// fall in, merges in memory and writes each touched bucket once. The cost of an ingest thus
// grows with the uids already stored in the buckets it touches (28 bytes each; a large ingest
// touches every bucket), not with SQLite's per-row overhead.
#include <cstdint>
#include <functional>
#include <vector>

#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

struct UidKey {
    uint64_t h1 = 0, h2 = 0;  // the uid's two hashes
    uint64_t content = 0;     // the measurement's content hash
    bool operator<(const UidKey& o) const { return h1 != o.h1 ? h1 < o.h1 : h2 < o.h2; }
    bool same_uid(const UidKey& o) const { return h1 == o.h1 && h2 == o.h2; }
};

struct UidVerdict {
    enum class Kind : uint8_t { fresh, duplicate, conflict } kind = Kind::fresh;
    uint32_t earlier_ingest = 0;  // duplicate, conflict: the ingest that holds the uid
};

// `n` keys, key(0) .. key(n - 1), sorted by uid hashes, no uid twice (given one at a time, so
// the caller needs no second array of them). Returns a verdict per key, and adds the fresh ones
// (as brought by `ingest_id`) inside the caller's transaction; `write` false only checks.
std::vector<UidVerdict> record_uids(store::Database& db, size_t n,
                                    const std::function<UidKey(size_t)>& key, uint32_t ingest_id,
                                    bool write);

}  // namespace curcrunch::billing
