// `meters ingest`: JSON lines and CSV, de-duplication on uid, daily rollups, bad records named
// with file and line, atomic and idempotent ingests.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "billing_world.hpp"
#include "curcrunch/billing/config_load.hpp"
#include "curcrunch/billing/meter_store.hpp"
#include "curcrunch/store/store.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace billingtest;
using billingtest::World;  // not testsupport::World (fetch_world.hpp), when both are seen

namespace {

const char* kConfig = R"({
  "customers": [{"id": "c", "name": "C", "currency": "USD"}],
  "products": [{"id": "p"}],
  "meters": [{"id": "api", "product": "p", "unit": "calls",
    "fields": {"ms": "decimal", "n": "integer", "user": "string"},
    "aggregations": [{"id": "ms", "type": "sum", "field": "ms"},
                     {"id": "calls", "type": "count"},
                     {"id": "peak", "type": "max", "field": "n"},
                     {"id": "last", "type": "latest", "field": "n"},
                     {"id": "users", "type": "unique_count", "field": "user"}]}],
  "usage_plans": [{"id": "u", "currency": "USD"}],
  "subscriptions": [{"account": "acct-1", "customer": "c", "plan": "u", "start": "2026-01-01"},
                    {"account": "acct-2", "customer": "c", "plan": "u", "start": "2026-01-01"}]
})";

std::string line(const std::string& uid, const std::string& ts, const std::string& ms,
                 const std::string& n, const std::string& user,
                 const std::string& account = "acct-1") {
    return R"({"uid":")" + uid + R"(","account":")" + account + R"(","timestamp":")" + ts +
           R"(","meter":"api","values":{"ms":)" + ms + R"(,"n":)" + n + R"(,"user":")" + user +
           "\"}}\n";
}

billing::PeriodUsage usage(const World& w, const std::string& agg, const char* from, const char* to,
                           const std::string& account = "acct-1") {
    const auto cfg = billing::load_billing_config(w.config);
    auto st = store::Store::open(w.db, true);
    Day d0, d1;
    parse_utc_day(from, d0);
    parse_utc_day(to, d1);
    for (const auto& a : cfg.meters[0].aggregations)
        if (a.id == agg)
            return billing::read_period_usage(st->db(), account, cfg.meters[0], a, d0, d1);
    ADD_FAILURE() << "no aggregation " << agg;
    return {};
}

std::string hex(const std::string& s) {
    static const char* d = "0123456789ABCDEF";
    std::string o;
    for (unsigned char c : s)
        o += std::string{d[c >> 4], d[c & 15]};
    return o;
}

}  // namespace

TEST(BillingMeters, AggregatesByDayAndOverAnyRangeOfDays) {
    World w;
    w.write_config(kConfig);
    write_file(w.tmp / "a.jsonl",
               line("u1", "2026-03-01T10:00:00Z", "1.5", "7", "ann") +
                   line("u2", "2026-03-01T11:00:00Z", "2.25", "3", "bob") +
                   line("u3", "2026-03-02T09:00:00Z", "0.25", "9", "ann") +
                   // u4 and u5 share the latest instant: the greater uid wins.
                   line("u5", "2026-03-03T12:00:00Z", "1", "4", "cy") +
                   line("u4", "2026-03-03T12:00:00Z", "1", "5", "dee") +
                   line("x1", "2026-03-02T09:00:00Z", "100", "100", "zed", "acct-2"));
    auto r = w.meters({w.tmp / "a.jsonl"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("6 new measurement(s) stored, 0 duplicate(s)"), std::string::npos)
        << r.out;
    // Sum 1.5 + 2.25 + 0.25 + 1 + 1 = 6; 5 calls; peak 9; latest: u5 (> u4) -> 4; users ann,
    // bob, cy, dee = 4 distinct over the month, though ann appears on two days.
    EXPECT_EQ(to_plain_string(usage(w, "ms", "2026-03-01", "2026-03-31").value), "6");
    EXPECT_EQ(to_plain_string(usage(w, "calls", "2026-03-01", "2026-03-31").value), "5");
    EXPECT_EQ(to_plain_string(usage(w, "peak", "2026-03-01", "2026-03-31").value), "9");
    EXPECT_EQ(to_plain_string(usage(w, "last", "2026-03-01", "2026-03-31").value), "4");
    EXPECT_EQ(to_plain_string(usage(w, "users", "2026-03-01", "2026-03-31").value), "4");
    EXPECT_EQ(usage(w, "ms", "2026-03-01", "2026-03-31").events, 5);
    // From the 2nd: 0.25 + 1 + 1; users ann, cy, dee.
    EXPECT_EQ(to_plain_string(usage(w, "ms", "2026-03-02", "2026-03-31").value), "2.25");
    EXPECT_EQ(to_plain_string(usage(w, "users", "2026-03-02", "2026-03-31").value), "3");
    EXPECT_EQ(to_plain_string(usage(w, "peak", "2026-03-01", "2026-03-01").value), "7");
    // A second file adds to the same days; the rollup merges (sum, max, latest, distinct).
    write_file(w.tmp / "b.jsonl", line("u6", "2026-03-01T23:59:59.999999Z", "0.5", "11", "bob") +
                                      line("u7", "2026-03-04T00:00:00Z", "0.5", "1", "eve"));
    ASSERT_EQ(w.meters({w.tmp / "b.jsonl"}).exit_code, 0);
    EXPECT_EQ(to_plain_string(usage(w, "ms", "2026-03-01", "2026-03-31").value), "7");
    EXPECT_EQ(to_plain_string(usage(w, "peak", "2026-03-01", "2026-03-31").value), "11");
    EXPECT_EQ(to_plain_string(usage(w, "last", "2026-03-01", "2026-03-31").value), "1");
    EXPECT_EQ(to_plain_string(usage(w, "users", "2026-03-01", "2026-03-31").value), "5");
    EXPECT_EQ(usage(w, "calls", "2026-03-01", "2026-03-31", "acct-2").value, 1 * kUnit);
}

TEST(BillingMeters, IngestingTheSameFileAgainChangesNothing) {
    World w;
    w.write_config(kConfig);
    write_file(w.tmp / "a.jsonl", line("u1", "2026-03-01T10:00:00Z", "1.5", "7", "ann") +
                                      line("u2", "2026-03-02T10:00:00Z", "2", "1", "bob"));
    ASSERT_EQ(w.meters({w.tmp / "a.jsonl"}).exit_code, 0);
    const std::string once = dump_store(w.db);
    auto again = w.meters({w.tmp / "a.jsonl"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("(nothing new, store unchanged): 2 line(s), 0 new measurement(s) "
                             "stored, 2 duplicate(s) ignored"),
              std::string::npos)
        << again.out;
    EXPECT_EQ(dump_store(w.db), once);
}

TEST(BillingMeters, CsvFilesWithQuotedFields) {
    World w;
    w.write_config(kConfig);
    write_file(w.tmp / "a.csv",
               "uid,account,timestamp,meter,ms,n,user\n"
               "c1,acct-1,2026-03-01T10:00:00Z,api,1.25,2,\"Smith, Ann\"\n"
               "\"c2\",acct-1,2026-03-01T11:00:00Z,api,0.75,3,\"say \"\"hi\"\"\"\r\n"
               "\n"
               "c3,acct-1,2026-03-02,api,1,4,bob\n");
    auto r = w.meters({w.tmp / "a.csv"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(to_plain_string(usage(w, "ms", "2026-03-01", "2026-03-31").value), "3");
    EXPECT_EQ(to_plain_string(usage(w, "users", "2026-03-01", "2026-03-31").value), "3");
    // The day's distinct values, sorted, each after its 4-byte little-endian length.
    EXPECT_EQ(query_one(w.db, "SELECT hex(vals) FROM meter_distinct WHERE day = 20260301"),
              "0A000000" + hex("Smith, Ann") + "08000000" + hex("say \"hi\""));
}

TEST(BillingMeters, BadRecordsAreNamedWithFileAndLineAndNothingIsStored) {
    World w;
    w.write_config(kConfig);
    ASSERT_EQ(w.meters({(write_file(w.tmp / "ok.jsonl",
                                    line("ok", "2026-03-01T00:00:00Z", "1", "1", "a")),
                         w.tmp / "ok.jsonl")})
                  .exit_code,
              0);
    const std::string before = dump_store(w.db);
    const std::string f = w.tmp / "bad.jsonl";
    write_file(
        f,
        line("g1", "2026-03-01T00:00:00Z", "1", "1", "a") +  // 1 ok
            R"({"uid":"b2","account":"acct-1","timestamp":"2026-03-01T00:00:00Z","meter":"api","values":{"ms":"1","n":1,"user":"a"}})"
            "\n"
            R"({"uid":"b3","account":"acct-1","timestamp":"2026-03-01T00:00:00Z","meter":"api","values":{"ms":1,"n":1.5,"user":"a"}})"
            "\n"
            R"({"uid":"b4","account":"acct-1","timestamp":"2026-03-01T00:00:00Z","meter":"nope","values":{}})"
            "\n"
            R"({"uid":"b5","account":"acct-9","timestamp":"2026-03-01T00:00:00Z","meter":"api","values":{"ms":1,"n":1,"user":"a"}})"
            "\n"
            R"({"uid":"b6","account":"acct-1","timestamp":"1999-12-31T23:59:59Z","meter":"api","values":{"ms":1,"n":1,"user":"a"}})"
            "\n"
            R"({"uid":"b7","account":"acct-1","timestamp":"2099-01-01T00:00:00Z","meter":"api","values":{"ms":1,"n":1,"user":"a"}})"
            "\n"
            R"({"uid":"b8","account":"acct-1","timestamp":"2026-03-01T00:00:00Z","meter":"api","values":{"ms":1,"user":"a"}})"
            "\n"
            R"({"uid":"b9","account":"acct-1","timestamp":"2026-03-01","meter":"api","values":{"ms":1,"n":1,"user":"a"},"extra":1})"
            "\n"
            "{not json\n" +
            line("b11", "2026-03-01T00:00:00Z", "1.00000000001", "1", "a") +
            line("b12", "2026-03-01 00:00:00", "1", "1", "a") +
            line("g1", "2026-03-02T00:00:00Z", "1", "1", "a"));  // 13: g1 again, other values
    auto r = w.meters({f});
    EXPECT_EQ(r.exit_code, 3);
    for (const char* m : {":2: field 'ms': expected a number, found a string",
                          ":3: field 'n': expected an integer (at most 18 digits), found '1.5'",
                          ":4: field 'meter': unknown meter 'nope'",
                          ":5: field 'account': unknown account 'acct-9' (no subscription has it)",
                          ":6: field 'timestamp': out of range: 1999-12-31T23:59:59Z",
                          ":7: field 'timestamp': out of range: 2099-01-01T00:00:00Z",
                          ":8: field 'n': missing", ":9: field 'extra': unknown field",
                          ":10: not valid JSON", ":11: field 'ms': more than 10 fraction digits",
                          ":12: field 'timestamp': expected an ISO 8601 instant"})
        EXPECT_NE(r.err.find(f + std::string(m)), std::string::npos) << m << "\n" << r.err;
    EXPECT_NE(r.err.find("nothing was stored"), std::string::npos) << r.err;
    EXPECT_EQ(dump_store(w.db), before);
    // The same uid twice in the input with different values is refused with both lines.
    write_file(f, line("d1", "2026-03-01T00:00:00Z", "1", "1", "a") +
                      line("d1", "2026-03-01T00:00:00Z", "2", "1", "a"));
    r = w.meters({f});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find(f + ":2: field 'uid': 'd1' is also at " + f + ":1 with other values"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(dump_store(w.db), before);
    // A CSV row with the wrong number of fields, and an unterminated quote.
    write_file(w.tmp / "bad.csv",
               "uid,account,timestamp,meter,ms,n,user\nc1,acct-1,2026-03-01,api,1,1\n"
               "c2,acct-1,2026-03-01,api,1,1,\"open\n");
    r = w.meters({w.tmp / "bad.csv"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find(w.tmp / "bad.csv" + ":2: expected 7 fields, found 6"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(w.tmp / "bad.csv" + ":3: unterminated quoted field"), std::string::npos)
        << r.err;
    EXPECT_EQ(dump_store(w.db), before);
}

TEST(BillingMeters, SkipModeStoresTheGoodRecordsAndListsTheRest) {
    World w;
    w.write_config(kConfig);
    write_file(w.tmp / "a.jsonl", line("g1", "2026-03-01T00:00:00Z", "1", "1", "a") +
                                      line("b1", "2026-03-01T00:00:00Z", "\"x\"", "1", "a") +
                                      line("g2", "2026-03-01T00:00:00Z", "2", "1", "a") +
                                      line("g1", "2026-03-01T00:00:00Z", "5", "1", "a"));
    auto r = w.meters({w.tmp / "a.jsonl"}, {"--on-error=skip"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("2 new measurement(s) stored, 0 duplicate(s) ignored, 2 skipped"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("skipped: " + w.tmp / "a.jsonl" + ":2: field 'ms': expected a number"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(":4: field 'uid': 'g1' is also at"), std::string::npos) << r.err;
    EXPECT_EQ(to_plain_string(usage(w, "ms", "2026-03-01", "2026-03-31").value), "3");
    EXPECT_EQ(query_one(w.db, "SELECT skipped FROM meter_ingest"), "2");
}

TEST(BillingMeters, ALargeFileIsParsedInPiecesAndAUidRepeatedAcrossThemCountsOnce) {
    World w;
    w.write_config(kConfig);
    // 40,000 lines (about 5 MiB: parsed in parallel pieces), then line 1 and line 20,001 again
    // with the same values: two duplicates, far from the first occurrences (other pieces).
    const int n = 40000;
    std::vector<std::string> lines;
    int64_t ms_sum = 0;  // acct-1 (even i): expected aggregates, computed here
    int peak = 0;
    std::set<std::string> users;
    std::string latest_uid;
    int latest_day = 0;
    std::string text;
    for (int i = 0; i < n; ++i) {
        const int day = 1 + i % 28;
        const std::string uid = "m" + std::to_string(i);
        char ts[32];
        std::snprintf(ts, sizeof ts, "2026-03-%02dT12:00:00Z", day);
        lines.push_back(line(uid, ts, std::to_string(i % 100) + ".5", std::to_string(i % 1000),
                             "u" + std::to_string(i % 53), i % 2 ? "acct-2" : "acct-1"));
        text += lines.back();
        if (i % 2) continue;
        ms_sum += 10 * (i % 100) + 5;  // tenths
        peak = std::max(peak, i % 1000);
        users.insert("u" + std::to_string(i % 53));
        if (day > latest_day || (day == latest_day && uid > latest_uid))
            latest_day = day, latest_uid = uid;
    }
    text += lines[0] + lines[20000];
    const std::string f = w.tmp / "big.jsonl";
    write_file(f, text);
    ASSERT_GT(text.size(), 4u << 20);
    auto r = w.meters({f});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("40002 line(s), 40000 new measurement(s) stored, 2 duplicate(s) ignored"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(usage(w, "ms", "2026-03-01", "2026-03-31").value, ms_sum * (kUnit / 10));
    EXPECT_EQ(usage(w, "calls", "2026-03-01", "2026-03-31").value, (n / 2) * kUnit);
    EXPECT_EQ(usage(w, "calls", "2026-03-01", "2026-03-31").events, n / 2);
    EXPECT_EQ(usage(w, "peak", "2026-03-01", "2026-03-31").value, peak * kUnit);
    EXPECT_EQ(usage(w, "users", "2026-03-01", "2026-03-31").value,
              static_cast<Amount>(users.size()) * kUnit);
    const int latest_i = std::stoi(latest_uid.substr(1));
    EXPECT_EQ(usage(w, "last", "2026-03-01", "2026-03-31").value, (latest_i % 1000) * kUnit);
    EXPECT_EQ(usage(w, "calls", "2026-03-01", "2026-03-31", "acct-2").events, n / 2);
    // The whole file again: nothing new. Then the same uid with other values, at the end of
    // a large file: refused with both places, line numbers counted across the pieces.
    const std::string once = dump_store(w.db);
    auto again = w.meters({f});
    EXPECT_NE(again.out.find("0 new measurement(s) stored, 40002 duplicate(s) ignored"),
              std::string::npos)
        << again.out;
    EXPECT_EQ(dump_store(w.db), once);
    const std::string g = w.tmp / "conflict.jsonl";
    std::string other = text;
    for (int i = n; i < 2 * n; ++i)
        other += line("m" + std::to_string(i), "2026-03-02T00:00:00Z", "1", "1", "x");
    other += line("m" + std::to_string(n + 7), "2026-03-02T00:00:00Z", "2", "1", "x");
    write_file(g, other);
    auto bad = w.meters({g});
    EXPECT_EQ(bad.exit_code, 3);
    EXPECT_NE(bad.err.find(g + ":80003: field 'uid': 'm40007' is also at " + g +
                           ":40010 with other values"),
              std::string::npos)
        << bad.err;
    EXPECT_EQ(dump_store(w.db), once);
}

TEST(BillingMeters, CompactLinesAndLinesWithSpacesOrEscapesReadTheSame) {
    World w;
    w.write_config(kConfig);
    // Compact lines (read by the plain-line reader) and the same records with spaces, escapes
    // and a number with an exponent-free but longer form (read by simdjson): the second file
    // brings nothing new, its records having the same content.
    write_file(w.tmp / "a.jsonl", line("m1", "2026-03-01T10:00:00Z", "1.5", "7", "ann") +
                                      line("m2", "2026-03-02T10:00:00Z", "-2", "0", "b\\u00e9") +
                                      line("m3", "2026-03-03T10:00:00Z", "0.25", "3", "cy"));
    write_file(
        w.tmp / "b.jsonl",
        "{ \"uid\": \"m1\", \"account\": \"acct-1\", \"timestamp\": "
        "\"2026-03-01T10:00:00Z\", \"meter\": \"api\", \"values\": {\"ms\": 1.50, \"n\": 7, "
        "\"user\": \"ann\"} }\n"
        "{\"uid\":\"\\u006d2\",\"account\":\"acct-1\",\"timestamp\":\"2026-03-02T10:00:00Z\","
        "\"meter\":\"api\",\"values\":{\"ms\":-2,\"n\":0,\"user\":\"b\xc3\xa9\"}}\n"
        "{\"values\":{\"user\":\"cy\",\"n\":3,\"ms\":0.25},\"meter\":\"api\",\"timestamp\":"
        "\"2026-03-03T10:00:00Z\",\"account\":\"acct-1\",\"uid\":\"m3\"}\t\n");
    ASSERT_EQ(w.meters({w.tmp / "a.jsonl"}).exit_code, 0);
    const std::string once = dump_store(w.db);
    auto r = w.meters({w.tmp / "b.jsonl"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("0 new measurement(s) stored, 3 duplicate(s) ignored"), std::string::npos)
        << r.out;
    EXPECT_EQ(dump_store(w.db), once);
    EXPECT_EQ(to_plain_string(usage(w, "ms", "2026-03-01", "2026-03-31").value), "-0.25");
    EXPECT_EQ(to_plain_string(usage(w, "users", "2026-03-01", "2026-03-31").value), "3");
}

}  // namespace CURCRUNCH_UNITY_ID
