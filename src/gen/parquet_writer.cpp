#include "curcrunch/gen/parquet_writer.hpp"

#include <snappy.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <unordered_map>

#include "curcrunch/core/error.hpp"
#include "curcrunch/gen/parquet_encoding.hpp"

namespace curcrunch::gen {
namespace {

// parquet.thrift's enum values this writer uses.
constexpr int32_t kTypeInt64 = 2, kTypeDouble = 5, kTypeByteArray = 6;
constexpr int32_t kRequired = 0, kOptional = 1, kRepeated = 2;
constexpr int32_t kConvUtf8 = 0, kConvMap = 1, kConvTimestampMillis = 9;
constexpr int32_t kEncPlain = 0, kEncRle = 3, kEncRleDictionary = 8;
constexpr int32_t kPageData = 0, kPageDictionary = 2;
constexpr int32_t kCodecUncompressed = 0, kCodecSnappy = 1;

// A column chunk keeps its dictionary while it stays this small; beyond, the chunk is PLAIN
// (as writers do for ids and other high-cardinality strings).
constexpr size_t kMaxDictEntries = 40000;
constexpr size_t kMaxDictBytes = 2u << 20;

void put_le32(uint32_t v, std::string& out) {
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_le64(uint64_t v, std::string& out) {
    for (int i = 0; i < 8; ++i)
        out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// Page and chunk sizes are i32 in parquet.thrift.
int32_t page_size(size_t n) {
    if (n > static_cast<size_t>(INT32_MAX))
        throw Error(ErrorKind::internal, "parquet writer: a page over 2 GiB");
    return static_cast<int32_t>(n);
}

// Levels (or indices) as the hybrid encoding, after their 4-byte length.
void put_levels(const uint8_t* levels, size_t n, unsigned width, std::string& out) {
    std::vector<uint32_t> wide(levels, levels + n);
    std::string enc;
    encode_rle_hybrid(wide.data(), n, width, enc);
    put_le32(static_cast<uint32_t>(page_size(enc.size())), out);
    out += enc;
}

}  // namespace

// One leaf column's buffered row group: levels per entry and the present values.
struct ParquetWriter::Leaf {
    std::vector<std::string> path;  // path_in_schema
    int32_t type = kTypeByteArray;
    uint8_t max_def = 1, max_rep = 0;
    std::vector<uint8_t> def, rep;  // rep only when max_rep > 0
    std::vector<uint64_t> fixed;    // DOUBLE bits or INT64 values
    // Strings: dictionary indices while the dictionary is small, else PLAIN values.
    bool dictionary = true;
    std::unordered_map<std::string, uint32_t> lookup;
    std::vector<const std::string*> entries;  // by index: keys of lookup (nodes do not move)
    size_t dict_bytes = 0;
    std::vector<uint32_t> indices;
    std::string plain;
    std::vector<size_t> plain_end;  // per value: end offset in plain

    void level(uint8_t d, uint8_t r) {
        def.push_back(d);
        if (max_rep > 0) rep.push_back(r);
    }
    void add_string(std::string_view s) {
        if (dictionary) {
            auto [it, fresh] = lookup.try_emplace(std::string(s), 0u);
            if (fresh) {
                it->second = static_cast<uint32_t>(entries.size());
                entries.push_back(&it->first);
                dict_bytes += s.size() + 4;
            }
            indices.push_back(it->second);
            if (entries.size() > kMaxDictEntries || dict_bytes > kMaxDictBytes) to_plain();
            return;
        }
        plain.append(s);
        plain_end.push_back(plain.size());
    }
    void to_plain() {
        dictionary = false;
        for (uint32_t i : indices) {
            plain += *entries[i];
            plain_end.push_back(plain.size());
        }
        indices = {};
        entries = {};
        lookup = {};
    }
    void clear() {
        def.clear();
        rep.clear();
        fixed.clear();
        dictionary = true;
        lookup.clear();
        entries.clear();
        dict_bytes = 0;
        indices.clear();
        plain.clear();
        plain_end.clear();
    }
};

struct ParquetWriter::Chunk {
    const Leaf* leaf;
    bool dictionary;
    uint64_t values, begin, data_offset, bytes, raw_bytes;
};

ParquetWriter::ParquetWriter(const std::string& path, std::vector<ParquetColumn> columns,
                             ParquetCodec codec, size_t row_group_rows)
    : path_(path), columns_(std::move(columns)), codec_(codec), group_rows_(row_group_rows) {
    for (const ParquetColumn& c : columns_) {
        auto leaf = [&](std::vector<std::string> p, int32_t type, uint8_t def, uint8_t rep) {
            auto l = std::make_unique<Leaf>();
            l->path = std::move(p);
            l->type = type;
            l->max_def = def;
            l->max_rep = rep;
            leaves_.push_back(std::move(l));
        };
        switch (c.kind) {
            case ParquetKind::string:
                leaf({c.name}, kTypeByteArray, 1, 0);
                break;
            case ParquetKind::float64:
                leaf({c.name}, kTypeDouble, 1, 0);
                break;
            case ParquetKind::timestamp_millis:
                leaf({c.name}, kTypeInt64, 1, 0);
                break;
            case ParquetKind::string_map:
            case ParquetKind::double_map:
                // OPTIONAL map (1) / REPEATED key_value (2) / REQUIRED key, OPTIONAL value (3).
                leaf({c.name, "key_value", "key"}, kTypeByteArray, 2, 1);
                leaf({c.name, "key_value", "value"},
                     c.kind == ParquetKind::string_map ? kTypeByteArray : kTypeDouble, 3, 1);
                break;
        }
    }
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw_usage(path + ": cannot create");
    write("PAR1");
}

ParquetWriter::~ParquetWriter() {
    if (f_) std::fclose(f_);
}

void ParquetWriter::write(std::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), f_) != bytes.size())
        throw_usage(path_ + ": write failed");
    offset_ += bytes.size();
}

void ParquetWriter::add_row(const std::vector<ParquetField>& fields) {
    if (fields.size() != columns_.size())
        throw Error(ErrorKind::internal, "parquet writer: row of the wrong width");
    size_t l = 0;
    for (size_t c = 0; c < columns_.size(); ++c) {
        const ParquetField& f = fields[c];
        Leaf& a = *leaves_[l++];
        switch (columns_[c].kind) {
            case ParquetKind::string:
                a.level(f.null ? 0 : 1, 0);
                if (!f.null) a.add_string(f.text);
                break;
            case ParquetKind::float64: {
                a.level(f.null ? 0 : 1, 0);
                uint64_t bits;
                std::memcpy(&bits, &f.number, 8);
                if (!f.null) a.fixed.push_back(bits);
                break;
            }
            case ParquetKind::timestamp_millis:
                a.level(f.null ? 0 : 1, 0);
                if (!f.null) a.fixed.push_back(static_cast<uint64_t>(f.millis));
                break;
            case ParquetKind::string_map:
            case ParquetKind::double_map: {
                Leaf& v = *leaves_[l++];
                if (f.null || f.entries.empty()) {
                    const uint8_t d = f.null ? 0 : 1;  // null map, or present and empty
                    a.level(d, 0);
                    v.level(d, 0);
                    break;
                }
                uint8_t r = 0;
                for (const auto& [key, value] : f.entries) {
                    a.level(2, r);
                    a.add_string(key);
                    v.level(value ? 3 : 2, r);
                    if (value && v.type == kTypeByteArray) {
                        v.add_string(*value);
                    } else if (value) {
                        double d = 0;
                        const char* e = value->data() + value->size();
                        if (std::from_chars(value->data(), e, d).ptr != e)
                            throw Error(ErrorKind::internal,
                                        "parquet writer: map value is not a number");
                        uint64_t bits;
                        std::memcpy(&bits, &d, 8);
                        v.fixed.push_back(bits);
                    }
                    r = 1;
                }
                break;
            }
        }
    }
    ++rows_;
    if (++buffered_ == group_rows_) flush_row_group();
}

void ParquetWriter::write_chunk(Leaf& leaf) {
    Chunk ch{&leaf, false, leaf.def.size(), offset_, offset_, 0, 0};
    const auto page = [&](int32_t type, int32_t count, int32_t encoding, const std::string& raw) {
        std::string packed;
        const std::string* body = &raw;
        if (codec_ == ParquetCodec::snappy) {
            snappy::Compress(raw.data(), raw.size(), &packed);
            body = &packed;
        }
        CompactWriter h;
        h.i32(1, type);
        h.i32(2, page_size(raw.size()));
        h.i32(3, page_size(body->size()));
        if (type == kPageDictionary) {
            h.begin(7);
            h.i32(1, count);
            h.i32(2, kEncPlain);
            h.end();
        } else {
            h.begin(5);
            h.i32(1, count);
            h.i32(2, encoding);
            h.i32(3, kEncRle);
            h.i32(4, kEncRle);
            h.end();
        }
        const std::string header = h.finish();
        write(header);
        write(*body);
        ch.bytes += header.size() + body->size();
        ch.raw_bytes += header.size() + raw.size();
    };
    // A chunk of nulls only has no dictionary and no values: its pages are PLAIN.
    const bool dict = leaf.type == kTypeByteArray && leaf.dictionary && !leaf.entries.empty();
    if (dict) {
        std::string raw;
        for (const std::string* e : leaf.entries) {
            put_le32(static_cast<uint32_t>(e->size()), raw);
            raw += *e;
        }
        ch.dictionary = true;
        page(kPageDictionary, static_cast<int32_t>(leaf.entries.size()), kEncPlain, raw);
    }
    ch.data_offset = offset_;
    // Data pages of about kPageRows rows, cut where a row starts.
    const size_t n = leaf.def.size();
    size_t e = 0, v = 0;
    while (e < n) {
        size_t end = e, rows = 0;
        while (end < n) {
            const bool starts_row = leaf.max_rep == 0 || leaf.rep[end] == 0;
            if (starts_row && rows == kPageRows) break;
            rows += starts_row;
            ++end;
        }
        size_t present = 0;
        for (size_t i = e; i < end; ++i)
            present += leaf.def[i] == leaf.max_def;
        std::string raw;
        if (leaf.max_rep > 0) put_levels(leaf.rep.data() + e, end - e, 1, raw);
        put_levels(leaf.def.data() + e, end - e, bit_width_of(leaf.max_def), raw);
        int32_t encoding = kEncPlain;
        if (leaf.type != kTypeByteArray) {
            for (size_t i = v; i < v + present; ++i)
                put_le64(leaf.fixed[i], raw);
        } else if (dict) {
            encoding = kEncRleDictionary;
            const unsigned w = std::max(
                1u, bit_width_of(
                        static_cast<uint32_t>(leaf.entries.empty() ? 0 : leaf.entries.size() - 1)));
            raw += static_cast<char>(w);
            encode_rle_hybrid(leaf.indices.data() + v, present, w, raw);
        } else {
            for (size_t i = v; i < v + present; ++i) {
                const size_t b = i == 0 ? 0 : leaf.plain_end[i - 1];
                put_le32(static_cast<uint32_t>(page_size(leaf.plain_end[i] - b)), raw);
                raw.append(leaf.plain, b, leaf.plain_end[i] - b);
            }
        }
        page(kPageData, page_size(end - e), encoding, raw);
        e = end;
        v += present;
    }
    chunks_.push_back(ch);
}

void ParquetWriter::flush_row_group() {
    if (buffered_ == 0) return;
    for (auto& leaf : leaves_)
        write_chunk(*leaf);
    group_rows_written_.push_back(buffered_);
    buffered_ = 0;
    for (auto& leaf : leaves_)
        leaf->clear();
}

std::string ParquetWriter::footer() const {
    CompactWriter w;
    w.i32(1, 1);  // version
    // Schema: the root, then each column (a map as its group, key_value, key and value).
    size_t elements = 1;
    for (const ParquetColumn& c : columns_)
        elements += c.kind == ParquetKind::string_map || c.kind == ParquetKind::double_map ? 4 : 1;
    w.list(2, CompactWriter::kStruct, elements);
    w.begin_element();
    w.binary(4, "schema");
    w.i32(5, static_cast<int32_t>(columns_.size()));
    w.end();
    const auto string_leaf = [&](const std::string& name, int32_t repetition) {
        w.begin_element();
        w.i32(1, kTypeByteArray);
        w.i32(3, repetition);
        w.binary(4, name);
        w.i32(6, kConvUtf8);
        w.begin(10);  // LogicalType: STRING
        w.begin(1);
        w.end();
        w.end();
        w.end();
    };
    const auto double_leaf = [&](const std::string& name) {
        w.begin_element();
        w.i32(1, kTypeDouble);
        w.i32(3, kOptional);
        w.binary(4, name);
        w.end();
    };
    for (const ParquetColumn& c : columns_) {
        switch (c.kind) {
            case ParquetKind::string:
                string_leaf(c.name, kOptional);
                break;
            case ParquetKind::float64:
                double_leaf(c.name);
                break;
            case ParquetKind::timestamp_millis:
                w.begin_element();
                w.i32(1, kTypeInt64);
                w.i32(3, kOptional);
                w.binary(4, c.name);
                w.i32(6, kConvTimestampMillis);
                w.begin(10);  // LogicalType: TIMESTAMP(isAdjustedToUTC, MILLIS)
                w.begin(8);
                w.boolean(1, true);
                w.begin(2);
                w.begin(1);
                w.end();
                w.end();
                w.end();
                w.end();
                w.end();
                break;
            case ParquetKind::string_map:
            case ParquetKind::double_map:
                w.begin_element();
                w.i32(3, kOptional);
                w.binary(4, c.name);
                w.i32(5, 1);
                w.i32(6, kConvMap);
                w.begin(10);  // LogicalType: MAP
                w.begin(2);
                w.end();
                w.end();
                w.end();
                w.begin_element();
                w.i32(3, kRepeated);
                w.binary(4, "key_value");
                w.i32(5, 2);
                w.end();
                string_leaf("key", kRequired);
                if (c.kind == ParquetKind::string_map)
                    string_leaf("value", kOptional);
                else
                    double_leaf("value");
                break;
        }
    }
    w.i64(3, static_cast<int64_t>(rows_));
    w.list(4, CompactWriter::kStruct, group_rows_written_.size());
    for (size_t g = 0; g < group_rows_written_.size(); ++g) {
        w.begin_element();
        w.list(1, CompactWriter::kStruct, leaves_.size());
        uint64_t bytes = 0;
        for (size_t l = 0; l < leaves_.size(); ++l) {
            const Chunk& ch = chunks_[g * leaves_.size() + l];
            bytes += ch.raw_bytes;
            w.begin_element();
            w.i64(2, static_cast<int64_t>(ch.begin));  // file_offset: where the chunk starts
            w.begin(3);                                // ColumnMetaData
            w.i32(1, ch.leaf->type);
            const bool dict = ch.dictionary;
            w.list(2, CompactWriter::kI32, dict ? 3 : 2);
            w.element_i32(kEncPlain);
            w.element_i32(kEncRle);
            if (dict) w.element_i32(kEncRleDictionary);
            w.list(3, CompactWriter::kBinary, ch.leaf->path.size());
            for (const std::string& p : ch.leaf->path)
                w.element_binary(p);
            w.i32(4, codec_ == ParquetCodec::snappy ? kCodecSnappy : kCodecUncompressed);
            w.i64(5, static_cast<int64_t>(ch.values));
            w.i64(6, static_cast<int64_t>(ch.raw_bytes));
            w.i64(7, static_cast<int64_t>(ch.bytes));
            w.i64(9, static_cast<int64_t>(ch.data_offset));
            if (dict) w.i64(11, static_cast<int64_t>(ch.begin));
            w.end();
            w.end();
        }
        w.i64(2, static_cast<int64_t>(bytes));
        w.i64(3, static_cast<int64_t>(group_rows_written_[g]));
        w.end();
    }
    w.binary(6, "curcrunch gen");
    return w.finish();
}

void ParquetWriter::close() {
    if (!f_) return;
    flush_row_group();
    const std::string meta = footer();
    write(meta);
    std::string tail;
    put_le32(static_cast<uint32_t>(page_size(meta.size())), tail);
    tail += "PAR1";
    write(tail);
    const int rc = std::fclose(f_);
    f_ = nullptr;
    if (rc != 0) throw_usage(path_ + ": write failed");
}

}  // namespace curcrunch::gen
