// What a Parquet file can make the ingest hold in decompressed pages: a small file whose pages
// decompress to a few values and hundreds of MiB of zeros must meet the row group's limit
// (page_reader.hpp). The pages here are DELTA_LENGTH_BYTE_ARRAY: bytes left after a PLAIN or
// dictionary page's values are refused as damage on their own (column_reader.cpp
// check_page_end), a DELTA page's are not checked.
#include <gtest/gtest.h>

#include "parquet_test_writer.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

// `groups` row groups of 6 rows; `columns` text columns in DELTA_LENGTH_BYTE_ARRAY pages, each
// page's few values followed by `pad` zero bytes, GZIP compressed to almost nothing.
std::string padded_delta_file(size_t groups, size_t columns, size_t pad) {
    const char* names[] = {"line_item_usage_start_date",
                           "line_item_unblended_cost",
                           "line_item_line_item_type",
                           "line_item_usage_type",
                           "line_item_operation",
                           "product_region",
                           "pricing_term",
                           "line_item_currency_code",
                           "pricing_unit",
                           "bill_billing_entity"};
    std::vector<pqw::Column> cols;
    for (size_t c = 0; c < columns; ++c) {
        const std::string v = c == 0 ? "2024-03-01T00:00:00Z" : c == 1 ? "0.25" : "x";
        pqw::Column col = pqw::column(names[c], 6, false, 0);
        for (size_t g = 0; g < groups; ++g) {
            // The writer joins a page's values: the first row carries the page's encoding.
            col.values.push_back(pqw::delta_length_byte_array(std::vector<std::string>(6, v)));
            for (int i = 1; i < 6; ++i)
                col.values.push_back(std::string());
        }
        cols.push_back(col);
    }
    pqw::Options o;
    o.rows_per_group = 6;
    o.encoding = 6;     // DELTA_LENGTH_BYTE_ARRAY
    o.codec_claim = 2;  // GZIP, applied below with the padding
    o.corrupt_body = [pad](size_t, size_t, std::string& body) {
        body.append(pad, '\0');
        body = gzip_bytes(body, 1);
    };
    o.tweak_header = [pad](size_t, size_t, int32_t&, int32_t& uncompressed, uint32_t&) {
        uncompressed += static_cast<int32_t>(pad);
    };
    return pqw::write(cols, o);
}

}  // namespace

TEST(ParquetMemory, OneRowGroupsPagesAreCapped) {
    // Nine columns' pages would hold 1080 MiB at once in one row group's reader.
    TempDir dir;
    write_file(dir / "padded.parquet", padded_delta_file(1, 9, size_t(120) << 20));
    RunResult r =
        run_cli({"ingest", "--db", dir / "p.db", "--no-progress", dir / "padded.parquet"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("padded.parquet: row group 0, column '"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("', page 1: the row group's pages would hold 1080 MiB decompressed at "
                         "once; more than the 1024 MiB this reader accepts"),
              std::string::npos)
        << r.err;
}

}  // namespace CURCRUNCH_UNITY_ID
