// The CLI: parse options, call the library, format results. No logic of its own beyond that.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "curcrunch/cli/args.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/fetch/fetch_job.hpp"
#include "curcrunch/gen/generator.hpp"
#include "curcrunch/ingest/chunk_scanner.hpp"
#include "curcrunch/ingest/engine.hpp"
#include "curcrunch/report/audit.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/report/pdf_report.hpp"
#include "curcrunch/serve/dashboard.hpp"
#include "curcrunch/store/billing_records.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

const char* kUsage =
    "usage: curcrunch <command> [options]\n"
    "\n"
    "commands:\n"
    "  ingest PATH...     read CUR / CUR 2.0 / FOCUS exports into the store\n"
    "  summary            print cost rollups from the store\n"
    "  periods            list the billing periods in the store and their ingests\n"
    "  gen                write synthetic CUR data\n"
    "  fetch              download CUR exports, accounts, invoices (and Cost Explorer) from AWS\n"
    "  accounts           list the Organizations accounts fetch stored\n"
    "  invoices           list the invoices fetch stored, with their archived documents\n"
    "  report             write a PDF cost report from the store\n"
    "  import-pdf PATH... record archived PDFs (reports and invoices) in the store\n"
    "  audit              check imported reports against today's data\n"
    "  reports            list the PDF archive\n"
    "  serve              the local dashboard (http://127.0.0.1:8080/)\n"
    "  version            print the version\n"
    "  help               this text (see also man curcrunch)\n"
    "\n"
    "exit codes: 0 ok, 1 internal error, 2 usage error, 3 bad input (store unchanged),\n"
    "            4 store error, 5 fetch failed (remote service), 6 fetch partly failed,\n"
    "            7 audit found differences above the tolerance\n";

std::string db_path(const Args& a) {
    if (auto v = a.get("db")) return *v;
    if (const char* e = std::getenv("CURCRUNCH_DB"); e && *e) return e;
    return "curcrunch.db";
}

int parse_int(const std::string& opt, const std::string& v, int lo, int hi) {
    char* end = nullptr;
    long x = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || x < lo || x > hi)
        throw_usage("--" + opt + ": expected an integer in " + std::to_string(lo) + ".." +
                    std::to_string(hi) + ", got '" + v + "'");
    return static_cast<int>(x);
}

uint64_t parse_size(const std::string& opt, const std::string& v) {
    char* end = nullptr;
    double x = std::strtod(v.c_str(), &end);
    std::string suffix = end ? end : "";
    double mult = suffix.empty() || suffix == "B"   ? 1
                  : suffix == "K" || suffix == "KB" ? 1e3
                  : suffix == "M" || suffix == "MB" ? 1e6
                  : suffix == "G" || suffix == "GB" ? 1e9
                                                    : -1;
    if (v.empty() || mult < 0 || x < 0)
        throw_usage("--" + opt + ": expected a size like 500M or 2G, got '" + v + "'");
    return static_cast<uint64_t>(x * mult);
}

int parse_char(const std::string& opt, const std::string& v) {
    if (v.size() == 1) return static_cast<unsigned char>(v[0]);
    if (v == "\\t" || v == "tab") return '\t';
    if (v == "\\x01" || v == "^A") return 1;
    throw_usage("--" + opt + ": expected one character, \\t or \\x01, got '" + v + "'");
}

Day parse_day_opt(const std::string& opt, const std::string& v) {
    Day d;
    if (v.size() != 10 || !parse_utc_day(v, d))
        throw_usage("--" + opt + ": expected YYYY-MM-DD, got '" + v + "'");
    return d;
}

// ------------------------------------------------------------------------------ ingest
int cmd_ingest(int argc, char** argv) {
    Args a(argc, argv, 2, {"no-progress", "quiet", "zlib", "verbose"},
           {"db", "on-error", "delimiter", "null", "quote", "threads"});
    if (a.positional().empty()) throw_usage("ingest: give at least one file or directory");
    ingest::IngestOptions o;
    std::string on_error = a.get("on-error").value_or("fail");
    if (on_error != "fail" && on_error != "skip")
        throw_usage("--on-error: expected fail or skip, got '" + on_error + "'");
    o.skip_bad_rows = on_error == "skip";
    if (auto v = a.get("delimiter")) o.csv.delimiter = parse_char("delimiter", *v);
    if (auto v = a.get("null")) {
        o.csv.has_null_token = true;
        o.csv.null_token = *v;
    }
    if (auto v = a.get("quote")) {
        if (*v != "on" && *v != "off") throw_usage("--quote: expected on or off");
        o.csv.quoting = *v == "on";
    }
    if (auto v = a.get("threads")) o.threads = parse_int("threads", *v, 1, 1024);
    o.prefer_zlib = a.flag("zlib");
    o.progress = !a.flag("no-progress") && !a.flag("quiet");
    const bool quiet = a.flag("quiet");
    if (a.flag("verbose")) log::set_level(log::Level::debug);

    // Open (and migrate) the store first: a store problem should stop us before the work.
    auto store = store::Store::open(db_path(a));
    const std::string started = store::now_utc_iso();
    auto units = ingest::plan_inputs(a.positional());
    ingest::IngestResult r = ingest::run_ingest(units, o);
    if (r.rows == 0 && r.skipped == 0) {
        log::warn("no data rows found; the store was not changed");
        return 0;
    }
    auto w0 = std::chrono::steady_clock::now();
    int64_t id = store->replace_periods(r, started, o.skip_bad_rows);
    log::debug("store write done after " +
               std::to_string(
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count()) +
               " s");
    const double write_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    if (!quiet) {
        std::printf("%-60s %-11s %-6s %12s %9s\n", "source", "dialect", "comp", "rows", "skipped");
        for (const auto& s : r.sources) {
            std::string name = s.member.empty() ? s.path : s.path + ":" + s.member;
            if (name.size() > 60) name = std::string("...").append(name, name.size() - 57, 57);
            std::printf("%-60s %-11s %-6s %12llu %9llu\n", name.c_str(), s.dialect.c_str(),
                        s.compression.c_str(), static_cast<unsigned long long>(s.rows),
                        static_cast<unsigned long long>(s.skipped));
        }
        std::string periods;
        std::set<Period> ps;
        for (const auto& e : r.rollup.cost.entries())
            ps.insert(e.key.period);
        for (Period p : ps)
            periods.append(periods.empty() ? "" : " ").append(format_period(p));
        double mb = static_cast<double>(r.bytes) / 1e6;
        std::printf(
            "ingest %lld: %llu rows from %zu stream(s), %.1f MB read in %.2f s (%.0f MB/s, %.0f "
            "rows/s), "
            "stored in %.2f s; periods replaced: %s\n",
            static_cast<long long>(id), static_cast<unsigned long long>(r.rows), r.sources.size(),
            mb, r.seconds, r.seconds > 0 ? mb / r.seconds : 0.0,
            r.seconds > 0 ? static_cast<double>(r.rows) / r.seconds : 0.0, write_s,
            periods.c_str());
    }
    if (r.skipped > 0) {
        log::warn(std::to_string(r.skipped) +
                  " bad row(s) skipped (--on-error=skip); recorded in ingest " +
                  std::to_string(id) + ". First:");
        for (size_t i = 0; i < r.problems.size() && i < 5; ++i)
            log::warn("  " + r.problems[i].text());
    }
    return 0;
}

// ------------------------------------------------------------------------------ summary
std::string json_str(const std::string& s) {
    return json_quote(s);
}

std::string csv_str(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string o = "\"";
    for (char c : s) {
        if (c == '"') o += '"';
        o += c;
    }
    return o + "\"";
}

int cmd_summary(int argc, char** argv) {
    Args a(argc, argv, 2, {},
           {"db", "from", "to", "preset", "by", "granularity", "account", "service", "region",
            "min-cost", "sort", "limit", "format", "measure", "as-of"});
    store::Query q;
    Day today = a.get("as-of") ? parse_day_opt("as-of", *a.get("as-of")) : today_utc();
    if (auto p = a.get("preset")) {
        if (a.get("from") || a.get("to"))
            throw_usage("--preset cannot be combined with --from/--to");
        auto r = store::resolve_preset(*p, today);
        if (!r)
            throw_usage("--preset: unknown preset '" + *p +
                        "' (last-7-days, last-30-days, month-to-date, last-12-months, year)");
        q.from = r->from;
        q.to = r->to;
    }
    if (auto v = a.get("from")) q.from = parse_day_opt("from", *v);
    if (auto v = a.get("to")) q.to = parse_day_opt("to", *v);
    if (q.from && q.to && *q.from > *q.to) throw_usage("--from is after --to");
    if (auto v = a.get("by")) {
        auto d = store::parse_dimension(*v);
        if (!d)
            throw_usage(
                "--by: expected service, account, payer, region, usage-type, line-item-type, "
                "operation or none; got '" +
                *v + "'");
        q.by = *d;
    }
    if (auto v = a.get("granularity")) {
        auto g = store::parse_grain(*v);
        if (!g)
            throw_usage("--granularity: expected day, week, month, year or total; got '" + *v +
                        "'");
        q.grain = *g;
    }
    if (auto v = a.get("measure")) {
        auto m = store::parse_measure(*v);
        if (!m)
            throw_usage(
                "--measure: expected unblended, net, amortized, blended or on-demand; got '" + *v +
                "'");
        q.measure = *m;
    }
    q.accounts = a.all("account");
    q.services = a.all("service");
    q.regions = a.all("region");
    if (auto v = a.get("min-cost")) {
        Amount m;
        auto st = parse_amount(*v, m);
        if ((st != ParseStatus::ok && st != ParseStatus::rounded) || m < 0)
            throw_usage("--min-cost: expected a non-negative amount, got '" + *v + "'");
        q.min_cost = m;
    }
    if (auto v = a.get("sort")) {
        if (*v == "cost")
            q.sort = store::SortOrder::cost_desc;
        else if (*v == "key")
            q.sort = store::SortOrder::key_asc;
        else if (*v == "time")
            q.sort = store::SortOrder::time_then_cost;
        else
            throw_usage("--sort: expected time, cost or key; got '" + *v + "'");
    }
    if (auto v = a.get("limit"))
        q.limit = static_cast<size_t>(parse_int("limit", *v, 1, 100000000));
    std::string format = a.get("format").value_or("table");
    if (format != "table" && format != "csv" && format != "json")
        throw_usage("--format: expected table, csv or json");

    auto store = store::Store::open(db_path(a), true);
    // The total covers every matching row, not only the ones --limit lets through.
    const size_t limit = q.limit;
    q.limit = 0;
    auto rows = store::run_query(store->db(), q);
    const bool has_bucket = q.grain != store::Grain::total;
    const bool has_key = q.by != store::Dimension::none;
    Amount total = 0, total_amort = 0;
    for (const auto& r : rows) {
        total += r.measure(q.measure);
        total_amort += r.amortized;
    }
    const size_t matching = rows.size();
    if (limit && rows.size() > limit) rows.resize(limit);
    if (format == "json") {
        std::printf("{\"granularity\":\"%s\",\"by\":\"%s\",\"measure\":\"%s\",\"rows\":[",
                    store::grain_name(q.grain), store::dimension_name(q.by),
                    store::measure_name(q.measure));
        for (size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            std::printf(
                "%s{\"bucket\":%s,\"key\":%s,\"label\":%s,\"unblended\":\"%s\",\"net_unblended\":"
                "\"%s\","
                "\"amortized\":\"%s\",\"blended\":\"%s\",\"public_on_demand\":\"%s\",\"usage\":\"%"
                "s\",\"row_count\":%lld}",
                i ? "," : "", json_str(r.bucket).c_str(), json_str(r.key).c_str(),
                json_str(r.label).c_str(), to_plain_string(r.unblended).c_str(),
                to_plain_string(r.net_unblended).c_str(), to_plain_string(r.amortized).c_str(),
                to_plain_string(r.blended).c_str(), to_plain_string(r.public_on_demand).c_str(),
                to_plain_string(r.usage).c_str(), static_cast<long long>(r.rows));
        }
        std::printf("],\"matching_rows\":%zu,\"total\":\"%s\"}\n", matching,
                    to_plain_string(total).c_str());
        return 0;
    }
    if (format == "csv") {
        std::printf(
            "bucket,key,label,unblended,net_unblended,amortized,blended,public_on_demand,usage,row_"
            "count\n");
        for (const auto& r : rows)
            std::printf("%s,%s,%s,%s,%s,%s,%s,%s,%s,%lld\n", csv_str(r.bucket).c_str(),
                        csv_str(r.key).c_str(), csv_str(r.label).c_str(),
                        to_plain_string(r.unblended).c_str(),
                        to_plain_string(r.net_unblended).c_str(),
                        to_plain_string(r.amortized).c_str(), to_plain_string(r.blended).c_str(),
                        to_plain_string(r.public_on_demand).c_str(),
                        to_plain_string(r.usage).c_str(), static_cast<long long>(r.rows));
        return 0;
    }
    // Table.
    const char* mname = store::measure_name(q.measure);
    std::ostringstream out;
    char line[512];
    if (has_bucket) out << (std::snprintf(line, sizeof line, "%-10s ", "period"), line);
    if (has_key)
        out << (std::snprintf(line, sizeof line, "%-24s %-40s ", store::dimension_name(q.by),
                              "name"),
                line);
    std::snprintf(line, sizeof line, "%16s %16s %11s\n", mname, "amortized", "rows");
    out << line;
    for (const auto& r : rows) {
        if (has_bucket) out << (std::snprintf(line, sizeof line, "%-10s ", r.bucket.c_str()), line);
        if (has_key) {
            std::string label = r.label == r.key ? "" : r.label;
            if (label.size() > 40) label = label.substr(0, 37) + "...";
            std::string key = r.key.empty() ? "(none)" : r.key;
            if (key.size() > 24) key = key.substr(0, 21) + "...";
            out << (std::snprintf(line, sizeof line, "%-24s %-40s ", key.c_str(), label.c_str()),
                    line);
        }
        std::snprintf(line, sizeof line, "%16s %16s %11lld\n",
                      format_money(r.measure(q.measure)).c_str(), format_money(r.amortized).c_str(),
                      static_cast<long long>(r.rows));
        out << line;
    }
    int pad = (has_bucket ? 11 : 0) + (has_key ? 66 : 0);
    const std::string label = rows.size() < matching
                                  ? "total of all " + std::to_string(matching) + " rows"
                                  : std::string("total");
    std::snprintf(line, sizeof line, "%-*s%16s %16s\n", pad, label.c_str(),
                  format_money(total).c_str(), format_money(total_amort).c_str());
    out << line;
    std::fputs(out.str().c_str(), stdout);
    return 0;
}

// ------------------------------------------------------------------------------ periods
int cmd_periods(int argc, char** argv) {
    Args a(argc, argv, 2, {}, {"db"});
    auto store = store::Store::open(db_path(a), true);
    std::printf("%-8s %7s %12s %16s  %-20s  %s\n", "period", "ingest", "rows", "unblended",
                "replaced", "assembly");
    for (const auto& p : store->periods())
        std::printf("%-8s %7lld %12lld %16s  %-20s  %s\n", p.period.c_str(),
                    static_cast<long long>(p.ingest_id), static_cast<long long>(p.rows),
                    format_money(p.unblended).c_str(), p.replaced_at.c_str(),
                    p.assembly_id.c_str());
    return 0;
}

// ------------------------------------------------------------------------------ gen
int cmd_gen(int argc, char** argv) {
    Args a(argc, argv, 2, {"gzip", "daily", "layout"},
           {"out", "dialect", "start", "months", "seed", "payers", "accounts", "resources",
            "target-size", "gzip-level", "report-name"});
    gen::GenOptions o;
    o.out = a.get("out").value_or("");
    if (auto v = a.get("dialect"); v && !gen::parse_out_dialect(*v, o.dialect))
        throw_usage("--dialect: expected legacy, cur2 or focus; got '" + *v + "'");
    if (auto v = a.get("start")) {
        auto p = parse_period(*v);
        if (!p) throw_usage("--start: expected YYYY-MM, got '" + *v + "'");
        o.start = *p;
    }
    if (auto v = a.get("months")) o.months = parse_int("months", *v, 1, 120);
    if (auto v = a.get("seed"))
        o.seed = static_cast<uint64_t>(parse_int("seed", *v, 0, 2000000000));
    if (auto v = a.get("payers")) o.payers = parse_int("payers", *v, 1, 50);
    if (auto v = a.get("accounts")) o.accounts_per_payer = parse_int("accounts", *v, 1, 500);
    if (auto v = a.get("resources"))
        o.resources_per_account = parse_int("resources", *v, 1, 100000);
    if (auto v = a.get("fleet")) o.fleet = parse_int("fleet", *v, 1, 100000);
    if (auto v = a.get("target-size")) o.target_bytes = parse_size("target-size", *v);
    if (auto v = a.get("gzip-level")) o.gzip_level = parse_int("gzip-level", *v, 1, 9);
    if (auto v = a.get("report-name")) o.report_name = *v;
    o.gzip = a.flag("gzip");
    o.hourly = !a.flag("daily");
    o.layout = a.flag("layout");
    auto st = gen::generate(o);
    std::printf("wrote %llu rows, %.1f MB uncompressed, in %d file(s) under %s\n",
                static_cast<unsigned long long>(st.rows), static_cast<double>(st.bytes) / 1e6,
                st.files, o.out.c_str());
    return 0;
}

// ------------------------------------------------------------------------------ fetch
Period parse_month_opt(const std::string& opt, const std::string& v) {
    auto p = parse_period(v);
    if (!p || v.size() != 7) throw_usage("--" + opt + ": expected YYYY-MM, got '" + v + "'");
    return *p;
}

int cmd_fetch(int argc, char** argv) {
    Args a(argc, argv, 2, {"cost-explorer", "no-invoices", "secret-id-wrapped", "quiet", "verbose"},
           {"db",
            "config",
            "profile",
            "from",
            "to",
            "cache-dir",
            "archive-dir",
            "endpoint-url",
            "ca-file",
            "error-log",
            "alert-webhook",
            "max-attempts",
            "concurrency",
            "connect-timeout",
            "timeout",
            "stall-timeout",
            "retry-base-ms",
            "retry-cap-ms",
            "rate-limit",
            "breaker-threshold",
            "breaker-cooldown",
            "role-id-file",
            "secret-id-file",
            "on-error",
            "threads"});
    if (!a.positional().empty())
        throw_usage(
            "fetch takes no positional arguments (secrets come from the environment or "
            "files, never the command line)");
    fetch::FetchOptions o;
    o.config_path = a.get("config").value_or("");
    if (o.config_path.empty()) {
        const char* e = std::getenv("CURCRUNCH_FETCH_CONFIG");
        o.config_path = e && *e ? e : "curcrunch-fetch.json";
    }
    o.profiles = a.all("profile");
    const Period now = period_of(today_utc());
    o.to = a.get("to") ? parse_month_opt("to", *a.get("to")) : now;
    o.from = a.get("from") ? parse_month_opt("from", *a.get("from")) : add_months(o.to, -11);
    if (o.from > o.to) throw_usage("--from is after --to");
    if (auto v = a.get("cache-dir")) o.cache_dir = *v;
    if (auto v = a.get("archive-dir")) o.archive_dir = *v;
    o.cost_explorer = a.flag("cost-explorer");
    o.invoices = !a.flag("no-invoices");
    if (auto v = a.get("endpoint-url")) o.endpoint_url = *v;
    if (auto v = a.get("ca-file")) o.ca_file = *v;
    if (auto v = a.get("error-log")) o.error_log = *v;
    if (auto v = a.get("alert-webhook")) o.alert_webhook = *v;
    if (auto v = a.get("max-attempts")) o.max_attempts = parse_int("max-attempts", *v, 1, 20);
    if (auto v = a.get("concurrency")) o.concurrency = parse_int("concurrency", *v, 1, 64);
    if (auto v = a.get("connect-timeout"))
        o.connect_timeout = std::chrono::seconds(parse_int("connect-timeout", *v, 1, 600));
    if (auto v = a.get("timeout"))
        o.total_timeout = std::chrono::seconds(parse_int("timeout", *v, 1, 86400));
    if (auto v = a.get("stall-timeout"))
        o.stall_timeout = std::chrono::seconds(parse_int("stall-timeout", *v, 1, 3600));
    if (auto v = a.get("retry-base-ms"))
        o.backoff_base = std::chrono::milliseconds(parse_int("retry-base-ms", *v, 0, 60000));
    if (auto v = a.get("retry-cap-ms"))
        o.backoff_cap = std::chrono::milliseconds(parse_int("retry-cap-ms", *v, 0, 600000));
    if (auto v = a.get("rate-limit")) o.rate_limit = parse_int("rate-limit", *v, 1, 10000);
    if (auto v = a.get("breaker-threshold"))
        o.breaker_threshold = parse_int("breaker-threshold", *v, 1, 1000);
    if (auto v = a.get("breaker-cooldown"))
        o.breaker_cooldown = std::chrono::seconds(parse_int("breaker-cooldown", *v, 1, 3600));
    if (auto v = a.get("role-id-file")) o.vault.role_id_file = *v;
    if (auto v = a.get("secret-id-file")) o.vault.secret_id_file = *v;
    o.vault.secret_id_wrapped = a.flag("secret-id-wrapped");
    std::string on_error = a.get("on-error").value_or("fail");
    if (on_error != "fail" && on_error != "skip")
        throw_usage("--on-error: expected fail or skip, got '" + on_error + "'");
    o.ingest.skip_bad_rows = on_error == "skip";
    if (auto v = a.get("threads")) o.ingest.threads = parse_int("threads", *v, 1, 1024);
    if (a.flag("verbose")) log::set_level(log::Level::debug);
    if (a.flag("quiet")) log::set_level(log::Level::warn);

    auto store = store::Store::open(db_path(a));
    fetch::FetchReport r = fetch::run_fetch(o, *store);
    std::printf("fetch run %lld: %s\n", static_cast<long long>(r.run_id),
                fetch::outcome_name(r.outcome));
    std::printf("  months %s..%s\n", format_period(o.from).c_str(), format_period(o.to).c_str());
    std::printf("  CUR periods: %d ingested, %d unchanged, %d failed (left as they were)\n",
                r.periods_ingested, r.periods_unchanged, r.periods_failed);
    std::printf("  accounts: %d\n", r.accounts);
    if (o.invoices)
        std::printf("  invoices: %d; documents: %d downloaded, %d already archived\n", r.invoices,
                    r.documents_downloaded, r.documents_kept);
    if (o.cost_explorer)
        std::printf("  cost explorer: %d paid request(s) sent ($%.2f at $0.01 each)\n",
                    r.ce_requests, r.ce_requests * 0.01);
    std::printf("  retries: %d\n", r.retries);
    for (const auto& n : r.notes)
        std::printf("  note: %s\n", n.c_str());
    for (const auto& p : r.problems)
        std::printf("  problem: %s\n", p.c_str());
    return r.outcome == fetch::FetchOutcome::ok       ? 0
           : r.outcome == fetch::FetchOutcome::failed ? 5
                                                      : 6;
}

// ------------------------------------------------------------------------------ accounts
std::string output_format(const Args& a) {
    std::string format = a.get("format").value_or("table");
    if (format != "table" && format != "csv" && format != "json")
        throw_usage("--format: expected table, csv or json");
    return format;
}

// Prints rows of text cells as a table, CSV or a JSON array of objects.
void print_rows(const std::string& format, const std::vector<std::string>& head,
                const std::vector<std::vector<std::string>>& rows) {
    if (format == "json") {
        std::string o = "[";
        for (size_t r = 0; r < rows.size(); ++r) {
            o.append(r ? ",{" : "{");
            for (size_t c = 0; c < head.size(); ++c)
                o.append(c ? "," : "")
                    .append(json_quote(head[c]))
                    .append(":")
                    .append(json_quote(rows[r][c]));
            o.append("}");
        }
        std::printf("%s]\n", o.c_str());
        return;
    }
    if (format == "csv") {
        for (size_t c = 0; c < head.size(); ++c)
            std::printf("%s%s", c ? "," : "", head[c].c_str());
        std::printf("\n");
        for (const auto& row : rows) {
            for (size_t c = 0; c < row.size(); ++c)
                std::printf("%s%s", c ? "," : "", csv_str(row[c]).c_str());
            std::printf("\n");
        }
        return;
    }
    std::vector<size_t> w(head.size());
    for (size_t c = 0; c < head.size(); ++c) {
        w[c] = head[c].size();
        for (const auto& row : rows)
            w[c] = std::max(w[c], row[c].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string o;
        for (size_t c = 0; c < cells.size(); ++c) {
            o.append(c ? "  " : "").append(cells[c]);
            if (c + 1 < cells.size()) o.append(w[c] - cells[c].size(), ' ');
        }
        std::printf("%s\n", o.c_str());
    };
    line(head);
    for (const auto& row : rows)
        line(row);
}

int cmd_accounts(int argc, char** argv) {
    Args a(argc, argv, 2, {}, {"db", "format"});
    const std::string format = output_format(a);
    auto store = store::Store::open(db_path(a), true);
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : store::list_accounts(store->db()))
        rows.push_back(
            {r.id, r.name, r.email, r.state, r.joined_at, r.payer_profile, r.updated_at});
    print_rows(format, {"id", "name", "email", "state", "joined", "profile", "updated"}, rows);
    return 0;
}

int cmd_invoices(int argc, char** argv) {
    Args a(argc, argv, 2, {}, {"db", "format"});
    const std::string format = output_format(a);
    auto store = store::Store::open(db_path(a), true);
    std::vector<std::vector<std::string>> rows;
    const bool table = format == "table";
    auto money = [&](Amount v) { return table ? format_money(v) : to_plain_string(v); };
    for (const auto& r : store::list_invoices(store->db()))
        rows.push_back({r.period, r.invoice_id, r.invoice_type, r.payer_profile, r.account_id,
                        r.issued_at, r.base_currency, money(r.base_total), money(r.base_taxes),
                        money(r.base_discounts), r.payment_currency, money(r.payment_total),
                        r.payment_method, std::to_string(r.documents)});
    print_rows(format,
               {"period", "invoice", "type", "profile", "account", "issued", "currency", "total",
                "tax", "discounts", "pay_currency", "pay_total", "pay_method", "documents"},
               rows);
    return 0;
}

// ------------------------------------------------------------------------------ report
// The period and filters shared by `report` (and the checks `summary` makes).
report::ReportParams report_params(const Args& a) {
    report::ReportParams p;
    p.as_of = a.get("as-of") ? parse_day_opt("as-of", *a.get("as-of")) : today_utc();
    if (a.get("preset") && (a.get("from") || a.get("to")))
        throw_usage("--preset cannot be combined with --from/--to");
    std::string preset =
        a.get("preset").value_or(a.get("from") || a.get("to") ? "" : "last-12-months");
    if (!preset.empty()) {
        auto r = store::resolve_preset(preset, p.as_of);
        if (!r)
            throw_usage("--preset: unknown preset '" + preset +
                        "' (last-7-days, last-30-days, month-to-date, last-12-months, year)");
        p.from = r->from;
        p.to = r->to;
        p.preset = preset;
    } else {
        p.to = a.get("to") ? parse_day_opt("to", *a.get("to")) : p.as_of;
        p.from = a.get("from") ? parse_day_opt("from", *a.get("from"))
                               : first_day(add_months(period_of(p.to), -11));
    }
    if (p.from > p.to) throw_usage("--from is after --to");
    if (p.to - p.from > 366 * 5) throw_usage("the period is longer than five years");
    p.accounts = a.all("account");
    p.services = a.all("service");
    if (auto v = a.get("min-cost")) {
        Amount m;
        auto st = parse_amount(*v, m);
        if ((st != ParseStatus::ok && st != ParseStatus::rounded) || m < 0)
            throw_usage("--min-cost: expected a non-negative amount, got '" + *v + "'");
        p.min_cost = m;
    }
    if (auto v = a.get("granularity")) {
        auto g = store::parse_grain(*v);
        if (!g || *g == store::Grain::total || *g == store::Grain::year)
            throw_usage("--granularity: expected day, week or month; got '" + *v + "'");
        p.granularity = *g;
    }
    if (auto v = a.get("top")) p.top = parse_int("top", *v, 1, 50);
    return p;
}

int cmd_report(int argc, char** argv) {
    Args a(argc, argv, 2, {"quiet"},
           {"db", "from", "to", "preset", "account", "service", "min-cost", "granularity", "top",
            "out", "password-file", "as-of"});
    report::ReportParams p = report_params(a);
    const std::string out = a.get("out").value_or("curcrunch-report.pdf");
    if (const auto dir = std::filesystem::path(out).parent_path();
        !dir.empty() && !std::filesystem::is_directory(dir))
        throw_usage("--out: the folder " + dir.string() + " does not exist");
    std::optional<report::PdfPasswords> pw;
    if (auto f = a.get("password-file")) pw = report::read_password_file(*f);
    auto store = store::Store::open(db_path(a), true);
    report::ReportData d = report::gather_report(store->db(), p);
    auto w = report::write_report(d, out, pw);
    if (!a.flag("quiet"))
        std::printf("report %s: %s, %s to %s, total %s%s\nsha256 %s\n", w.report_id.c_str(),
                    w.path.c_str(), format_day(p.from).c_str(), format_day(p.to).c_str(),
                    report::money_text(d.totals.total, d.currency).c_str(),
                    pw ? " (encrypted, AES-256)" : "", w.sha256.c_str());
    return 0;
}

// ------------------------------------------------------------------------------ import-pdf
int cmd_import_pdf(int argc, char** argv) {
    Args a(argc, argv, 2, {"quiet"}, {"db", "password-file"});
    if (a.positional().empty()) throw_usage("import-pdf: give at least one PDF or folder");
    std::optional<Secret> password;
    if (auto f = a.get("password-file")) password = report::read_password_file(*f).user;
    auto store = store::Store::open(db_path(a));
    auto outcomes = report::import_pdfs(store->db(), a.positional(), password);
    int failed = 0, imported = 0, duplicates = 0;
    for (const auto& o : outcomes) {
        using S = report::ImportOutcome::Status;
        if (o.status == S::failed) {
            ++failed;
            log::error(o.path + ": not imported: " + o.error);
            continue;
        }
        (o.status == S::imported ? imported : duplicates)++;
        if (a.flag("quiet")) continue;
        std::string what = o.kind;
        if (!o.report_id.empty()) what += " " + o.report_id;
        if (!o.invoice_id.empty()) what += " of invoice " + o.invoice_id;
        std::printf("%s %s: %s, %d page(s)\n",
                    o.status == S::imported ? "imported" : "already imported", o.path.c_str(),
                    what.c_str(), o.pages);
    }
    std::printf("%d imported, %d already in the archive, %d failed\n", imported, duplicates,
                failed);
    if (outcomes.empty()) log::warn("no PDF found");
    return failed ? 3 : 0;
}

// ------------------------------------------------------------------------------ audit
int cmd_audit(int argc, char** argv) {
    Args a(argc, argv, 2, {"all"}, {"db", "report-id", "tolerance", "format"});
    const std::string format = output_format(a);
    if (a.get("report-id") && a.flag("all")) throw_usage("give --report-id or --all, not both");
    Amount tolerance = kUnit / 100;  // one cent
    if (auto v = a.get("tolerance")) {
        auto st = parse_amount(*v, tolerance);
        if ((st != ParseStatus::ok && st != ParseStatus::rounded) || tolerance < 0)
            throw_usage("--tolerance: expected a non-negative amount, got '" + *v + "'");
    }
    auto store = store::Store::open(db_path(a), true);
    auto results = report::audit_reports(store->db(), a.get("report-id").value_or(""), tolerance);
    std::vector<std::vector<std::string>> rows;
    size_t differing = 0;
    for (const auto& r : results) {
        if (!r.differences.empty()) ++differing;
        for (const auto& c : r.differences)
            rows.push_back(
                {r.report_id, r.from + ".." + r.to, c.kind, c.key,
                 format == "table" ? format_money(c.reported) : to_plain_string(c.reported),
                 format == "table" ? format_money(c.current) : to_plain_string(c.current),
                 format == "table" ? format_money(c.current - c.reported)
                                   : to_plain_string(c.current - c.reported)});
    }
    print_rows(format, {"report", "period", "kind", "key", "reported", "current", "difference"},
               rows);
    if (format == "table")
        std::printf("%zu report(s) audited, %zu with differences above %s\n", results.size(),
                    differing, format_money(tolerance, 2).c_str());
    return differing ? 7 : 0;
}

// ------------------------------------------------------------------------------ reports
int cmd_reports(int argc, char** argv) {
    Args a(argc, argv, 2, {}, {"db", "format"});
    const std::string format = output_format(a);
    auto store = store::Store::open(db_path(a), true);
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : report::list_archive(store->db()))
        rows.push_back({r.imported_at, r.kind, r.report_id.empty() ? r.invoice_id : r.report_id,
                        std::to_string(r.pages), std::to_string(r.bytes),
                        r.encrypted ? "yes" : "no", r.title, r.path, r.sha256});
    print_rows(format,
               {"imported", "kind", "id", "pages", "bytes", "encrypted", "title", "path", "sha256"},
               rows);
    return 0;
}

// ------------------------------------------------------------------------------ serve
int cmd_serve(int argc, char** argv) {
    Args a(argc, argv, 2, {},
           {"db", "listen", "token-file", "max-upload", "threads", "allow-host"});
    serve::ServeOptions o;
    o.db_path = db_path(a);
    const std::string listen = a.get("listen").value_or("127.0.0.1:8080");
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw_usage("--listen: expected HOST:PORT, got '" + listen + "'");
    o.host = listen.substr(0, colon);
    if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']')
        o.host = o.host.substr(1, o.host.size() - 2);
    o.port = parse_int("listen", listen.substr(colon + 1), 0, 65535);
    if (auto v = a.get("token-file")) o.token_file = *v;
    if (auto v = a.get("max-upload")) o.max_upload_bytes = parse_size("max-upload", *v);
    if (auto v = a.get("threads")) o.threads = parse_int("threads", *v, 1, 256);
    o.allowed_hosts = a.all("allow-host");
    // SIGINT / SIGTERM end the server cleanly: a thread waits for them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    serve::Dashboard dash(o);
    const int port = dash.bind();
    const std::string shown = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
    std::printf("curcrunch dashboard: http://%s:%d/  (store %s; Ctrl-C stops it)\n", shown.c_str(),
                port, o.db_path.c_str());
    if (dash.token_required() && serve::is_loopback(o.host))
        std::printf(
            "access token: the one in --token-file (asked on loopback too because a token file "
            "was given)\n");
    else if (dash.token_required())
        std::printf("access token (needed because %s is not a loopback address): %s\n",
                    o.host.c_str(),
                    o.token_file.empty() ? dash.token().c_str() : "the one in --token-file");
    std::fflush(stdout);
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        dash.stop();
    });
    dash.run();
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return 0;
}

}  // namespace

int run(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    std::string cmd = argv[1];
    try {
        if (cmd == "ingest") return cmd_ingest(argc, argv);
        if (cmd == "summary") return cmd_summary(argc, argv);
        if (cmd == "periods") return cmd_periods(argc, argv);
        if (cmd == "gen") return cmd_gen(argc, argv);
        if (cmd == "fetch") return cmd_fetch(argc, argv);
        if (cmd == "accounts") return cmd_accounts(argc, argv);
        if (cmd == "invoices") return cmd_invoices(argc, argv);
        if (cmd == "report") return cmd_report(argc, argv);
        if (cmd == "import-pdf") return cmd_import_pdf(argc, argv);
        if (cmd == "audit") return cmd_audit(argc, argv);
        if (cmd == "reports") return cmd_reports(argc, argv);
        if (cmd == "serve") return cmd_serve(argc, argv);
        if (cmd == "version" || cmd == "--version") {
            std::printf("curcrunch %s (scan kernel %s)\n", CURCRUNCH_VERSION,
                        ingest::scan_kernel_name());
            return 0;
        }
        if (cmd == "help" || cmd == "--help" || cmd == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        throw_usage("unknown command '" + cmd + "'");
    } catch (const Error& e) {
        log::error(e.what());
        if (e.kind() == ErrorKind::input) log::error("nothing was written to the store");
        return e.exit_code();
    } catch (const std::exception& e) {
        log::error(std::string("internal error: ") + e.what());
        return 1;
    }
}

}  // namespace curcrunch::cli
