// One file reached twice in one ingest (a folder and a file in it, a path given twice, a symlink,
// a manifest listing one key twice) is read once, with a warning; reached as two different units
// it is refused. It was summed twice: the month doubled.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

// January: 1.25 + 2.50 (money_sum gives units of 10^-10).
std::string january_csv() {
    return std::string(kLegacyHeader) + legacy_row("a", "2024-01-02", "1.25") +
           legacy_row("b", "2024-01-03", "2.50");
}

std::string total_of(const std::string& db) {
    return query_one(db, "SELECT money_sum(unblended) FROM cost_daily_named");
}

std::string sources_of(const std::string& db) {
    return query_one(db, "SELECT count(*) FROM ingest_source");
}

}  // namespace

TEST(InputRepeat, AFileReachedTwiceIsReadOnce) {
    TempDir d;
    const std::string dir = d / "in", jan = d / "in/jan.csv", link = d / "link.csv";
    write_file(jan, january_csv());
    std::filesystem::create_symlink(jan, link);
    struct Case {
        std::vector<std::string> inputs;
        std::string warning;
    };
    const std::vector<Case> cases = {
        {{dir, jan}, jan + " and " + jan + " is given twice; it is read once"},
        {{jan, jan}, jan + " and " + jan + " is given twice; it is read once"},
        {{jan, d / "in/../in/jan.csv"}, " are the same file; it is read once"},
        {{jan, link}, jan + " and " + link + " are the same file; it is read once"},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
        SCOPED_TRACE(i);
        const std::string db = d / ("s" + std::to_string(i) + ".db");
        std::vector<std::string> args = {"ingest", "--no-progress", "--db", db};
        args.insert(args.end(), cases[i].inputs.begin(), cases[i].inputs.end());
        const RunResult r = run_cli(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.err.find(cases[i].warning), std::string::npos) << r.err;
        EXPECT_EQ(total_of(db), "37500000000");  // 3.75
        EXPECT_EQ(sources_of(db), "1");
    }
}

TEST(InputRepeat, AManifestListingOneKeyTwiceReadsItOnce) {
    TempDir d;
    const std::string period = d / "exp/cur/20240101-20240201";
    const std::string key = "cur/20240101-20240201/11111111-2222-3333-4444-555555555555/cur-1.csv";
    write_file(d / ("exp/" + key), january_csv());
    write_file(period + "/cur-Manifest.json",
               R"({"assemblyId":"11111111-2222-3333-4444-555555555555","account":"000011112222",)"
               R"("billingPeriod":{"start":"20240101T000000.000Z","end":"20240201T000000.000Z"},)"
               R"("bucket":"b","reportKeys":[")" +
                   key + R"(",")" + key + R"("]})");
    const std::string db = d / "m.db";
    const RunResult r = run_cli({"ingest", "--no-progress", "--db", db, d / "exp"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("is given twice; it is read once"), std::string::npos) << r.err;
    EXPECT_EQ(total_of(db), "37500000000");  // 3.75
    EXPECT_EQ(sources_of(db), "1");
}

// Reached once as a partition folder's file (period 2024-01 from BILLING_PERIOD=) and once as a
// file of its own (period from its rows): two units, so which is meant cannot be told.
TEST(InputRepeat, OneFileAsTwoDifferentUnitsIsRefused) {
    TempDir d;
    const std::string jan = d / "exp/BILLING_PERIOD=2024-01/jan.csv", link = d / "jan-link.csv";
    write_file(jan, january_csv());
    std::filesystem::create_symlink(jan, link);
    const std::string db = d / "r.db";
    const RunResult r = run_cli({"ingest", "--no-progress", "--db", db, d / "exp", link});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(jan + " and " + link +
                         " are the same file, reached as two inputs of different periods, "
                         "manifests or deliveries: give it once"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(db));
}

// `gunzip -k` leaves jan.csv beside jan.csv.gz: the same rows twice, which summed doubled the
// month (exit 0). Refused whether the folder or the two files are given, store untouched.
TEST(InputRepeat, AFileBesideItsCompressedCopyIsRefused) {
    TempDir d;
    const std::string plain = d / "in/jan.csv", gz = d / "in/jan.csv.gz", other = d / "z/jan.csv";
    write_file(plain, january_csv());
    write_file(gz, gzip_bytes(january_csv()));
    const std::string message =
        " are one report file twice, plain and compressed (or compressed twice); reading both "
        "would count its rows twice: ingest one of them";
    const std::vector<std::vector<std::string>> cases = {{d / "in"}, {plain, gz}, {gz, plain}};
    for (size_t i = 0; i < cases.size(); ++i) {
        SCOPED_TRACE(i);
        const std::string db = d / ("s" + std::to_string(i) + ".db");
        std::vector<std::string> args = {"ingest", "--no-progress", "--db", db};
        args.insert(args.end(), cases[i].begin(), cases[i].end());
        const RunResult r = run_cli(args);
        EXPECT_EQ(r.exit_code, 3) << r.err;
        const std::string pair = i == 2 ? gz + " and " + plain : plain + " and " + gz;
        EXPECT_NE(r.err.find(pair + message), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(db));
    }
    // Either copy alone reads the month once.
    for (const std::string& f : {plain, gz}) {
        const std::string db = d / "one.db";
        std::filesystem::remove(db);
        const RunResult r = run_cli({"ingest", "--no-progress", "--db", db, f});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(total_of(db), "37500000000");  // 3.75
    }
    // A name that only starts like another's is no copy of it.
    write_file(other, january_csv());
    write_file(d / "z/jan.csv.gz.bak.csv", january_csv());
    const std::string db = d / "two.db";
    const RunResult r = run_cli({"ingest", "--no-progress", "--db", db, d / "z"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(total_of(db), "75000000000");  // two files of 3.75
}

}  // namespace CURCRUNCH_UNITY_ID
