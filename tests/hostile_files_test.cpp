// Files that are wrong in ways a parser happily accepts: manifests naming objects outside their
// report, byte order marks inside the data, repeated header names, zips with other members,
// dates in year 9999, and bytes that must never reach the terminal raw.
#include <gtest/gtest.h>

#include "curcrunch/core/shown_text.hpp"
#include "hostile_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;

namespace {

// A legacy report folder <root>/rep/20240101-20240201/ whose manifest lists `keys`.
std::string legacy_report(const TempDir& t, const std::vector<std::string>& keys) {
    const std::string dir = t / "reports/rep/20240101-20240201";
    std::string list;
    for (const auto& k : keys)
        list += (list.empty() ? "\"" : ",\"") + k + "\"";
    write_file(dir + "/rep-Manifest.json",
               "{\"assemblyId\":\"a1\",\"reportName\":\"rep\",\"billingPeriod\":{\"start\":"
               "\"20240101T000000.000Z\",\"end\":\"20240201T000000.000Z\"},\"reportKeys\":[" +
                   list + "]}");
    write_file(dir + "/a1/rep-1.csv",
               std::string(kLegacyHeader) + legacy_row("1", "2024-01-05", "1.25"));
    return dir + "/rep-Manifest.json";
}

}  // namespace

TEST(HostileFiles, ManifestKeysMayNotLeaveTheReportFolder) {
    GuardedStore s;
    // A CSV outside the report, which a "../" key used to reach.
    write_file(s.dir / "reports/outside.csv",
               std::string(kLegacyHeader) + legacy_row("9", "2024-01-09", "666"));
    const std::string ok_key = "billing/rep/20240101-20240201/a1/rep-1.csv";
    for (const std::string& bad :
         {std::string("billing/rep/20240101-20240201/../../outside.csv"),
          std::string("billing/rep/20240101-20240201/a1/../../../outside.csv"),
          std::string("/etc/passwd"), std::string("s3://bucket//etc/passwd"),
          std::string("billing/rep/20240101-20240201/./a1/rep-1.csv"),
          std::string("billing\\\\..\\\\outside.csv")}) {
        TempDir t;
        const std::string manifest = legacy_report(t, {ok_key, bad});
        write_file(t / "reports/outside.csv",
                   std::string(kLegacyHeader) + legacy_row("9", "2024-01-09", "666"));
        RunResult r = s.expect_refused({manifest}, manifest + ": lists '");
        EXPECT_NE(r.err.find("refused"), std::string::npos) << bad << ": " << r.err;
    }
    // The same report with only its own key is read.
    TempDir t;
    const std::string manifest = legacy_report(t, {ok_key});
    RunResult r = run_cli({"ingest", "--db", s.db, "--quiet", manifest});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(s.db, "SELECT unblended FROM billing_period WHERE period = 202401"),
              "12500000000");
}

TEST(HostileFiles, AByteOrderMarkInsideTheDataIsRefused) {
    GuardedStore s;
    const std::string bom = "\xEF\xBB\xBF";
    // An account id that starts with a BOM (what joining two files with BOMs leaves behind).
    std::string f = s.file(
        "bom.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-02-05", "1") +
                       legacy_row("2", "2024-02-05", "1", "Usage", "", bom + "012345678901"));
    s.expect_refused({f}, f + ":3: column 'lineItem/UsageAccountId': byte order mark (U+FEFF) "
                              "inside a field");
    // In a tag value, and under --on-error=skip the row is skipped and recorded.
    std::string g =
        s.file("bom-tag.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-02-05", "1") +
                                  legacy_row("2", "2024-02-06", "1", "Usage", bom + "web"));
    s.expect_refused({g}, g + ":3: column 'resourceTags/user:Team': byte order mark");
    RunResult r = run_cli({"ingest", "--db", s.db, "--quiet", "--on-error=skip", g});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(s.db, "SELECT count(*) FROM ingest_problem"), "1");
    EXPECT_EQ(query_one(s.db, "SELECT count(*) FROM dim WHERE instr(value, char(65279)) > 0"), "0");
    // The BOM at the start of a file is fine, as always.
    std::string h =
        s.file("lead.csv", bom + std::string(kLegacyHeader) + legacy_row("1", "2024-03-05", "1"));
    EXPECT_EQ(run_cli({"ingest", "--db", s.db, "--quiet", h}).exit_code, 0);
}

TEST(HostileFiles, RepeatedHeaderNamesAreRefusedAndTagKeysCountedOnce) {
    GuardedStore s;
    // The same column twice: which one holds the cost is anyone's guess.
    std::string header(kLegacyHeader);
    header.insert(header.size() - 1, ",lineItem/UnblendedCost");
    std::string row = legacy_row("1", "2024-02-05", "1");
    row.insert(row.size() - 1, ",5");
    std::string f = s.file("dup.csv", header + row);
    s.expect_refused({f}, f + ": line 1: column 'lineItem/UnblendedCost' appears twice "
                              "(columns 11 and 19)");
    // Matched case-insensitively, as columns are found.
    std::string header2(kLegacyHeader);
    header2.insert(header2.size() - 1, ",LINEITEM/unblendedcost");
    std::string g = s.file("dup2.csv", header2 + row);
    s.expect_refused({g}, g + ": line 1: column 'LINEITEM/unblendedcost' appears twice");
    // A repeated tag column used to give each copy the row's full cost.
    std::string header3(kLegacyHeader);
    header3.insert(header3.size() - 1, ",resourceTags/user:Team");
    std::string row3 = legacy_row("1", "2024-02-05", "1", "Usage", "web");
    row3.insert(row3.size() - 1, ",db");
    std::string h = s.file("dup3.csv", header3 + row3);
    s.expect_refused({h}, h + ": line 1: column 'resourceTags/user:Team' appears twice");
    // Distinct tags that normalize to one key (AWS keys are case-sensitive): the first
    // non-empty value counts, once.
    std::string header4(kLegacyHeader);
    header4.insert(header4.size() - 1, ",resourceTags/user:team,resourceTags/user:TEAM");
    std::string row4 = legacy_row("1", "2024-04-05", "3", "Usage", "");
    row4.insert(row4.size() - 1, ",web,db");
    std::string k = s.file("keys.csv", header4 + row4);
    RunResult r = run_cli({"ingest", "--db", s.db, "--quiet", k});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // One warning per later spelling, naming the first column of the key.
    EXPECT_NE(r.err.find(k + ": line 1: columns 'resourceTags/user:Team' and "
                             "'resourceTags/user:TEAM' are one key 'team'; a row counts the first "
                             "of them that is not empty"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("'resourceTags/user:team' and 'resourceTags/user:TEAM'"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(query_one(s.db,
                        "SELECT group_concat(tag_value || '=' || unblended) FROM "
                        "tag_daily_named WHERE period = 202404 AND tag_key = 'team'"),
              "web=30000000000");
    // The same in a CUR 2.0 map that repeats a key.
    const std::string cur2 =
        "bill_payer_account_id,line_item_usage_account_id,line_item_usage_start_date,"
        "line_item_product_code,line_item_unblended_cost,resource_tags\n"
        "012345678901,012345678901,2024-05-01T00:00:00Z,AmazonEC2,2,"
        "\"{\"\"user_team\"\":\"\"web\"\",\"\"user_team\"\":\"\"db\"\"}\"\n";
    RunResult r2 = run_cli({"ingest", "--db", s.db, "--quiet", s.file("map.csv", cur2)});
    ASSERT_EQ(r2.exit_code, 0) << r2.err;
    EXPECT_EQ(query_one(s.db,
                        "SELECT group_concat(tag_value || '=' || unblended) FROM "
                        "tag_daily_named WHERE period = 202405"),
              "web=20000000000");
}

TEST(HostileFiles, ZipMembersThatAreNotCsvAreSkipped) {
    GuardedStore s;
    const std::string csv = std::string(kLegacyHeader) + legacy_row("1", "2024-03-05", "4");
    std::string z = s.file("mixed.zip", zip_bytes({{"README.txt", "Cost and usage report\n"},
                                                   {"__MACOSX/._cur.csv", "\x00\x05\x16\x07"},
                                                   {"cur.csv", csv},
                                                   {"manifest.json", "{}"}}));
    RunResult r = run_cli({"ingest", "--db", s.db, "--no-progress", z});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(z + ": zip member 'README.txt' skipped (not a .csv file)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("'__MACOSX/._cur.csv' skipped"), std::string::npos) << r.err;
    EXPECT_EQ(query_one(s.db, "SELECT unblended FROM billing_period WHERE period = 202403"),
              "40000000000");
    EXPECT_EQ(query_one(s.db, "SELECT member FROM ingest_source WHERE ingest_id = 2"), "cur.csv");
    s.before = dump_store(s.db);
    // A zip with no CSV at all is bad input.
    std::string none = s.file("none.zip", zip_bytes({{"notes.txt", "nothing here"}}));
    s.expect_refused({none}, none + ": zip archive holds no .csv file");
}

TEST(HostileFiles, DatesOutsideTwoThousandToTwentyNinetyNineAreRefused) {
    GuardedStore s;
    std::string f =
        s.file("y9999.csv", std::string(kLegacyHeader) + legacy_row("1", "9999-12-05", "1"));
    s.expect_refused({f}, f + ":2: column 'lineItem/UsageStartDate': date out of range: "
                              "'9999-12-05T05:00:00Z' (billing data lies between 2000-01-01 "
                              "and 2099-12-31)");
    std::string row = legacy_row("1", "2024-12-05", "1");
    row.replace(row.find("2024-12-01T"), 4, "9999");
    std::string g = s.file("p9999.csv", std::string(kLegacyHeader) + row);
    s.expect_refused({g}, g + ":2: column 'bill/BillingPeriodStartDate': date out of range: "
                              "'9999-12-01T00:00:00Z'");
    std::string old = legacy_row("1", "2024-12-05", "1");
    old.replace(old.find("2024-12-05T"), 4, "1999");
    std::string h = s.file("y1999.csv", std::string(kLegacyHeader) + old);
    s.expect_refused({h}, h + ":2: column 'lineItem/UsageStartDate': date out of range: "
                              "'1999-12-05T05:00:00Z'");
    // A manifest's billing period too.
    TempDir t;
    const std::string dir = t / "r/rep/99991201-99991231";
    write_file(dir + "/rep-Manifest.json",
               "{\"assemblyId\":\"a\",\"billingPeriod\":{\"start\":\"99991201T000000.000Z\"},"
               "\"reportKeys\":[\"x/rep/99991201-99991231/a/rep-1.csv\"]}");
    write_file(dir + "/a/rep-1.csv", std::string(kLegacyHeader));
    s.expect_refused({dir + "/rep-Manifest.json"},
                     "billing period 9999-12 is outside 2000-01..2099-12");
    // And a partition folder's.
    const std::string part = t / "x/BILLING_PERIOD=9999-12/data.csv";
    write_file(part, std::string(kLegacyHeader) + legacy_row("1", "2024-12-05", "1"));
    s.expect_refused({t / "x"}, part +
                                    ": billing period 9999-12 (from its manifest or folder) is "
                                    "outside 2000-01..2099-12");
}

TEST(HostileFiles, ErrorMessagesNeverEchoRawBytes) {
    GuardedStore s;
    // A terminal escape sequence and a bell in a cost field, and bytes that are not UTF-8 in
    // a header name.
    std::string f = s.file(
        "esc.csv", std::string(kLegacyHeader) + legacy_row("1", "2024-02-05", "\x1B[2J\x07oops"));
    RunResult r = s.expect_refused({f}, "not a number: '\\x1B[2J\\x07oops'");
    EXPECT_EQ(r.err.find('\x1B'), std::string::npos);
    EXPECT_EQ(r.err.find('\x07'), std::string::npos);
    std::string g = s.file("hdr.csv", "date\xFF\xFE,amount\x1B]0;pwned\x07,x\n1,2,3\n");
    RunResult h = s.expect_refused({g}, "it starts with: date\\xFF\\xFE, amount\\x1B]0;pwned\\x07");
    EXPECT_EQ(h.err.find('\x1B'), std::string::npos);
    EXPECT_EQ(h.err.find('\xFF'), std::string::npos);
    // A zip member name is input too.
    std::string z =
        s.file("names.zip", zip_bytes({{"evil\x1B[31m.txt", "x"},
                                       {"cur.csv", std::string(kLegacyHeader) +
                                                       legacy_row("1", "2024-02-05", "bad")}}));
    RunResult zr = s.expect_refused({z}, "zip member 'evil\\x1B[31m.txt' skipped");
    EXPECT_EQ(zr.err.find('\x1B'), std::string::npos);
}

TEST(HostileFiles, OtherFormatsInsideCompressionAreNamedNotReadAsHeaders) {
    GuardedStore s;
    const std::string csv = std::string(kLegacyHeader) + legacy_row("1", "2024-02-05", "1.5");
    // A Parquet file put in gzip: before, "column '\x15\xCC' appears twice".
    s.expect_refused({s.file("cur.parquet.gz", gzip_bytes("PAR1\x15\x04\x15\xcc\x01"))},
                     "cur.parquet.gz: line 1: not CSV text but a Parquet file in compression of "
                     "its own (Parquet compresses its pages): decompress it and ingest the "
                     ".parquet file");
    s.expect_refused({s.file("twice.csv.gz", gzip_bytes(gzip_bytes(csv)))},
                     "twice.csv.gz: line 1: not CSV text but gzip data (compressed twice)");
    s.expect_refused({s.file("zip.csv.gz", gzip_bytes(zip_bytes({{"cur.csv", csv}})))},
                     "zip.csv.gz: line 1: not CSV text but a zip archive (compressed twice)");
    s.expect_refused({s.file("nul.csv", std::string("identity/LineItemId") + '\0' + ",x\n1,2\n")},
                     "nul.csv: line 1: not CSV text but binary data (a NUL byte in the first "
                     "line)");
}

TEST(HostileFiles, APayerThatIsNoAccountIsRefusedNotMadeAUnit) {
    GuardedStore s;
    // A spreadsheet's rendering of 000011112222's payer, and an empty one: each was a unit of
    // its own that no delivery of the real payer replaces.
    std::string sci = legacy_row("3", "2024-02-04", "1");
    sci.replace(sci.find(",000011112222,"), 14, ",1.1112222E7,");
    s.expect_refused({s.file("sci.csv", std::string(kLegacyHeader) +
                                            legacy_row("2", "2024-02-03", "2.5") + sci)},
                     "sci.csv:3: column 'bill/PayerAccountId': not an AWS account id (12 "
                     "digits): '1.1112222E7'");
    std::string empty = legacy_row("3", "2024-02-04", "1");
    empty.replace(empty.find(",000011112222,"), 14, ",,");
    s.expect_refused({s.file("empty.csv", std::string(kLegacyHeader) + empty)},
                     "empty.csv:2: column 'bill/PayerAccountId': empty payer account id");
    // --on-error=skip drops just that row, counted.
    RunResult r = run_cli({"ingest", "--db", s.db, "--no-progress", "--on-error=skip",
                           s.file("mixed.csv", std::string(kLegacyHeader) +
                                                   legacy_row("2", "2024-03-03", "2.5") + sci)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(s.db,
                        "SELECT group_concat(DISTINCT payer_account) FROM cost_daily_named "
                        "WHERE period = 202403"),
              "000011112222");
}

TEST(HostileFiles, ACurrencyThatIsNoCodeIsRefusedNotMadeACurrency) {
    GuardedStore s;
    // A damaged code became a currency of its own, beside USD: every total of the payer was then
    // refused as mixing two currencies (found by fuzzing).
    std::string header = kLegacyHeader;
    header.insert(header.size() - 1, ",lineItem/CurrencyCode");
    const auto row = [](const std::string& id, const std::string& currency) {
        std::string r = legacy_row(id, "2024-02-03", "2.5");
        r.insert(r.size() - 1, "," + currency);
        return r;
    };
    s.expect_refused({s.file("bracket.csv", header + row("1", "USD") + row("2", "U[D"))},
                     "bracket.csv:3: column 'lineItem/CurrencyCode': not a currency code (ISO "
                     "4217: three capital letters): 'U[D'");
    s.expect_refused({s.file("lower.csv", header + row("1", "usd"))},
                     "lower.csv:2: column 'lineItem/CurrencyCode': not a currency code (ISO 4217: "
                     "three capital letters): 'usd'");
    // A code and an empty value (read as USD) are both taken.
    RunResult r = run_cli({"ingest", "--db", s.db, "--quiet",
                           s.file("ok.csv", header + row("1", "EUR") + row("2", ""))});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_one(s.db,
                        "SELECT group_concat(currency, '|') FROM (SELECT DISTINCT currency FROM "
                        "cost_daily_named ORDER BY currency)"),
              "|EUR");
}

TEST(ShownText, EscapesControlsInvalidUtf8AndInvisibleMarks) {
    using curcrunch::shown_text;
    EXPECT_EQ(shown_text("plain 鍵 text"), "plain 鍵 text");
    EXPECT_EQ(shown_text("a\nb\tc\x7F"), "a\\x0Ab\\x09c\\x7F");
    EXPECT_EQ(shown_text("\xC3("), "\\xC3(");                  // truncated sequence
    EXPECT_EQ(shown_text("\xC0\xAF"), "\\xC0\\xAF");           // overlong '/'
    EXPECT_EQ(shown_text("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a surrogate
    EXPECT_EQ(shown_text("\xE2\x80\xAE"
                         "abc"),
              "\\u{202E}abc");  // right-to-left override
    EXPECT_EQ(shown_text("\xEF\xBB\xBF"
                         "x"),
              "\\u{FEFF}x");
    EXPECT_EQ(shown_text("\xC2\x85"), "\\x85");  // C1 control
    EXPECT_EQ(shown_text(std::string(100, 'a'), 10), std::string(10, 'a') + "...");
    EXPECT_EQ(shown_text("ab鍵", 4), "ab...");  // never cuts inside a character
}

}  // namespace CURCRUNCH_UNITY_ID
