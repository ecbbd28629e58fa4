// Files written by third-party Parquet writers (DuckDB 1.5 and the Rust parquet crate, see
// tests/parquet/make_fixtures.mjs) in every codec, page version and encoding that writers
// produce, each against a CSV twin of the same rows: the rollups must be identical. The test
// also walks each file's pages with our reader to prove the variants really are in the files.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "curcrunch/ingest/parquet/codec.hpp"
#include "curcrunch/ingest/parquet/page_reader.hpp"
#include "curcrunch/ingest/parquet/parquet_file.hpp"
#include "parquet_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;
using namespace curcrunch::ingest::parquet;
using parquettest::fixture;
using parquettest::fixtures;
using parquettest::rollups_of;

namespace {

struct Seen {
    std::set<std::string> encodings, codecs, page_types, physical, logical;
    size_t row_groups = 0;
};

void walk(const std::string& path, Seen& seen) {
    ParquetFile f(path);
    const SchemaTree& t = f.tree();
    std::vector<char> all(t.leaves.size(), 1);
    for (const LeafColumn& l : t.leaves) {
        seen.physical.insert(physical_type_name(l.element.type));
        const SchemaElement& e = l.element;
        if (e.logical == Logical::decimal)
            seen.logical.insert(std::string("DECIMAL/") + physical_type_name(e.type));
        if (e.logical == Logical::timestamp)
            seen.logical.insert(std::string("TIMESTAMP/") +
                                (e.unit == TimeUnit::millis   ? "millis"
                                 : e.unit == TimeUnit::micros ? "micros"
                                                              : "nanos") +
                                (e.utc_adjusted ? "/utc" : "/local"));
        if (e.logical == Logical::date) seen.logical.insert("DATE");
        if (e.logical == Logical::string) seen.logical.insert("STRING");
        if (l.max_rep > 0) seen.logical.insert("repeated");
        if (l.max_def > 0 && l.max_rep == 0) seen.logical.insert("optional");
        if (l.max_def == 0) seen.logical.insert("required");
    }
    Decompressor codec;
    seen.row_groups += f.row_groups();
    for (size_t g = 0; g < f.row_groups(); ++g) {
        RowGroupMeta rg = f.row_group(g, all);
        for (const ColumnMeta& c : rg.columns) {
            seen.codecs.insert(codec_name(c.codec));
            PageReader pages(f.data(), f.data_end(), c, codec);
            Page p;
            while (pages.next(p)) {
                const int t = p.header.type;
                seen.page_types.insert(t == 2 ? "dictionary" : t == 3 ? "data v2" : "data v1");
                seen.encodings.insert(encoding_name(p.header.encoding));
            }
        }
    }
}

}  // namespace

TEST(ParquetFixtures, EveryVariantMatchesItsCsvTwin) {
    simdjson::dom::parser parser;
    simdjson::dom::element list;
    const std::string json = read_file(fixture("fixtures.json"));
    ASSERT_FALSE(parser.parse(json).get(list));
    size_t n = 0;
    for (simdjson::dom::element fx : list.get_array()) {
        const std::string name(std::string_view(fx["name"].get_string()));
        std::string_view twin;
        const std::string csv =
            fixture((fx["twin"].get_string().get(twin) ? name : std::string(twin)) + ".csv");
        SCOPED_TRACE(name);
        TempDir dir;
        const std::string pq = rollups_of(dir, "p.db", {fixture(name + ".parquet")});
        EXPECT_GT(pq.size(), 1000u);
        EXPECT_EQ(pq, rollups_of(dir, "c.db", {csv}));
        // The file holds what the writer was asked for.
        Seen seen;
        walk(fixture(name + ".parquet"), seen);
        simdjson::dom::array want;
        auto expect_all = [&](const char* key, const std::set<std::string>& have) {
            simdjson::dom::array want;
            if (fx[key].get_array().get(want)) return;
            for (auto e : want) {
                const std::string v(std::string_view(e.get_string()));
                EXPECT_TRUE(have.count(v)) << key << " " << v;
            }
        };
        expect_all("encodings", seen.encodings);
        expect_all("codecs", seen.codecs);
        bool v2 = false;
        if (!fx["page_v2"].get_bool().get(v2)) {
            EXPECT_EQ(seen.page_types.count(v2 ? "data v2" : "data v1"), 1u);
        }
        int64_t min_groups = 0;
        if (!fx["min_row_groups"].get_int64().get(min_groups)) {
            EXPECT_GE(seen.row_groups, static_cast<size_t>(min_groups));
        }
        ++n;
    }
    EXPECT_GE(n, 16u);
}

TEST(ParquetFixtures, TogetherTheyCoverTheFormatAsWritersUseIt) {
    Seen seen;
    for (const auto& entry : fs::directory_iterator(fixtures()))
        if (entry.path().extension() == ".parquet" &&
            entry.path().filename() != "cost_and_usage_data_status.parquet")
            walk(entry.path().string(), seen);
    walk(real_samples() + "/cur1-parquet_wal-workshop_2018-11.snappy.parquet", seen);
    for (const char* e : {"PLAIN", "PLAIN_DICTIONARY", "RLE_DICTIONARY", "DELTA_BINARY_PACKED",
                          "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "BYTE_STREAM_SPLIT"})
        EXPECT_TRUE(seen.encodings.count(e)) << e;
    for (const char* c : {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "BROTLI", "LZ4_RAW", "LZ4"})
        EXPECT_TRUE(seen.codecs.count(c)) << c;
    for (const char* p : {"dictionary", "data v1", "data v2"})
        EXPECT_TRUE(seen.page_types.count(p)) << p;
    for (const char* t : {"INT32", "INT64", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"})
        EXPECT_TRUE(seen.physical.count(t)) << t;
    for (const char* l :
         {"DECIMAL/INT32", "DECIMAL/INT64", "DECIMAL/FIXED_LEN_BYTE_ARRAY",
          "TIMESTAMP/millis/local", "TIMESTAMP/micros/local", "TIMESTAMP/micros/utc",
          "TIMESTAMP/nanos/local", "DATE", "STRING", "repeated", "optional", "required"})
        EXPECT_TRUE(seen.logical.count(l)) << l;
}

}  // namespace CURCRUNCH_UNITY_ID
