// The page decoders against simple reference decoders written here, on randomized input:
// values are encoded by the encoders below (every run shape, bit width, block layout the
// encodings allow), then decoded by both, in randomly sized pieces for the resumable
// decoders. Damaged input (random truncation and random bytes) must end in a FormatError or
// a clean result, never a crash (the ASan build runs this too).
#include <gtest/gtest.h>

#include <random>

#include "curcrunch/ingest/parquet/delta_binary_packed.hpp"
#include "curcrunch/ingest/parquet/delta_byte_array.hpp"
#include "curcrunch/ingest/parquet/format_error.hpp"
#include "curcrunch/ingest/parquet/plain.hpp"
#include "curcrunch/ingest/parquet/rle_hybrid.hpp"
#include "parquet_test_writer.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch::ingest::parquet;

namespace {

using Bytes = std::string;
const uint8_t* u8(const Bytes& b) {
    return reinterpret_cast<const uint8_t*>(b.data());
}

void put_uleb(Bytes& out, uint64_t v) {
    pqw::Compact c;
    c.varint(v);
    out += c.out;
}
void put_bits(Bytes& out, uint64_t& bitpos, uint64_t v, unsigned width) {
    for (unsigned b = 0; b < width; ++b, ++bitpos) {
        if (bitpos / 8 >= out.size()) out.push_back('\0');
        if ((v >> b) & 1) out[bitpos / 8] |= static_cast<char>(1 << (bitpos % 8));
    }
}

// ---- RLE / bit-packed hybrid: encoder, reference decoder
Bytes encode_rle(const std::vector<uint32_t>& v, unsigned width, std::mt19937_64& rng) {
    Bytes out;
    size_t i = 0;
    while (i < v.size()) {
        if (rng() % 2) {  // an RLE run of equal values
            size_t j = i;
            while (j < v.size() && v[j] == v[i] && j - i < 1000)
                ++j;
            put_uleb(out, (j - i) << 1);
            for (unsigned b = 0; b < (width + 7) / 8; ++b)
                out += static_cast<char>(v[i] >> (8 * b));
            i = j;
        } else {  // a bit-packed run of 1..4 groups (the last one padded)
            const size_t groups = 1 + rng() % 4;
            put_uleb(out, (groups << 1) | 1);
            Bytes packed;
            uint64_t bit = 0;
            for (size_t k = 0; k < groups * 8; ++k)
                put_bits(packed, bit, i + k < v.size() ? v[i + k] : 0, width);
            packed.resize(groups * width, '\0');
            out += packed;
            i += groups * 8;
        }
    }
    return out;
}

std::vector<uint32_t> reference_rle(const Bytes& in, unsigned width, size_t n) {
    std::vector<uint32_t> out;
    size_t p = 0;
    while (out.size() < n && p < in.size()) {
        uint64_t h = 0;
        for (int s = 0;; s += 7) {
            const uint8_t b = static_cast<uint8_t>(in.at(p++));
            h |= static_cast<uint64_t>(b & 0x7f) << s;
            if (!(b & 0x80)) break;
        }
        if (h & 1) {
            const size_t count = (h >> 1) * 8;
            for (size_t k = 0; k < count; ++k) {
                uint32_t v = 0;
                for (unsigned b = 0; b < width; ++b) {
                    const uint64_t bit = k * width + b;
                    v |= ((static_cast<uint8_t>(in.at(p + bit / 8)) >> (bit % 8)) & 1u) << b;
                }
                out.push_back(v);
            }
            p += (h >> 1) * width;
        } else {
            uint32_t v = 0;
            for (unsigned b = 0; b < (width + 7) / 8; ++b)
                v |= static_cast<uint32_t>(static_cast<uint8_t>(in.at(p++))) << (8 * b);
            out.insert(out.end(), h >> 1, v);
        }
    }
    out.resize(std::min(out.size(), n));
    return out;
}

// ---- DELTA_BINARY_PACKED: encoder (random block layout), reference decoder
Bytes encode_dbp(const std::vector<int64_t>& v, std::mt19937_64& rng) {
    const uint64_t block = 128 * (1 + rng() % 3);
    uint64_t minis = 1;
    for (uint64_t m : {4u, 2u, 1u})
        if ((block / m) % 32 == 0 && rng() % 2) {
            minis = m;
            break;
        }
    const uint64_t per = block / minis;
    Bytes out;
    put_uleb(out, block);
    put_uleb(out, minis);
    put_uleb(out, v.size());
    put_uleb(out, pqw::Compact::zz(v.empty() ? 0 : v[0]));
    for (size_t i = 1; i < v.size(); i += block) {
        std::vector<uint64_t> d;
        for (size_t k = i; k < std::min<size_t>(i + block, v.size()); ++k)
            d.push_back(static_cast<uint64_t>(v[k]) - static_cast<uint64_t>(v[k - 1]));
        int64_t mn = static_cast<int64_t>(d[0]);
        for (uint64_t x : d)
            mn = std::min(mn, static_cast<int64_t>(x));
        put_uleb(out, pqw::Compact::zz(mn));
        const size_t used = (d.size() + per - 1) / per;
        std::vector<unsigned> widths(minis, 0);
        for (size_t m = 0; m < used; ++m)
            for (size_t k = m * per; k < std::min<size_t>((m + 1) * per, d.size()); ++k) {
                const uint64_t r = d[k] - static_cast<uint64_t>(mn);
                while (widths[m] < 64 && (r >> widths[m]) != 0)
                    ++widths[m];
            }
        for (size_t m = 0; m < minis; ++m)
            out += static_cast<char>(m < used ? widths[m] : rng() % 64);
        for (size_t m = 0; m < used; ++m) {
            Bytes packed;
            uint64_t bit = 0;
            for (size_t k = m * per; k < (m + 1) * per; ++k)
                put_bits(packed, bit, k < d.size() ? d[k] - static_cast<uint64_t>(mn) : 0,
                         widths[m]);
            packed.resize(per * widths[m] / 8, '\0');
            out += packed;
        }
    }
    return out;
}

std::vector<int64_t> reference_dbp(const Bytes& in) {
    size_t p = 0;
    auto uleb = [&] {
        uint64_t v = 0;
        for (int s = 0;; s += 7) {
            const uint8_t b = static_cast<uint8_t>(in.at(p++));
            v |= static_cast<uint64_t>(b & 0x7f) << s;
            if (!(b & 0x80)) return v;
        }
    };
    auto unzz = [](uint64_t z) { return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)); };
    const uint64_t block = uleb(), minis = uleb(), total = uleb();
    std::vector<int64_t> out;
    if (total == 0) return out;
    out.push_back(unzz(uleb()));
    const uint64_t per = block / minis;
    while (out.size() < total) {
        const int64_t mn = unzz(uleb());
        std::vector<unsigned> w(minis);
        for (auto& x : w)
            x = static_cast<uint8_t>(in.at(p++));
        for (uint64_t m = 0; m < minis && out.size() < total; ++m) {
            for (uint64_t k = 0; k < per; ++k) {
                uint64_t r = 0;
                for (unsigned b = 0; b < w[m]; ++b) {
                    const uint64_t bit = k * w[m] + b;
                    r |= static_cast<uint64_t>(
                             (static_cast<uint8_t>(in.at(p + bit / 8)) >> (bit % 8)) & 1)
                         << b;
                }
                if (out.size() < total)
                    out.push_back(static_cast<int64_t>(static_cast<uint64_t>(out.back()) +
                                                       static_cast<uint64_t>(mn) + r));
            }
            p += per * w[m] / 8;
        }
    }
    return out;
}

std::vector<int64_t> random_ints(std::mt19937_64& rng, size_t n) {
    std::vector<int64_t> v(n);
    const int shape = static_cast<int>(rng() % 4);
    int64_t x = static_cast<int64_t>(rng());
    for (auto& e : v) {
        switch (shape) {
            case 0:
                e = static_cast<int64_t>(rng());
                break;  // full range
            case 1:
                x += static_cast<int64_t>(rng() % 3600000);
                e = x;
                break;  // timestamps
            case 2:
                e = static_cast<int64_t>(rng() % 16) - 8;
                break;  // small
            default:
                e = rng() % 2 ? INT64_MIN : INT64_MAX;
                break;  // extremes
        }
    }
    return v;
}

template <class F>
void expect_clean_failure(F&& f) {
    try {
        f();
    } catch (const FormatError&) {
    }
}

}  // namespace

TEST(ParquetDecoders, RleHybridMatchesTheReference) {
    std::mt19937_64 rng(1);
    size_t total_taken = 0;
    for (int iter = 0; iter < 400; ++iter) {
        const unsigned width = static_cast<unsigned>(rng() % 33);
        const size_t n = rng() % 3000;
        std::vector<uint32_t> v(n);
        const uint64_t mask = width == 32 ? 0xffffffffull : (1ull << width) - 1;
        for (auto& x : v)
            x = static_cast<uint32_t>((rng() % 3 ? rng() % 4 : rng()) & mask);
        const Bytes enc = encode_rle(v, width, rng);
        const std::vector<uint32_t> ref = reference_rle(enc, width, n);
        ASSERT_EQ(ref, v) << "reference " << width;
        RleHybridDecoder d;
        d.reset(u8(enc), enc.size(), width);
        std::vector<uint32_t> got(n);
        size_t done = 0;
        size_t taken = 0;
        while (done < n) {  // in random pieces: the decoder resumes across runs
            const size_t k = std::min<size_t>(n - done, 1 + rng() % 100);
            // take_repeat consumes the piece only when one repeated value covers it.
            uint32_t value = 0;
            if (rng() % 2 && d.take_repeat(k, value)) {
                for (size_t i = 0; i < k; ++i)
                    ASSERT_EQ(value, v[done + i]) << "width " << width << " at " << done + i;
                std::fill(got.begin() + static_cast<std::ptrdiff_t>(done),
                          got.begin() + static_cast<std::ptrdiff_t>(done + k), value);
                ++taken;
            } else {
                ASSERT_EQ(d.decode(got.data() + done, k), k);
            }
            done += k;
        }
        total_taken += taken;
        ASSERT_EQ(got, v) << "width " << width << " n " << n;
        if (width <= 8) {  // levels decode into bytes, through their own unpacking
            RleHybridDecoder b;
            b.reset(u8(enc), enc.size(), width);
            std::vector<uint8_t> bytes(n);
            for (size_t at = 0; at < n;) {
                const size_t k = std::min<size_t>(n - at, 1 + rng() % 100);
                ASSERT_EQ(b.decode(bytes.data() + at, k), k);
                at += k;
            }
            ASSERT_EQ(std::vector<uint32_t>(bytes.begin(), bytes.end()), v) << "width " << width;
        }
        // Damaged: cut short and flipped bytes.
        Bytes bad = enc.substr(0, enc.empty() ? 0 : rng() % enc.size());
        if (!bad.empty()) bad[rng() % bad.size()] = static_cast<char>(rng());
        expect_clean_failure([&] {
            RleHybridDecoder e;
            e.reset(u8(bad), bad.size(), width);
            std::vector<uint32_t> out(n + 16);
            e.decode(out.data(), out.size());
        });
    }
    EXPECT_GT(total_taken, 100u);  // the repeated runs were really taken whole
}

TEST(ParquetDecoders, DeltaBinaryPackedMatchesTheReference) {
    std::mt19937_64 rng(2);
    for (int iter = 0; iter < 300; ++iter) {
        const std::vector<int64_t> v = random_ints(rng, rng() % 2000);
        const Bytes enc = encode_dbp(v, rng);
        ASSERT_EQ(reference_dbp(enc), v);
        DeltaBinaryPackedDecoder d;
        d.reset(u8(enc), enc.size());
        ASSERT_EQ(d.total(), v.size());
        EXPECT_EQ(d.end_of_values(), u8(enc) + enc.size());
        std::vector<int64_t> got(v.size());
        size_t done = 0;
        while (done < v.size()) {
            const size_t k = std::min<size_t>(v.size() - done, 1 + rng() % 300);
            ASSERT_EQ(d.decode(got.data() + done, k), k);
            done += k;
        }
        ASSERT_EQ(got, v);
        Bytes bad = enc.substr(0, rng() % (enc.size() + 1));
        if (!bad.empty() && rng() % 2) bad[rng() % bad.size()] = static_cast<char>(rng());
        expect_clean_failure([&] {
            DeltaBinaryPackedDecoder e;
            e.reset(u8(bad), bad.size());
            std::vector<int64_t> out(4096);
            while (e.decode(out.data(), out.size()) > 0) {
            }
        });
    }
}

TEST(ParquetDecoders, DeltaByteArraysMatchTheReference) {
    std::mt19937_64 rng(3);
    for (int iter = 0; iter < 200; ++iter) {
        const size_t n = rng() % 500;
        std::vector<std::string> v;
        for (size_t i = 0; i < n; ++i) {
            std::string s = i && rng() % 2 ? v.back().substr(0, rng() % (v.back().size() + 1)) : "";
            for (size_t k = rng() % 12; k > 0; --k)
                s += static_cast<char>('a' + rng() % 26);
            v.push_back(s);
        }
        // DELTA_LENGTH_BYTE_ARRAY: lengths, then the bytes.
        std::vector<int64_t> lens;
        std::string all;
        for (const auto& s : v)
            lens.push_back(static_cast<int64_t>(s.size())), all += s;
        const Bytes dlba = encode_dbp(lens, rng) + all;
        DeltaLengthByteArrayDecoder dl;
        dl.reset(u8(dlba), dlba.size());
        std::vector<std::string_view> got(n);
        ASSERT_EQ(dl.decode(got.data(), n), n);
        for (size_t i = 0; i < n; ++i)
            ASSERT_EQ(got[i], v[i]);
        // DELTA_BYTE_ARRAY: prefix lengths, then the suffixes as DELTA_LENGTH_BYTE_ARRAY.
        std::vector<int64_t> pre, suf_len;
        std::string suf;
        for (size_t i = 0; i < n; ++i) {
            size_t p = 0;
            if (i)
                while (p < v[i].size() && p < v[i - 1].size() && v[i][p] == v[i - 1][p])
                    ++p;
            pre.push_back(static_cast<int64_t>(p));
            suf_len.push_back(static_cast<int64_t>(v[i].size() - p));
            suf += v[i].substr(p);
        }
        const Bytes dba = encode_dbp(pre, rng) + encode_dbp(suf_len, rng) + suf;
        DeltaByteArrayDecoder db;
        db.reset(u8(dba), dba.size());
        size_t done = 0;
        while (done < n) {
            const size_t k = std::min<size_t>(n - done, 1 + rng() % 64);
            ASSERT_EQ(db.decode(got.data(), k), k);
            for (size_t i = 0; i < k; ++i)
                ASSERT_EQ(got[i], v[done + i]);
            done += k;
        }
        Bytes bad = dba.substr(0, rng() % (dba.size() + 1));
        if (!bad.empty() && rng() % 2) bad[rng() % bad.size()] = static_cast<char>(rng());
        expect_clean_failure([&] {
            DeltaByteArrayDecoder e;
            e.reset(u8(bad), bad.size());
            std::vector<std::string_view> out(64);
            while (e.decode(out.data(), out.size()) > 0) {
            }
        });
    }
}

TEST(ParquetDecoders, ByteStreamSplitAndPlainMatchTheReference) {
    std::mt19937_64 rng(4);
    for (int iter = 0; iter < 200; ++iter) {
        const uint32_t width = static_cast<uint32_t>(std::vector<int>{4, 8, 2, 16}[rng() % 4]);
        const size_t n = rng() % 700;
        Bytes values(n * width, '\0');
        for (auto& c : values)
            c = static_cast<char>(rng());
        Bytes split(n * width, '\0');
        for (size_t i = 0; i < n; ++i)
            for (uint32_t k = 0; k < width; ++k)
                split[k * n + i] = values[i * width + k];
        ByteStreamSplitDecoder d;
        d.reset(width, u8(split), split.size(), n);
        size_t done = 0;
        while (done < n) {
            const size_t k = std::min<size_t>(n - done, 1 + rng() % 90);
            const ValueRun r = d.decode(k, width == 16);
            ASSERT_EQ(r.count, k);
            for (size_t i = 0; i < k; ++i) {
                const Bytes want = values.substr((done + i) * width, width);
                const Bytes have =
                    width == 16 ? Bytes(r.bytes[i])
                                : Bytes(reinterpret_cast<const char*>(r.fixed + i * width), width);
                ASSERT_EQ(have, want);
            }
            done += k;
        }
        // PLAIN byte arrays with lengths; a length past the end is a FormatError.
        Bytes plain;
        std::vector<std::string> strs;
        for (size_t i = 0; i < n % 50; ++i) {
            strs.push_back(std::string(rng() % 20, static_cast<char>('a' + i % 26)));
            plain += pqw::plain_bytes(strs.back());
        }
        PlainDecoder p;
        p.reset(PhysicalType::byte_array, 0, u8(plain), plain.size());
        const ValueRun r = p.decode(strs.size());
        ASSERT_EQ(r.count, strs.size());
        for (size_t i = 0; i < strs.size(); ++i)
            ASSERT_EQ(r.bytes[i], strs[i]);
        if (!plain.empty()) {
            Bytes bad = plain;
            bad[3] = static_cast<char>(0x7f);  // a length of about 2 GiB
            PlainDecoder e;
            e.reset(PhysicalType::byte_array, 0, u8(bad), bad.size());
            EXPECT_THROW(e.decode(strs.size()), FormatError);
        }
    }
}

}  // namespace CURCRUNCH_UNITY_ID
