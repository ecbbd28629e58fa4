#include "curcrunch/billing/uid_index.hpp"

#include <cstring>

#include "curcrunch/core/error.hpp"

namespace curcrunch::billing {
namespace {

constexpr size_t kEntry = 28;  // h1, h2, content (u64 little-endian), ingest (u32 little-endian)
constexpr int kBucketBits = 12;

uint32_t bucket_of(uint64_t h1) {
    return static_cast<uint32_t>(h1 >> (64 - kBucketBits));
}

void put_u64(unsigned char* p, uint64_t v) {
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<unsigned char>(v >> (8 * i));
}

uint64_t get_u64(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

struct Stored {
    UidKey key;
    uint32_t ingest;
};

Stored decode(const unsigned char* p) {
    Stored s;
    s.key.h1 = get_u64(p);
    s.key.h2 = get_u64(p + 8);
    s.key.content = get_u64(p + 16);
    s.ingest = 0;
    for (int i = 3; i >= 0; --i)
        s.ingest = (s.ingest << 8) | p[24 + i];
    return s;
}

void encode(unsigned char* p, const UidKey& k, uint32_t ingest) {
    put_u64(p, k.h1);
    put_u64(p + 8, k.h2);
    put_u64(p + 16, k.content);
    for (int i = 0; i < 4; ++i)
        p[24 + i] = static_cast<unsigned char>(ingest >> (8 * i));
}

}  // namespace

std::vector<UidVerdict> record_uids(store::Database& db, const std::vector<UidKey>& keys,
                                    uint32_t ingest_id, bool write) {
    std::vector<UidVerdict> out(keys.size());
    auto get = db.prepare("SELECT keys FROM meter_uid_bucket WHERE bucket = ?");
    auto put =
        db.prepare("INSERT OR REPLACE INTO meter_uid_bucket(bucket, entries, keys) VALUES (?,?,?)");
    std::string merged;
    for (size_t i = 0; i < keys.size();) {
        const uint32_t b = bucket_of(keys[i].h1);
        size_t end = i;
        while (end < keys.size() && bucket_of(keys[end].h1) == b)
            ++end;
        get.bind(1, static_cast<int64_t>(b));
        std::string blob;
        if (get.step()) blob = get.column_blob(0);
        get.reset();
        if (blob.size() % kEntry != 0)
            db.fail("meter_uid_bucket " + std::to_string(b) + " is damaged");
        const auto* old = reinterpret_cast<const unsigned char*>(blob.data());
        const size_t n_old = blob.size() / kEntry;
        // Merge the stored entries and the new keys, both sorted.
        merged.assign((n_old + (end - i)) * kEntry, '\0');
        auto* dst = reinterpret_cast<unsigned char*>(merged.data());
        size_t o = 0, written = 0, added = 0;
        for (size_t k = i; k < end; ++k) {
            while (o < n_old && decode(old + o * kEntry).key < keys[k]) {
                std::memcpy(dst + written++ * kEntry, old + o * kEntry, kEntry);
                ++o;
            }
            if (o < n_old && decode(old + o * kEntry).key.same_uid(keys[k])) {
                const Stored s = decode(old + o * kEntry);
                out[k].kind = s.key.content == keys[k].content ? UidVerdict::Kind::duplicate
                                                               : UidVerdict::Kind::conflict;
                out[k].earlier_ingest = s.ingest;
                continue;
            }
            encode(dst + written++ * kEntry, keys[k], ingest_id);
            ++added;
        }
        for (; o < n_old; ++o)
            std::memcpy(dst + written++ * kEntry, old + o * kEntry, kEntry);
        if (write && added > 0) {
            put.bind(1, static_cast<int64_t>(b)).bind(2, static_cast<int64_t>(written));
            put.bind_blob(3, std::string_view(merged.data(), written * kEntry));
            put.run();
            put.reset();
        }
        i = end;
    }
    return out;
}

}  // namespace curcrunch::billing
