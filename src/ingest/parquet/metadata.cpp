#include "curcrunch/ingest/parquet/metadata.hpp"

#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/parquet/format_error.hpp"
#include "curcrunch/ingest/parquet/thrift_compact.hpp"

namespace curcrunch::ingest::parquet {
namespace {

// Field ids below follow parquet-format's parquet.thrift.

void expect_type(const FieldHeader& f, TType t, const char* what) {
    if (f.type != t) fail_format(std::string("metadata field ") + what + " has the wrong type");
}

int32_t read_enum(CompactReader& r, const FieldHeader& f, const char* what) {
    expect_type(f, TType::i32, what);
    return r.read_i32();
}

TimeUnit read_time_unit(CompactReader& r) {
    TimeUnit u = TimeUnit::millis;
    r.begin_struct();
    FieldHeader f;
    while (r.next_field(f)) {
        if (f.id == 2) u = TimeUnit::micros;
        if (f.id == 3) u = TimeUnit::nanos;
        r.skip(f.type);
    }
    r.end_struct();
    return u;
}

// LogicalType is a union of (mostly empty) structs; the field id says which.
void read_logical_type(CompactReader& r, SchemaElement& e) {
    r.begin_struct();
    FieldHeader f;
    while (r.next_field(f)) {
        if (f.type != TType::structure) {
            r.skip(f.type);
            continue;
        }
        switch (f.id) {
            case 1:   // STRING
            case 4:   // ENUM
            case 12:  // JSON
                e.logical = Logical::string;
                r.skip(f.type);
                break;
            case 2:
                e.logical = Logical::map;
                r.skip(f.type);
                break;
            case 3:
                e.logical = Logical::list;
                r.skip(f.type);
                break;
            case 5: {  // DECIMAL {1: scale, 2: precision}
                e.logical = Logical::decimal;
                r.begin_struct();
                FieldHeader g;
                while (r.next_field(g)) {
                    if (g.id == 1 && g.type == TType::i32)
                        e.scale = r.read_i32();
                    else if (g.id == 2 && g.type == TType::i32)
                        e.precision = r.read_i32();
                    else
                        r.skip(g.type);
                }
                r.end_struct();
                break;
            }
            case 6:
                e.logical = Logical::date;
                r.skip(f.type);
                break;
            case 7:    // TIME {1: isAdjustedToUTC, 2: unit}
            case 8: {  // TIMESTAMP, same fields
                e.logical = f.id == 7 ? Logical::time : Logical::timestamp;
                r.begin_struct();
                FieldHeader g;
                while (r.next_field(g)) {
                    if (g.id == 1 && (g.type == TType::bool_true || g.type == TType::bool_false))
                        e.utc_adjusted = r.read_bool(g);
                    else if (g.id == 2 && g.type == TType::structure)
                        e.unit = read_time_unit(r);
                    else
                        r.skip(g.type);
                }
                r.end_struct();
                break;
            }
            case 10:
                e.logical = Logical::integer;
                r.skip(f.type);
                break;
            default:
                e.logical = Logical::other;
                r.skip(f.type);
                break;
        }
    }
    r.end_struct();
}

// The legacy annotation, for writers (like parquet-mr 1.8) that predate LogicalType.
void apply_converted_type(SchemaElement& e) {
    if (e.logical != Logical::none) return;
    switch (e.converted) {
        case kConvUtf8:
        case kConvEnum:
        case kConvJson:
            e.logical = Logical::string;
            break;
        case kConvMap:
        case kConvMapKeyValue:
            e.logical = Logical::map;
            break;
        case kConvList:
            e.logical = Logical::list;
            break;
        case kConvDecimal:
            e.logical = Logical::decimal;
            break;
        case kConvDate:
            e.logical = Logical::date;
            break;
        case kConvTimestampMillis:
        case kConvTimestampMicros:
            e.logical = Logical::timestamp;
            e.unit = e.converted == kConvTimestampMillis ? TimeUnit::millis : TimeUnit::micros;
            e.utc_adjusted = true;
            break;
        case kConvTimeMillis:
        case kConvTimeMicros:
            e.logical = Logical::time;
            break;
        case kConvNone:
            break;
        default:
            if (e.converted >= 11 && e.converted <= 18) e.logical = Logical::integer;
            break;
    }
}

SchemaElement read_schema_element(CompactReader& r) {
    SchemaElement e;
    bool has_name = false;
    r.begin_struct();
    FieldHeader f;
    while (r.next_field(f)) {
        switch (f.id) {
            case 1: {
                const int32_t t = read_enum(r, f, "SchemaElement.type");
                if (t < 0 || t > 7)
                    fail_format("schema names unknown physical type " + std::to_string(t));
                e.type = static_cast<PhysicalType>(t);
                break;
            }
            case 2:
                expect_type(f, TType::i32, "SchemaElement.type_length");
                e.type_length = r.read_i32();
                break;
            case 3: {
                const int32_t rep = read_enum(r, f, "SchemaElement.repetition_type");
                if (rep < 0 || rep > 2)
                    fail_format("schema names unknown repetition " + std::to_string(rep));
                e.repetition = static_cast<Repetition>(rep);
                e.has_repetition = true;
                break;
            }
            case 4:
                expect_type(f, TType::binary, "SchemaElement.name");
                e.name = std::string(r.read_binary());
                has_name = true;
                break;
            case 5:
                expect_type(f, TType::i32, "SchemaElement.num_children");
                e.num_children = r.read_i32();
                break;
            case 6:
                e.converted = read_enum(r, f, "SchemaElement.converted_type");
                break;
            case 7:
                expect_type(f, TType::i32, "SchemaElement.scale");
                e.scale = r.read_i32();
                break;
            case 8:
                expect_type(f, TType::i32, "SchemaElement.precision");
                e.precision = r.read_i32();
                break;
            case 10:
                expect_type(f, TType::structure, "SchemaElement.logicalType");
                read_logical_type(r, e);
                break;
            default:
                r.skip(f.type);
        }
    }
    r.end_struct();
    if (!has_name) fail_format("schema element without a name");
    if (e.num_children < 0) fail_format("schema element with a negative child count");
    apply_converted_type(e);
    return e;
}

// Pass over one RowGroup struct: its row count only (the column chunks are read later).
int64_t skim_row_group(CompactReader& r) {
    int64_t rows = -1;
    r.begin_struct();
    FieldHeader f;
    while (r.next_field(f)) {
        if (f.id == 3 && f.type == TType::i64)
            rows = r.read_i64();
        else
            r.skip(f.type);
    }
    r.end_struct();
    if (rows < 0) fail_format("row group without a row count");
    return rows;
}

void read_column_meta(CompactReader& r, ColumnMeta& c, const std::string& leaf_path) {
    std::string path;
    int parts = 0;
    bool too_long = false;
    r.begin_struct();
    FieldHeader f;
    while (r.next_field(f)) {
        switch (f.id) {
            case 1: {
                const int32_t t = read_enum(r, f, "ColumnMetaData.type");
                if (t < 0 || t > 7) fail_format("column chunk names unknown physical type");
                c.type = static_cast<PhysicalType>(t);
                break;
            }
            case 3: {
                expect_type(f, TType::list, "ColumnMetaData.path_in_schema");
                ListHeader h = r.read_list();
                if (h.elem != TType::binary) fail_format("path_in_schema is not a string list");
                for (uint32_t i = 0; i < h.size; ++i) {
                    std::string_view part = r.read_binary();
                    if (path.size() + part.size() > leaf_path.size() + 1) {
                        too_long = true;  // longer than the leaf's path: cannot match
                        continue;
                    }
                    if (parts++ > 0) path += '.';
                    path += part;
                }
                r.end_list();
                break;
            }
            case 4:
                c.codec = read_enum(r, f, "ColumnMetaData.codec");
                break;
            case 5:
                expect_type(f, TType::i64, "ColumnMetaData.num_values");
                c.num_values = r.read_i64();
                break;
            case 6:
                expect_type(f, TType::i64, "ColumnMetaData.total_uncompressed_size");
                c.total_uncompressed_size = r.read_i64();
                break;
            case 7:
                expect_type(f, TType::i64, "ColumnMetaData.total_compressed_size");
                c.total_compressed_size = r.read_i64();
                break;
            case 9:
                expect_type(f, TType::i64, "ColumnMetaData.data_page_offset");
                c.data_page_offset = r.read_i64();
                break;
            case 11:
                expect_type(f, TType::i64, "ColumnMetaData.dictionary_page_offset");
                c.dictionary_page_offset = r.read_i64();
                break;
            default:
                r.skip(f.type);
        }
    }
    r.end_struct();
    if (too_long || path != leaf_path)
        fail_format("column chunk path does not match the schema's leaf '" + shown_text(leaf_path) +
                    "'");
    if (c.data_page_offset < 0 || c.total_compressed_size < 0 || c.num_values < 0)
        fail_format("column chunk for '" + shown_text(leaf_path) + "' lacks its offsets or sizes");
    c.present = true;
}

void read_column_chunk(CompactReader& r, ColumnMeta& c, const std::string& leaf_path, bool wanted) {
    bool has_meta = false;
    r.begin_struct();
    FieldHeader f;
    while (r.next_field(f)) {
        if (f.id == 1 && f.type == TType::binary && wanted) {
            r.read_binary();
            fail_format("column '" + shown_text(leaf_path) +
                        "' keeps its data in another file (ColumnChunk.file_path); not supported");
        } else if (f.id == 3 && f.type == TType::structure && wanted) {
            read_column_meta(r, c, leaf_path);
            has_meta = true;
        } else if (f.id == 8 && wanted) {
            fail_format("column '" + shown_text(leaf_path) + "' is encrypted; not supported");
        } else {
            r.skip(f.type);
        }
    }
    r.end_struct();
    if (wanted && !has_meta)
        fail_format("column chunk for '" + shown_text(leaf_path) + "' has no metadata");
}

}  // namespace

const char* physical_type_name(PhysicalType t) {
    switch (t) {
        case PhysicalType::boolean:
            return "BOOLEAN";
        case PhysicalType::int32:
            return "INT32";
        case PhysicalType::int64:
            return "INT64";
        case PhysicalType::int96:
            return "INT96";
        case PhysicalType::float32:
            return "FLOAT";
        case PhysicalType::float64:
            return "DOUBLE";
        case PhysicalType::byte_array:
            return "BYTE_ARRAY";
        case PhysicalType::fixed_len_byte_array:
            return "FIXED_LEN_BYTE_ARRAY";
        case PhysicalType::none:
            break;
    }
    return "group";
}

const char* codec_name(int32_t c) {
    static const char* const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                        "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    return c >= 0 && c < 8 ? names[c] : "unknown";
}

const char* encoding_name(int32_t e) {
    static const char* const names[] = {
        "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
        "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
        "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
    return e >= 0 && e < 10 ? names[e] : "unknown";
}

FileMeta parse_file_meta(const uint8_t* data, size_t size) {
    FileMeta m;
    CompactReader r(data, size);
    bool has_schema = false, has_rows = false, has_groups = false;
    r.begin_struct();
    FieldHeader f;
    while (r.next_field(f)) {
        switch (f.id) {
            case 1:
                expect_type(f, TType::i32, "FileMetaData.version");
                m.version = r.read_i32();
                break;
            case 2: {
                expect_type(f, TType::list, "FileMetaData.schema");
                ListHeader h = r.read_list();
                if (h.elem != TType::structure) fail_format("schema is not a list of structs");
                if (h.size > kMaxSchemaElements)
                    fail_format("schema has " + std::to_string(h.size) +
                                " elements; more than the " + std::to_string(kMaxSchemaElements) +
                                " this reader accepts");
                m.schema.reserve(h.size);  // bounded: checked against the bytes left and the cap
                for (uint32_t i = 0; i < h.size; ++i)
                    m.schema.push_back(read_schema_element(r));
                r.end_list();
                has_schema = true;
                break;
            }
            case 3:
                expect_type(f, TType::i64, "FileMetaData.num_rows");
                m.num_rows = r.read_i64();
                has_rows = true;
                break;
            case 4: {
                expect_type(f, TType::list, "FileMetaData.row_groups");
                ListHeader h = r.read_list();
                if (h.elem != TType::structure) fail_format("row_groups is not a list of structs");
                if (h.size > kMaxRowGroups)
                    fail_format("file claims " + std::to_string(h.size) +
                                " row groups; more than the " + std::to_string(kMaxRowGroups) +
                                " this reader accepts");
                m.row_group_offsets.reserve(h.size);
                m.row_group_rows.reserve(h.size);
                for (uint32_t i = 0; i < h.size; ++i) {
                    m.row_group_offsets.push_back(static_cast<uint32_t>(r.position()));
                    m.row_group_rows.push_back(skim_row_group(r));
                }
                r.end_list();
                has_groups = true;
                break;
            }
            case 6:
                expect_type(f, TType::binary, "FileMetaData.created_by");
                m.created_by = std::string(r.read_binary().substr(0, 200));
                break;
            case 8:
            case 9:
                fail_format("the file is encrypted; not supported");
            default:
                r.skip(f.type);
        }
    }
    r.end_struct();
    if (!has_schema || m.schema.empty()) fail_format("footer has no schema");
    if (!has_rows || m.num_rows < 0) fail_format("footer has no row count");
    if (!has_groups) fail_format("footer has no row group list");
    return m;
}

RowGroupMeta parse_row_group(const uint8_t* data, size_t size, const FileMeta& meta, size_t index,
                             const std::vector<std::string>& leaf_paths,
                             const std::vector<char>& wanted) {
    RowGroupMeta g;
    g.columns.resize(leaf_paths.size());
    const uint32_t at = meta.row_group_offsets.at(index);
    CompactReader r(data + at, size - at);
    size_t columns = 0;
    r.begin_struct();
    FieldHeader f;
    while (r.next_field(f)) {
        if (f.id == 1 && f.type == TType::list) {
            ListHeader h = r.read_list();
            if (h.elem != TType::structure || h.size != leaf_paths.size())
                fail_format("row group has " + std::to_string(h.size) +
                            " column chunks; the schema has " + std::to_string(leaf_paths.size()) +
                            " leaf columns");
            for (uint32_t i = 0; i < h.size; ++i)
                read_column_chunk(r, g.columns[i], leaf_paths[i], wanted[i] != 0);
            r.end_list();
            columns = h.size;
        } else if (f.id == 3 && f.type == TType::i64) {
            g.num_rows = r.read_i64();
        } else {
            r.skip(f.type);
        }
    }
    r.end_struct();
    if (columns != leaf_paths.size()) fail_format("row group has no column chunk list");
    if (g.num_rows < 0) fail_format("row group has a negative row count");
    return g;
}

PageHeader parse_page_header(const uint8_t* data, size_t size) {
    PageHeader h;
    CompactReader r(data, size);
    bool has_type = false, has_sizes = 0;
    r.begin_struct();
    FieldHeader f;
    auto sub = [&](auto&& on_field) {
        r.begin_struct();
        FieldHeader g;
        while (r.next_field(g))
            on_field(g);
        r.end_struct();
    };
    while (r.next_field(f)) {
        switch (f.id) {
            case 1:
                h.type = read_enum(r, f, "PageHeader.type");
                has_type = true;
                break;
            case 2:
                expect_type(f, TType::i32, "PageHeader.uncompressed_page_size");
                h.uncompressed_size = r.read_i32();
                has_sizes = true;
                break;
            case 3:
                expect_type(f, TType::i32, "PageHeader.compressed_page_size");
                h.compressed_size = r.read_i32();
                break;
            case 4:
                expect_type(f, TType::i32, "PageHeader.crc");
                h.crc = static_cast<uint32_t>(r.read_i32());
                h.has_crc = true;
                break;
            case 5:  // DataPageHeader
                expect_type(f, TType::structure, "PageHeader.data_page_header");
                sub([&](const FieldHeader& g) {
                    if (g.id == 1 && g.type == TType::i32)
                        h.num_values = r.read_i32();
                    else if (g.id == 2 && g.type == TType::i32)
                        h.encoding = r.read_i32();
                    else if (g.id == 3 && g.type == TType::i32)
                        h.def_encoding = r.read_i32();
                    else if (g.id == 4 && g.type == TType::i32)
                        h.rep_encoding = r.read_i32();
                    else
                        r.skip(g.type);
                });
                break;
            case 7:  // DictionaryPageHeader
                expect_type(f, TType::structure, "PageHeader.dictionary_page_header");
                sub([&](const FieldHeader& g) {
                    if (g.id == 1 && g.type == TType::i32)
                        h.num_values = r.read_i32();
                    else if (g.id == 2 && g.type == TType::i32)
                        h.encoding = r.read_i32();
                    else
                        r.skip(g.type);
                });
                break;
            case 8:  // DataPageHeaderV2
                expect_type(f, TType::structure, "PageHeader.data_page_header_v2");
                sub([&](const FieldHeader& g) {
                    if (g.type == TType::i32 && g.id >= 1 && g.id <= 6) {
                        const int32_t v = r.read_i32();
                        if (g.id == 1) h.num_values = v;
                        if (g.id == 2) h.num_nulls = v;
                        if (g.id == 3) h.num_rows = v;
                        if (g.id == 4) h.encoding = v;
                        if (g.id == 5) h.def_bytes = v;
                        if (g.id == 6) h.rep_bytes = v;
                    } else if (g.id == 7 &&
                               (g.type == TType::bool_true || g.type == TType::bool_false)) {
                        h.is_compressed = r.read_bool(g);
                    } else {
                        r.skip(g.type);
                    }
                });
                break;
            default:
                r.skip(f.type);
        }
    }
    r.end_struct();
    if (!has_type || !has_sizes) fail_format("page header lacks its type or sizes");
    if (h.uncompressed_size < 0 || h.compressed_size < 0 || h.num_values < 0 || h.def_bytes < 0 ||
        h.rep_bytes < 0 || h.num_nulls < 0 || h.num_rows < 0)
        fail_format("page header holds a negative size or count");
    h.header_bytes = r.position();
    return h;
}

}  // namespace curcrunch::ingest::parquet
