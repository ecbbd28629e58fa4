// Bad Parquet input through the real binary: exit code 3, a message naming the file and where
// (row group, column, page, row), and the store exactly as it was. With --on-error=skip a
// damaged row group is skipped whole, counted and reported. The damaged files come from our
// test writer (tests/parquet_test_writer.hpp) or from third-party fixtures cut or patched.
#include <gtest/gtest.h>

#include "parquet_support.hpp"
#include "parquet_test_writer.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;
using parquettest::fixture;

namespace {

// A small valid CUR 2.0-like file in our writer's terms: `rows` rows in one or more row groups.
std::vector<pqw::Column> cur2_columns(size_t rows) {
    pqw::Column start = pqw::column("line_item_usage_start_date", 6, false, 0);
    pqw::Column cost = pqw::column("line_item_unblended_cost", 5);
    pqw::Column account = pqw::column("line_item_usage_account_id", 6, true, 0);
    pqw::Column type = pqw::column("line_item_line_item_type", 6, false, 0);
    for (size_t i = 0; i < rows; ++i) {
        start.values.push_back(
            pqw::plain_bytes("2024-03-0" + std::to_string(1 + i % 5) + "T00:00:00Z"));
        cost.values.push_back(pqw::plain_double(0.25 * static_cast<double>(i % 7)));
        account.values.push_back(
            i % 4 == 3 ? std::nullopt
                       : std::optional(pqw::plain_bytes("11112222333" + std::to_string(i % 2))));
        type.values.push_back(pqw::plain_bytes("Usage"));
    }
    return {start, cost, account, type};
}

class ParquetBadInput : public ::testing::Test {
  protected:
    void SetUp() override {
        db_ = dir_ / "store.db";
        write_file(dir_ / "good.csv",
                   std::string(kLegacyHeader) + legacy_row("1", "2024-01-03", "1.5"));
        RunResult r = run_cli({"ingest", "--db", db_, "--no-progress", dir_ / "good.csv"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        before_ = dump_store(db_);
    }
    std::string file(const std::string& name, const std::string& bytes) {
        write_file(dir_ / name, bytes);
        return dir_ / name;
    }
    void expect_rejected(const std::string& path, const std::string& message) {
        RunResult r = run_cli({"ingest", "--db", db_, "--no-progress", dir_ / "good.csv", path});
        EXPECT_EQ(r.exit_code, 3) << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << "stderr was: " << r.err;
        EXPECT_NE(r.err.find("nothing was written to the store"), std::string::npos) << r.err;
        EXPECT_EQ(dump_store(db_), before_);
        for (char c : r.err)  // never raw binary in a message
            EXPECT_TRUE(c == '\n' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)) << r.err;
    }
    TempDir dir_;
    std::string db_, before_;
};

}  // namespace

TEST_F(ParquetBadInput, TheTestWritersFilesAreGood) {
    pqw::Options o;
    o.codec = 1;
    o.crc = true;
    o.dictionary = true;
    o.rows_per_group = 40;
    const std::string f = file("ok.parquet", pqw::write(cur2_columns(100), o));
    RunResult r = run_cli({"ingest", "--db", dir_ / "ok.db", "--no-progress", f});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(dir_ / "ok.db",
                        "SELECT money_sum(unblended) || ' ' || sum(row_count) FROM "
                        "cost_daily_named"),
              "737500000000 100");
    o.page_version = 2;
    o.dictionary = false;
    const std::string f2 = file("ok2.parquet", pqw::write(cur2_columns(100), o));
    r = run_cli({"ingest", "--db", dir_ / "ok2.db", "--no-progress", f2});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(dump_rollups(dir_ / "ok.db"), dump_rollups(dir_ / "ok2.db"));
}

TEST_F(ParquetBadInput, BadMagic) {
    std::string bytes = read_file(fixture("cur2_snappy.parquet"));
    bytes[3] = 'X';
    expect_rejected(file("magic.parquet", bytes),
                    "magic.parquet: not a Parquet file (no PAR1 magic");
}

TEST_F(ParquetBadInput, TruncatedFile) {
    const std::string bytes = read_file(fixture("cur2_snappy.parquet"));
    expect_rejected(file("cut.parquet", bytes.substr(0, bytes.size() / 2)),
                    "cut.parquet: truncated Parquet file (no PAR1 magic at the end)");
    expect_rejected(file("tiny.parquet", "PAR1PAR1"),
                    "tiny.parquet: truncated Parquet file (8 bytes");
}

TEST_F(ParquetBadInput, FooterLengthPastTheFile) {
    std::string bytes = read_file(fixture("cur2_snappy.parquet"));
    const uint32_t huge = 0x7fffffff;
    std::memcpy(bytes.data() + bytes.size() - 8, &huge, 4);
    expect_rejected(file("footer.parquet", bytes),
                    "footer.parquet: damaged Parquet footer (length 2147483647");
}

TEST_F(ParquetBadInput, TruncatedFooter) {
    // The footer claims fewer bytes than it has: the Thrift structure ends early.
    std::string bytes = read_file(fixture("cur2_snappy.parquet"));
    uint32_t len;
    std::memcpy(&len, bytes.data() + bytes.size() - 8, 4);
    const std::string cut = bytes.substr(0, bytes.size() - 8 - len) +
                            bytes.substr(bytes.size() - 8 - len, len / 2) + pqw::le32(len / 2) +
                            "PAR1";
    expect_rejected(file("footer2.parquet", cut),
                    "footer2.parquet: damaged Parquet footer: metadata ends early");
}

TEST_F(ParquetBadInput, RowCountsThatDisagreeAreDamageNotFewerRows) {
    // Every column holds 6 rows, the row group says 3 and so does the file: the other three
    // (and their cost) would be dropped without a word.
    pqw::Options o;
    o.group_rows_claim = 3;
    expect_rejected(file("fewer.parquet", pqw::write(cur2_columns(6), o)),
                    "fewer.parquet: row group 0, column 'line_item_usage_account_id', page 1: "
                    "holds values past the row group's 3 rows");
    o.group_rows_claim = 0;
    expect_rejected(file("none.parquet", pqw::write(cur2_columns(6), o)),
                    "none.parquet: row group 0, column 'line_item_usage_account_id', page 1: "
                    "holds values past the row group's 0 rows");
    // The row groups agree with their columns, the file's count does not.
    pqw::Options f;
    f.file_rows_claim = 12;
    expect_rejected(file("file.parquet", pqw::write(cur2_columns(6), f)),
                    "file.parquet: damaged Parquet footer: the file says 12 rows, its row "
                    "groups 6");
}

TEST_F(ParquetBadInput, AccountIdsTypedAsNumbersKeepTheirTwelveDigits) {
    // Written by a tool that took the ids for numbers: 010000000000 lost its leading zero.
    auto cols = cur2_columns(6);
    pqw::Column payer = pqw::column("bill_payer_account_id", 2);             // INT64
    pqw::Column usage = pqw::column("line_item_usage_account_id", 5, true);  // DOUBLE
    for (int i = 0; i < 6; ++i) {
        payer.values.push_back(pqw::le64(10000000000ull));
        usage.values.push_back(i == 5 ? std::nullopt
                                      : std::optional(pqw::plain_double(i % 2 ? 7.0 : 123.0)));
    }
    cols[2] = usage;
    cols.push_back(payer);
    const std::string f = file("numbers.parquet", pqw::write(cols, pqw::Options{}));
    RunResult r = run_cli({"ingest", "--db", dir_ / "n.db", "--no-progress", f});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(dir_ / "n.db",
                        "SELECT group_concat(payer || '/' || account, ' ') FROM (SELECT DISTINCT "
                        "payer_account AS payer, usage_account AS account FROM cost_daily_named "
                        "ORDER BY 1, 2)"),
              "010000000000/ 010000000000/000000000007 010000000000/000000000123");
    // A number no account id is: the row is bad, named by its row and column.
    cols[2].values[3] = pqw::plain_double(12.5);
    expect_rejected(file("fraction.parquet", pqw::write(cols, pqw::Options{})),
                    "fraction.parquet: row group 0, column 'line_item_usage_account_id', page 1, "
                    "row 4: a number that is not an account id (twelve digits)");
    // A FLOAT holds 836060457634 as 836060446720, another account: not taken.
    pqw::Column single = pqw::column("bill_payer_account_id", 4);  // FLOAT
    const float rounded = 836060457634.0f;
    uint32_t bits = 0;
    std::memcpy(&bits, &rounded, 4);
    for (int i = 0; i < 6; ++i)
        single.values.push_back(pqw::le32(bits));
    auto floats = cur2_columns(6);
    floats.push_back(single);
    expect_rejected(file("float.parquet", pqw::write(floats, pqw::Options{})),
                    "float.parquet: row group 0, column 'bill_payer_account_id', page 1, row 1: a "
                    "number that is not an account id (twelve digits, which a FLOAT cannot hold "
                    "exactly)");
}

TEST_F(ParquetBadInput, BytesLeftInAPageAfterItsValuesAreDamage) {
    // A page's size is its levels and values: bytes behind them are a size that lies, or
    // padding (100 MiB of zeros compress to almost nothing) that was once accepted.
    auto padded = [&](const std::string& name, bool dictionary, size_t column, int which_page) {
        pqw::Options o;
        o.dictionary = dictionary;
        int seen = 0;
        o.corrupt_body = [&](size_t c, size_t, std::string& body) {
            if (c == column && seen++ == which_page) body.append(1000, '\0');
        };
        int seen_header = 0;
        o.tweak_header = [&](size_t c, size_t, int32_t&, int32_t& uncompressed, uint32_t&) {
            if (c == column && seen_header++ == which_page) uncompressed += 1000;
        };
        return file(name, pqw::write(cur2_columns(20), o));
    };
    expect_rejected(padded("plain.parquet", false, 1, 0),
                    "plain.parquet: row group 0, column 'line_item_unblended_cost', page 1: page "
                    "has 1000 bytes left over after its values; its size says more than it holds");
    expect_rejected(padded("levels.parquet", false, 2, 0),
                    "levels.parquet: row group 0, column 'line_item_usage_account_id', page 1: "
                    "page has 1000 bytes left over after its values");
    expect_rejected(padded("indices.parquet", true, 0, 1),
                    "indices.parquet: row group 0, column 'line_item_usage_start_date', page 2: "
                    "page has 1000 bytes left over after its values");
    expect_rejected(padded("dictionary.parquet", true, 0, 0),
                    "dictionary.parquet: row group 0, column 'line_item_usage_start_date', page "
                    "1: dictionary page has 1000 bytes left over after its 5 values");
}

TEST_F(ParquetBadInput, PageSizePastItsChunk) {
    pqw::Options o;
    o.tweak_header = [](size_t c, size_t, int32_t& comp, int32_t&, uint32_t&) {
        if (c == 1) comp += 100000;
    };
    expect_rejected(
        file("page.parquet", pqw::write(cur2_columns(20), o)),
        "page.parquet: row group 0, column 'line_item_unblended_cost', page 1: page of");
}

TEST_F(ParquetBadInput, CrcMismatch) {
    pqw::Options o;
    o.crc = true;
    o.codec = 1;
    o.corrupt_body = [](size_t c, size_t, std::string& body) {
        if (c == 1) body[body.size() - 1] ^= 0x40;
    };
    expect_rejected(file("crc.parquet", pqw::write(cur2_columns(20), o)),
                    "crc.parquet: row group 0, column 'line_item_unblended_cost', page 1: page CRC "
                    "mismatch");
}

TEST_F(ParquetBadInput, CorruptCompressedPage) {
    pqw::Options o;
    o.codec = 1;
    o.corrupt_body = [](size_t c, size_t, std::string& body) {
        if (c == 0) body[0] = static_cast<char>(0xff);  // a snappy length that is not the page's
    };
    expect_rejected(file("snappy.parquet", pqw::write(cur2_columns(20), o)),
                    "snappy.parquet: row group 0, column 'line_item_usage_start_date', page 1: "
                    "corrupt SNAPPY data: decompressed to 511 bytes, the page header says 480");
}

TEST_F(ParquetBadInput, DictionaryIndexOutOfRange) {
    pqw::Options o;
    o.dictionary = true;
    o.dictionary_index_offset = 50;
    expect_rejected(file("dict.parquet", pqw::write(cur2_columns(20), o)),
                    "dict.parquet: row group 0, column 'line_item_usage_account_id', page 2: "
                    "dictionary index 51 out of range (the dictionary has 2 entries)");
}

TEST_F(ParquetBadInput, CostColumnHoldingText) {
    expect_rejected(
        fixture("bad_cost_text.parquet"),
        "bad_cost_text.parquet: row group 0, column 'line_item_unblended_cost', page 2, "
        "row 100: not a number: 'abc'");
}

TEST_F(ParquetBadInput, UnsupportedEncodingAndCodec) {
    pqw::Options o;
    o.encoding = 1;  // GROUP_VAR_INT, deprecated and never written
    expect_rejected(file("enc.parquet", pqw::write(cur2_columns(20), o)),
                    "enc.parquet: row group 0, column 'line_item_usage_account_id', page 1: "
                    "encoding GROUP_VAR_INT (1) is not supported");
    pqw::Options c;
    c.codec_claim = 3;  // LZO
    expect_rejected(file("lzo.parquet", pqw::write(cur2_columns(20), c)),
                    "lzo.parquet: row group 0, column 'line_item_usage_account_id': compression "
                    "codec LZO (3) is not supported");
}

TEST_F(ParquetBadInput, CostColumnOfANonNumericTypeSaysWhichType) {
    // INT32 and INT64 hold DECIMAL costs; annotated as dates they do not, and the message says
    // it is the annotation that rules them out.
    auto with_cost = [&](int type, int converted, const std::string& value) {
        auto cols = cur2_columns(6);
        cols[1] = pqw::column("line_item_unblended_cost", type, false, converted);
        for (int i = 0; i < 6; ++i)
            cols[1].values.push_back(value);
        return pqw::write(cols, pqw::Options{});
    };
    expect_rejected(file("date.parquet", with_cost(1, 6, pqw::le32(19000))),
                    "date.parquet: schema: column 'line_item_unblended_cost' is a DATE column; it "
                    "cannot hold an amount");
    expect_rejected(file("ts.parquet", with_cost(2, 9, pqw::le64(1700000000000))),
                    "ts.parquet: schema: column 'line_item_unblended_cost' is a TIMESTAMP column; "
                    "it cannot hold an amount");
    expect_rejected(file("int96.parquet", with_cost(3, -1, std::string(12, '\0'))),
                    "int96.parquet: schema: column 'line_item_unblended_cost' is an INT96 column; "
                    "it cannot hold an amount");
}

TEST_F(ParquetBadInput, NotABillingExport) {
    expect_rejected(fixture("cost_and_usage_data_status.parquet"),
                    "cost_and_usage_data_status.parquet: schema: unknown dialect");
}

TEST_F(ParquetBadInput, SkipDropsADamagedRowGroupWholeAndSaysSo) {
    pqw::Options o;
    o.codec = 1;
    o.crc = true;
    o.rows_per_group = 40;
    o.corrupt_body = [](size_t c, size_t g, std::string& body) {
        if (c == 1 && g == 1) body[2] ^= 0x01;
    };
    const std::string f = file("skip.parquet", pqw::write(cur2_columns(100), o));
    RunResult r =
        run_cli({"ingest", "--db", dir_ / "skip.db", "--no-progress", "--on-error=skip", f});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("1 damaged Parquet row group(s) skipped whole"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("40 bad row(s) skipped"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("skip.parquet: row group 1 (40 rows) skipped: column "
                         "'line_item_unblended_cost', page 1: page CRC mismatch"),
              std::string::npos)
        << r.err;
    // Row groups 0 and 2: 60 rows; nothing of row group 1 reached the store.
    EXPECT_EQ(query_one(dir_ / "skip.db", "SELECT sum(row_count) FROM cost_daily_named"), "60");
    EXPECT_EQ(query_one(dir_ / "skip.db", "SELECT skipped_rows FROM ingest"), "40");
}

TEST_F(ParquetBadInput, SkipDropsARowGroupWithDamagedCompressionToo) {
    // As the man page says under --on-error: a corrupt compressed page is damage to its row
    // group alone (unlike a damaged gzip CSV stream, which always fails).
    pqw::Options o;
    o.codec = 1;
    o.rows_per_group = 40;
    o.corrupt_body = [](size_t c, size_t g, std::string& body) {
        if (c == 1 && g == 1) body[0] = static_cast<char>(0xff);
    };
    const std::string f = file("codec.parquet", pqw::write(cur2_columns(100), o));
    RunResult r =
        run_cli({"ingest", "--db", dir_ / "codec.db", "--no-progress", "--on-error=skip", f});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("codec.parquet: row group 1 (40 rows) skipped: column "
                         "'line_item_unblended_cost', page 1: corrupt SNAPPY data"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(query_one(dir_ / "codec.db", "SELECT sum(row_count) FROM cost_daily_named"), "60");
}

TEST_F(ParquetBadInput, SkipDropsOnlyTheBadRow) {
    RunResult r = run_cli({"ingest", "--db", dir_ / "row.db", "--no-progress", "--on-error=skip",
                           fixture("bad_cost_text.parquet")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("1 bad row(s) skipped"), std::string::npos) << r.err;
    EXPECT_EQ(query_one(dir_ / "row.db",
                        "SELECT line || ' ' || column_name || ' ' || message FROM "
                        "ingest_problem"),
              "100 line_item_unblended_cost row group 0, page 2: not a number: 'abc'");
}

}  // namespace CURCRUNCH_UNITY_ID
