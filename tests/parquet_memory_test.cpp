// What a Parquet file can make the ingest hold in decompressed pages: a small file whose pages
// decompress to a few values and hundreds of MiB of zeros must meet one limit for the whole
// ingest (PagePool, page_reader.hpp), not one per thread. The pages here are
// DELTA_LENGTH_BYTE_ARRAY: bytes left after a PLAIN or dictionary page's values are refused as
// damage on their own (column_reader.cpp check_page_end), a DELTA page's are not checked.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "curcrunch/ingest/parquet/page_reader.hpp"
#include "hostile_support.hpp"
#include "parquet_test_writer.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;
using curcrunch::ingest::parquet::PageBudget;
using curcrunch::ingest::parquet::PagePool;

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

TEST(ParquetMemory, RowGroupsThatEachNeedMostOfTheLimitWaitOnEachOther) {
    // Two row groups of 900 MiB of pages each, read by two threads in step, each holding part
    // of its pages when the pool is full: neither can finish without the other waiting, so one
    // is let past the limit, and the ingest ends. Bounded by the limit plus one row group's
    // (2 GiB), however many threads: with 32 threads this file's like once took 32 GB. (This
    // machine's two cores cannot show the difference from one limit per thread; the pool's own
    // test below does.)
    TempDir dir;
    write_file(dir / "padded2.parquet", padded_delta_file(2, 9, size_t(100) << 20));
    const MeasuredRun m = run_cli_measured({"ingest", "--db", dir / "p.db", "--no-progress",
                                            "--threads", "2", dir / "padded2.parquet"});
    EXPECT_GT(m.max_rss_kib, 900 * 1024) << m.run.err;  // one row group's pages were held
    EXPECT_LT(m.max_rss_kib, (2048 + 256) * 1024) << "peak RSS " << m.max_rss_kib << " KiB";
}

TEST(ParquetMemory, ALargeRowGroupOfDistinctRowsIsFlushedAsItIsRead) {
    // 300,000 rows, each its own group (600 usage types by 500 operations, dictionary-encoded,
    // so the row group's texts and pages are small): read whole before its groups went to the
    // shared rollup, one row group held them all twice over, once in the worker's rollup. Now
    // the worker's rollup is flushed between batches, as after a CSV chunk, and one row group
    // takes about what ten of a tenth the size take.
    constexpr size_t kRows = 300000;
    pqw::Column start = pqw::column("line_item_usage_start_date", 6, false, 0);
    pqw::Column cost = pqw::column("line_item_unblended_cost", 5);
    pqw::Column type = pqw::column("line_item_usage_type", 6, false, 0);
    pqw::Column op = pqw::column("line_item_operation", 6, false, 0);
    for (size_t i = 0; i < kRows; ++i) {
        start.values.push_back(pqw::plain_bytes("2024-03-01T00:00:00Z"));
        cost.values.push_back(pqw::plain_double(0.5));
        type.values.push_back(pqw::plain_bytes("BoxUsage:t" + std::to_string(i % 600)));
        op.values.push_back(pqw::plain_bytes("RunInstances:" + std::to_string(i / 600)));
    }
    TempDir dir;
    pqw::Options o;
    o.dictionary = true;
    o.codec = 1;
    write_file(dir / "one.parquet", pqw::write({start, cost, type, op}, o));
    o.rows_per_group = kRows / 10;
    write_file(dir / "ten.parquet", pqw::write({start, cost, type, op}, o));
    long peak[2];
    for (int i = 0; i < 2; ++i) {
        const std::string name = i == 0 ? "one" : "ten";
        const MeasuredRun m = run_cli_measured(
            {"ingest", "--db", dir / (name + ".db"), "--no-progress", dir / (name + ".parquet")});
        ASSERT_EQ(m.run.exit_code, 0) << m.run.err;
        EXPECT_EQ(query_one(dir / (name + ".db"),
                            "SELECT money_sum(unblended) || ' ' || sum(row_count) || ' ' || "
                            "count(*) FROM cost_daily_named"),
                  "1500000000000000 300000 300000");
        peak[i] = m.max_rss_kib;
    }
    EXPECT_LT(peak[0], peak[1] * 5 / 4)
        << "one row group: " << peak[0] << " KiB, ten: " << peak[1] << " KiB";
}

TEST(ParquetMemory, PagePoolWaitsForRoomAndNeverDeadlocks) {
    PagePool pool(100);
    // B needs room A holds: it waits until A's row group is done.
    auto a = std::make_unique<PageBudget>(&pool);
    a->grow(80);
    std::atomic<bool> b_done{false};
    std::thread b([&] {
        PageBudget mine(&pool);
        mine.grow(30);
        b_done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(b_done.load());
    a.reset();
    b.join();
    EXPECT_TRUE(b_done.load());
    EXPECT_LE(pool.peak(), 100u);
    EXPECT_EQ(pool.held(), 0u);

    // Both hold pages and both need more than is left: one goes on past the limit (only one),
    // and the other follows when it is done.
    PagePool tight(100);
    PageBudget first(&tight), second(&tight);
    first.grow(60);
    second.grow(30);
    std::atomic<bool> first_done{false};
    std::thread t([&] {
        first.grow(50);
        first_done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(first_done.load());  // second still runs: first waits for it
    second.grow(50);                  // every holder waits now: this one goes on
    EXPECT_EQ(tight.held(), 140u);
    second.shrink(80);  // its row group is done
    t.join();
    EXPECT_TRUE(first_done.load());
    EXPECT_EQ(tight.held(), 110u);
    EXPECT_LT(tight.peak(), 100u + (uint64_t(1) << 30));
}

}  // namespace CURCRUNCH_UNITY_ID
