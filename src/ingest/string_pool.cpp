#include "curcrunch/ingest/string_pool.hpp"

#include <algorithm>
#include <cstring>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/hash.hpp"

namespace curcrunch::ingest {

StringPool::StringPool() : table_(1024, Entry{0, kEmpty}), mask_(1023) {
    intern({});
}

std::string_view StringPool::store(std::string_view s) {
    if (s.empty()) return {};
    constexpr size_t kBlock = 64 * 1024;
    if (s.size() > left_) {
        size_t n = s.size() > kBlock / 4 ? s.size() : kBlock;
        blocks_.push_back(std::make_unique<char[]>(n));
        block_bytes_ += n;
        char* b = blocks_.back().get();
        if (n != kBlock) {  // a large string gets its own block; keep the current one
            std::memcpy(b, s.data(), s.size());
            return {b, s.size()};
        }
        cur_ = b;
        left_ = n;
    }
    std::memcpy(cur_, s.data(), s.size());
    std::string_view v(cur_, s.size());
    cur_ += s.size();
    left_ -= s.size();
    return v;
}

void StringPool::clear() {
    std::fill(table_.begin(), table_.end(), Entry{0, kEmpty});
    views_.clear();
    blocks_.clear();
    block_bytes_ = 0;
    cur_ = nullptr;
    left_ = 0;
    intern({});
}

size_t StringPool::bytes() const {
    return table_.size() * sizeof(Entry) + views_.size() * sizeof(std::string_view) + block_bytes_;
}

void StringPool::grow() {
    std::vector<Entry> bigger(table_.size() * 2, Entry{0, kEmpty});
    size_t mask = bigger.size() - 1;
    for (const Entry& e : table_) {
        if (e.id == kEmpty) continue;
        size_t i = e.hash & mask;
        while (bigger[i].id != kEmpty)
            i = (i + 1) & mask;
        bigger[i] = e;
    }
    table_.swap(bigger);
    mask_ = mask;
}

uint32_t StringPool::intern(std::string_view s) {
    const uint64_t h = hash_bytes(s.data(), s.size());
    size_t i = h & mask_;
    for (;;) {
        Entry& e = table_[i];
        if (e.id == kEmpty) break;
        if (e.hash == h) {
            std::string_view v = views_[e.id];
            if (v.size() == s.size() &&
                (s.empty() || std::memcmp(v.data(), s.data(), s.size()) == 0))
                return e.id;
        }
        i = (i + 1) & mask_;
    }
    // Ids are uint32 and kEmpty marks a free table entry; 2^32 distinct strings would need
    // over 100 GB, so this is a guard, not a limit anyone meets.
    if (views_.size() >= kEmpty)
        throw Error(ErrorKind::input, "more than 2^32 - 1 distinct strings in one ingest");
    const uint32_t id = static_cast<uint32_t>(views_.size());
    views_.push_back(store(s));
    table_[i] = Entry{h, id};
    // Load factor <= 1/2 keeps probe sequences short.
    if (views_.size() * 2 > table_.size()) grow();
    return id;
}

}  // namespace curcrunch::ingest
