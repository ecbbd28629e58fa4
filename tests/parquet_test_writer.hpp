#pragma once
// A small Parquet writer for tests that need files no third-party writer makes on purpose:
// page CRCs (good and wrong), INT96 timestamps, DECIMAL in BYTE_ARRAY, dictionary indices out of
// range, unsupported encodings or codecs, pages whose size runs past their chunk, hostile
// footers. Flat columns only; values are given PLAIN-encoded, one string per value (nullopt is
// a null). Written from the Parquet format specification (parquet.thrift, Encodings.md).
#include <snappy.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pqw {

// Thrift compact protocol, writer side.
class Compact {
  public:
    std::string out;
    void varint(uint64_t v) {
        while (v >= 0x80) {
            out += static_cast<char>((v & 0x7f) | 0x80);
            v >>= 7;
        }
        out += static_cast<char>(v);
    }
    static uint64_t zz(int64_t v) {
        return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
    }
    void field(int16_t id, uint8_t type) {
        const int16_t delta = id - last_.back();
        if (delta > 0 && delta <= 15) {
            out += static_cast<char>((delta << 4) | type);
        } else {
            out += static_cast<char>(type);
            varint(zz(id));
        }
        last_.back() = id;
    }
    void i32(int16_t id, int64_t v) { field(id, 5), varint(zz(v)); }
    void i64(int16_t id, int64_t v) { field(id, 6), varint(zz(v)); }
    void boolean(int16_t id, bool v) { field(id, v ? 1 : 2); }
    void binary(int16_t id, const std::string& s) { field(id, 8), varint(s.size()), out += s; }
    void begin(int16_t id) { field(id, 12), last_.push_back(0); }  // a struct field
    void begin_element() { last_.push_back(0); }                   // a struct in a list
    void end() { out += '\0', last_.pop_back(); }
    void list(int16_t id, uint8_t elem, size_t n) {
        field(id, 9);
        if (n < 15) {
            out += static_cast<char>((n << 4) | elem);
        } else {
            out += static_cast<char>(0xf0 | elem);
            varint(n);
        }
    }
    void stop() { out += '\0'; }

  private:
    std::vector<int16_t> last_{0};
};

struct Column {
    std::string name;
    int type = 6;  // physical type (6 BYTE_ARRAY)
    bool optional = false;
    int converted = -1;  // converted type (0 UTF8, 5 DECIMAL, ...)
    int scale = 0, precision = 0, type_length = 0;
    std::vector<std::optional<std::string>> values;  // PLAIN bytes per row
};

inline Column column(std::string name, int type, bool optional = false, int converted = -1) {
    Column c;
    c.name = std::move(name);
    c.type = type;
    c.optional = optional;
    c.converted = converted;
    return c;
}

struct Options {
    int codec = 0;  // 0 uncompressed, 1 snappy
    bool crc = false;
    bool dictionary = false;
    int page_version = 1;
    size_t rows_per_group = 0;  // 0: one row group
    int encoding = -1;          // data page encoding id to claim (-1: PLAIN or RLE_DICTIONARY)
    // Called with (column, row group, page body as stored) before the header is written.
    std::function<void(size_t, size_t, std::string&)> corrupt_body;
    // Called with the page header's fields so a test can lie about sizes or the CRC.
    std::function<void(size_t, size_t, int32_t& compressed, int32_t& uncompressed, uint32_t& crc)>
        tweak_header;
    uint32_t dictionary_index_offset = 0;  // added to every index (out of range on purpose)
    int codec_claim = -1;                  // codec written in the footer (-1: `codec`)
    int64_t group_rows_claim = -1;         // every row group's row count (-1: the rows it holds)
    int64_t file_rows_claim = -1;          // the file's row count (-1: the sum of the row groups')
};

inline std::string le32(uint32_t v) {
    std::string s(4, '\0');
    std::memcpy(s.data(), &v, 4);
    return s;
}
inline std::string le64(uint64_t v) {
    std::string s(8, '\0');
    std::memcpy(s.data(), &v, 8);
    return s;
}
inline std::string plain_bytes(const std::string& v) {
    return le32(static_cast<uint32_t>(v.size())) + v;
}
inline std::string plain_double(double d) {
    uint64_t u;
    std::memcpy(&u, &d, 8);
    return le64(u);
}

// RLE/bit-packed hybrid as one bit-packed run.
inline std::string bit_packed_run(const std::vector<uint32_t>& v, unsigned width) {
    const size_t groups = (v.size() + 7) / 8;
    Compact c;
    c.varint((groups << 1) | 1);
    std::string bits(groups * width, '\0');
    for (size_t i = 0; i < v.size(); ++i)
        for (unsigned b = 0; b < width; ++b)
            if ((v[i] >> b) & 1)
                bits[(i * width + b) / 8] |= static_cast<char>(1 << ((i * width + b) % 8));
    return c.out + bits;
}

// DELTA_BINARY_PACKED: blocks of 128 values in 4 miniblocks, one bit width per block.
inline std::string delta_binary_packed(const std::vector<int64_t>& v) {
    Compact c;
    c.varint(128), c.varint(4), c.varint(v.size());
    c.varint(Compact::zz(v.empty() ? 0 : v[0]));
    for (size_t first = 1; first < v.size(); first += 128) {
        const size_t n = std::min<size_t>(128, v.size() - first);
        std::vector<int64_t> d(n);
        for (size_t i = 0; i < n; ++i)
            d[i] = v[first + i] - v[first + i - 1];
        const int64_t min = *std::min_element(d.begin(), d.end());
        unsigned w = 0;
        for (int64_t x : d)
            while (w < 64 && (static_cast<uint64_t>(x - min) >> w) != 0)
                ++w;
        c.varint(Compact::zz(min));
        const size_t minis = (n + 31) / 32;
        for (size_t m = 0; m < 4; ++m)
            c.out += static_cast<char>(m < minis ? w : 0);
        std::string bits(minis * 32 * w / 8, '\0');
        for (size_t i = 0; i < n; ++i)
            for (unsigned b = 0; b < w; ++b)
                if ((static_cast<uint64_t>(d[i] - min) >> b) & 1)
                    bits[(i * w + b) / 8] |= static_cast<char>(1 << ((i * w + b) % 8));
        c.out += bits;
    }
    return c.out;
}

// DELTA_LENGTH_BYTE_ARRAY: the lengths, delta-packed, then the bytes back to back.
inline std::string delta_length_byte_array(const std::vector<std::string>& v) {
    std::vector<int64_t> lengths;
    std::string bytes;
    for (const std::string& s : v)
        lengths.push_back(static_cast<int64_t>(s.size())), bytes += s;
    return delta_binary_packed(lengths) + bytes;
}

inline std::string compress(int codec, const std::string& raw) {
    if (codec == 0) return raw;
    std::string out;
    snappy::Compress(raw.data(), raw.size(), &out);
    return out;
}

struct ChunkInfo {
    int64_t offset, dict_offset, compressed, uncompressed, values;
};

inline std::string write(const std::vector<Column>& cols, const Options& o) {
    std::string file = "PAR1";
    const size_t rows = cols.empty() ? 0 : cols[0].values.size();
    const size_t per = o.rows_per_group ? o.rows_per_group : std::max<size_t>(rows, 1);
    std::vector<std::pair<size_t, std::vector<ChunkInfo>>> groups;
    auto page = [&](size_t c, size_t g, int type, const std::string& raw, int num_values,
                    int encoding, int def_bytes, int nulls) {
        std::string body;
        if (type == 3) {  // v2: levels stay uncompressed
            body = raw.substr(0, static_cast<size_t>(def_bytes)) +
                   compress(o.codec, raw.substr(static_cast<size_t>(def_bytes)));
        } else {
            body = compress(o.codec, raw);
        }
        // The CRC is of the page as written; a corruption afterwards is damage in transit.
        uint32_t crc = static_cast<uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
        if (o.corrupt_body) o.corrupt_body(c, g, body);
        int32_t comp = static_cast<int32_t>(body.size()), unc = static_cast<int32_t>(raw.size());
        if (o.tweak_header) o.tweak_header(c, g, comp, unc, crc);
        Compact h;
        h.i32(1, type);
        h.i32(2, unc);
        h.i32(3, comp);
        if (o.crc) h.i32(4, static_cast<int32_t>(crc));
        if (type == 2) {
            h.begin(7), h.i32(1, num_values), h.i32(2, 0), h.end();
        } else if (type == 0) {
            h.begin(5), h.i32(1, num_values), h.i32(2, encoding), h.i32(3, 3), h.i32(4, 3), h.end();
        } else {
            h.begin(8), h.i32(1, num_values), h.i32(2, nulls), h.i32(3, num_values);
            h.i32(4, encoding), h.i32(5, def_bytes), h.i32(6, 0), h.end();
        }
        h.stop();
        file += h.out + body;
        return static_cast<int64_t>(h.out.size() + body.size());
    };
    for (size_t first = 0; first < rows || (rows == 0 && groups.empty()); first += per) {
        const size_t n = std::min(per, rows - first);
        std::vector<ChunkInfo> infos;
        for (size_t c = 0; c < cols.size(); ++c) {
            const Column& col = cols[c];
            ChunkInfo ci{static_cast<int64_t>(file.size()), -1, 0, 0, static_cast<int64_t>(n)};
            std::vector<uint32_t> defs;
            std::vector<std::string> present;
            for (size_t r = first; r < first + n; ++r) {
                defs.push_back(col.values[r] ? 1 : 0);
                if (col.values[r]) present.push_back(*col.values[r]);
            }
            std::string values;
            int encoding = 0;
            if (o.dictionary) {
                std::map<std::string, uint32_t> ids;
                std::vector<std::string> dict;
                std::vector<uint32_t> idx;
                for (const auto& v : present) {
                    auto it = ids.find(v);
                    if (it == ids.end())
                        it = ids.emplace(v, static_cast<uint32_t>(dict.size())).first,
                        dict.push_back(v);
                    idx.push_back(it->second + o.dictionary_index_offset);
                }
                std::string d;
                for (const auto& v : dict)
                    d += v;
                ci.dict_offset = static_cast<int64_t>(file.size());
                ci.compressed += page(c, first / per, 2, d, static_cast<int>(dict.size()), 0, 0, 0);
                ci.uncompressed += static_cast<int64_t>(d.size());
                unsigned w = 1;
                while ((1u << w) <= dict.size() + o.dictionary_index_offset)
                    ++w;
                values = std::string(1, static_cast<char>(w)) + bit_packed_run(idx, w);
                encoding = 8;
            } else {
                for (const auto& v : present)
                    values += v;
            }
            if (o.encoding >= 0) encoding = o.encoding;
            std::string levels;
            if (col.optional) levels = bit_packed_run(defs, 1);
            const int nulls = static_cast<int>(n - present.size());
            std::string raw;
            const int type = o.page_version == 2 ? 3 : 0;
            if (type == 0 && col.optional)
                raw = le32(static_cast<uint32_t>(levels.size())) + levels;
            if (type == 3) raw = levels;
            raw += values;
            const int64_t data_offset = static_cast<int64_t>(file.size());
            ci.compressed += page(c, first / per, type, raw, static_cast<int>(n), encoding,
                                  static_cast<int>(levels.size()), nulls);
            ci.uncompressed += static_cast<int64_t>(raw.size());
            ci.offset = data_offset;
            infos.push_back(ci);
        }
        groups.emplace_back(n, std::move(infos));
        if (rows == 0) break;
    }
    Compact f;
    f.i32(1, 1);
    f.list(2, 12, cols.size() + 1);
    f.begin_element(), f.binary(4, "schema"), f.i32(5, static_cast<int64_t>(cols.size())), f.end();
    for (const Column& col : cols) {
        f.begin_element();
        f.i32(1, col.type);
        if (col.type_length) f.i32(2, col.type_length);
        f.i32(3, col.optional ? 1 : 0);
        f.binary(4, col.name);
        if (col.converted >= 0) f.i32(6, col.converted);
        if (col.converted == 5) f.i32(7, col.scale), f.i32(8, col.precision);
        f.end();
    }
    int64_t claimed = 0;
    for (const auto& g : groups)
        claimed += o.group_rows_claim >= 0 ? o.group_rows_claim : static_cast<int64_t>(g.first);
    f.i64(3, o.file_rows_claim >= 0 ? o.file_rows_claim : claimed);
    f.list(4, 12, groups.size());
    for (const auto& [n, infos] : groups) {
        f.begin_element();
        f.list(1, 12, infos.size());
        for (size_t c = 0; c < infos.size(); ++c) {
            const ChunkInfo& ci = infos[c];
            f.begin_element();
            f.i64(2, ci.offset);
            f.begin(3);
            f.i32(1, cols[c].type);
            f.list(2, 5, 1);
            f.varint(Compact::zz(o.dictionary ? 8 : 0));
            f.list(3, 8, 1);
            f.varint(cols[c].name.size());
            f.out += cols[c].name;
            f.i32(4, o.codec_claim >= 0 ? o.codec_claim : o.codec);
            f.i64(5, ci.values);
            f.i64(6, ci.uncompressed);
            f.i64(7, ci.compressed);
            f.i64(9, ci.offset);
            if (ci.dict_offset >= 0) f.i64(11, ci.dict_offset);
            f.end();
            f.end();
        }
        f.i64(2, 0);
        f.i64(3, o.group_rows_claim >= 0 ? o.group_rows_claim : static_cast<int64_t>(n));
        f.end();
    }
    f.binary(6, "curcrunch test writer");
    f.stop();
    file += f.out + le32(static_cast<uint32_t>(f.out.size())) + "PAR1";
    return file;
}

}  // namespace pqw
