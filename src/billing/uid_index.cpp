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

std::vector<UidVerdict> record_uids(store::Database& db, size_t n,
                                    const std::function<UidKey(size_t)>& key, uint32_t ingest_id,
                                    bool write) {
    std::vector<UidVerdict> out(n);
    auto get = db.prepare("SELECT keys FROM meter_uid_bucket WHERE bucket = ?");
    auto put =
        db.prepare("INSERT OR REPLACE INTO meter_uid_bucket(bucket, entries, keys) VALUES (?,?,?)");
    std::string merged;
    std::vector<UidKey> keys;  // one bucket's, keys[k - i] being key(k)
    for (size_t i = 0; i < n;) {
        keys.assign(1, key(i));
        const uint32_t b = bucket_of(keys[0].h1);
        size_t end = i + 1;
        for (; end < n; ++end) {
            const UidKey k = key(end);
            if (bucket_of(k.h1) != b) break;
            keys.push_back(k);
        }
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
            const UidKey& key_k = keys[k - i];
            while (o < n_old && decode(old + o * kEntry).key < key_k) {
                std::memcpy(dst + written++ * kEntry, old + o * kEntry, kEntry);
                ++o;
            }
            if (o < n_old && decode(old + o * kEntry).key.same_uid(key_k)) {
                const Stored s = decode(old + o * kEntry);
                out[k].kind = s.key.content == key_k.content ? UidVerdict::Kind::duplicate
                                                             : UidVerdict::Kind::conflict;
                out[k].earlier_ingest = s.ingest;
                continue;
            }
            encode(dst + written++ * kEntry, key_k, ingest_id);
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
