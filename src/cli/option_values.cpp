#include "curcrunch/cli/option_values.hpp"

#include <cerrno>
#include <cstdlib>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/schema.hpp"
#include "curcrunch/store/payer_ids.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/query_tags.hpp"

namespace curcrunch::cli {

int parse_int(const std::string& name, const std::string& v, int lo, int hi) {
    char* end = nullptr;
    errno = 0;
    const long x = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || errno == ERANGE || x < lo || x > hi)
        throw_usage(name + ": expected an integer in " + std::to_string(lo) + ".." +
                    std::to_string(hi) + ", got '" + v + "'");
    return static_cast<int>(x);
}

uint64_t parse_size(const std::string& name, const std::string& v) {
    // Digits, then an optional decimal fraction and unit: exact integers, no floating point,
    // and a value past 2^63 bytes is refused rather than wrapped.
    size_t i = 0;
    unsigned __int128 whole = 0, frac = 0, frac_scale = 1;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9' && whole < (unsigned __int128)1 << 80)
        whole = whole * 10 + static_cast<unsigned>(v[i++] - '0');
    const size_t digits = i;
    if (i < v.size() && v[i] == '.')
        for (++i; i < v.size() && v[i] >= '0' && v[i] <= '9' && frac_scale < 1000000000000; ++i) {
            frac = frac * 10 + static_cast<unsigned>(v[i] - '0');
            frac_scale *= 10;
        }
    const std::string unit = v.substr(i);
    const uint64_t mult = unit.empty() || unit == "B"   ? 1
                          : unit == "K" || unit == "KB" ? 1000
                          : unit == "M" || unit == "MB" ? 1000000
                          : unit == "G" || unit == "GB" ? 1000000000
                                                        : 0;
    const unsigned __int128 bytes = whole * mult + frac * mult / frac_scale;
    if (digits == 0 || mult == 0 || bytes > static_cast<unsigned __int128>(INT64_MAX))
        throw_usage(name + ": expected a size like 500M or 2G, got '" + v + "'");
    return static_cast<uint64_t>(bytes);
}

uint64_t parse_positive_size(const std::string& name, const std::string& v) {
    const uint64_t bytes = parse_size(name, v);
    if (bytes == 0) throw_usage(name + ": expected a size above 0, got '" + v + "'");
    return bytes;
}

int parse_char(const std::string& name, const std::string& v) {
    if (v.size() == 1) return static_cast<unsigned char>(v[0]);
    if (v == "\\t" || v == "tab") return '\t';
    if (v == "\\x01" || v == "^A") return 1;
    throw_usage(name + ": expected one character, \\t or \\x01, got '" + v + "'");
}

Day parse_day(const std::string& name, const std::string& v) {
    Day d;
    if (v.size() != 10 || !parse_utc_day(v, d))
        throw_usage(name + ": expected YYYY-MM-DD, got '" + v + "'");
    return d;
}

Period parse_month(const std::string& name, const std::string& v) {
    auto p = parse_period(v);
    if (!p || v.size() != 7) throw_usage(name + ": expected YYYY-MM, got '" + v + "'");
    return *p;
}

Amount parse_non_negative_amount(const std::string& name, const std::string& v) {
    Amount m;
    const auto st = parse_amount(v, m);
    if ((st != ParseStatus::ok && st != ParseStatus::rounded) || m < 0)
        throw_usage(name + ": expected a non-negative amount, got '" + v + "'");
    return m;
}

store::DateRange parse_preset(const std::string& name, const std::string& v, Day today) {
    if (auto r = store::resolve_preset(v, today)) return *r;
    std::string names;
    for (const auto& n : store::preset_names())
        names.append(names.empty() ? "" : ", ").append(n);
    throw_usage(name + ": unknown preset '" + v + "' (" + names + ")");
}

std::vector<std::string> parse_payer_ids(const std::string& name,
                                         const std::vector<std::string>& v) {
    for (const std::string& id : v)
        if (!store::is_payer_id_text(id))
            throw_usage(name +
                        ": expected a payer id (an AWS account's 12 digits, or a FOCUS "
                        "BillingAccountId), got '" +
                        shown_text(id, 80) + "'");
    return v;
}

store::Measure parse_measure_option(const std::string& name, const std::string& v) {
    if (const auto m = store::parse_measure(v)) return *m;
    throw_usage(name +
                ": expected unblended, net, amortized, net-amortized, blended, on-demand or usage; "
                "got '" +
                v + "'");
}

store::Grouping parse_grouping_option(const std::string& name, const std::string& v) {
    auto g = store::parse_grouping(v);
    if (!g)
        throw_usage(name +
                    ": expected service, account, payer, region, usage-type, line-item-type, "
                    "operation, none, tag:KEY or category:KEY; got '" +
                    v + "'");
    if (g->by != store::Dimension::tag && g->by != store::Dimension::category) return *g;
    const char* what = g->by == store::Dimension::tag ? "tag" : "category";
    if (g->key.empty())
        throw_usage(name + ": " + what + ": needs a key (" + what + ":KEY, e.g. " + what + ":" +
                    (g->by == store::Dimension::tag ? "team" : "CostCenter") + ")");
    // The key as ingest stored it ("CostCenter" -> "cost_center"); the category prefix is the
    // store's to add.
    std::string key = g->by == store::Dimension::tag ? ingest::normalize_tag_key(g->key)
                                                     : ingest::normalize_cost_category_key(g->key);
    if (g->by == store::Dimension::category && !key.empty())
        key.erase(0, std::string(store::kCategoryKeyPrefix).size());
    if (key.empty())
        throw_usage(name + ": " + what + " key '" + g->key +
                    "' has no letters or digits (keys are stored normalized: CostCenter is "
                    "cost_center)");
    g->key = std::move(key);
    return *g;
}

const std::string& expect_choice(const std::string& name, const std::string& v,
                                 const std::string& choices) {
    size_t start = 0;
    while (start <= choices.size()) {
        size_t bar = choices.find('|', start);
        if (bar == std::string::npos) bar = choices.size();
        if (choices.compare(start, bar - start, v) == 0 && v.size() == bar - start) return v;
        start = bar + 1;
    }
    std::string list = choices;
    for (char& c : list)
        if (c == '|') c = ',';
    throw_usage(name + ": expected one of " + list + "; got '" + v + "'");
}

void StoreOption::declare(OptionSet& o) {
    o.value("--db", db, "FILE", "the store (a SQLite file)", "$CURCRUNCH_DB, else ./curcrunch.db");
}

std::string StoreOption::path() const {
    // SQLite would take "" for a private temporary database: an ingest into nowhere.
    if (db && db->empty()) throw_usage("--db: give the store's file name");
    if (db) return *db;
    if (const char* e = std::getenv("CURCRUNCH_DB"); e && *e) return e;
    return "curcrunch.db";
}

void PeriodOptions::declare(OptionSet& o, const std::string& default_text,
                            const std::string& as_of_text) {
    o.value("--from", from, "YYYY-MM-DD", "first day, inclusive (UTC)", default_text);
    o.value("--to", to, "YYYY-MM-DD", "last day, inclusive (UTC)");
    std::string names;
    for (const auto& n : store::preset_names())
        names.append(names.empty() ? "" : ", ").append(n);
    o.value("--preset", preset, "NAME", "a named period instead of --from/--to: " + names);
    o.value("--as-of", as_of, "YYYY-MM-DD", "the day presets count back from", as_of_text);
}

Day PeriodOptions::today() const {
    if (as_of) return parse_day("--as-of", *as_of);
    return default_as_of ? *default_as_of : today_utc();
}

PeriodOptions::Range PeriodOptions::resolve() const {
    Range r;
    const Day t = today();  // a bad --as-of is an error even when no preset uses it
    if (preset) {
        if (from || to) throw_usage("--preset cannot be combined with --from/--to");
        const store::DateRange p = parse_preset("--preset", *preset, t);
        r.from = p.from;
        r.to = p.to;
    }
    if (from) r.from = parse_day("--from", *from);
    if (to) r.to = parse_day("--to", *to);
    if (r.from && r.to && *r.from > *r.to) throw_usage("--from is after --to");
    return r;
}

void FormatOption::declare(OptionSet& o) {
    o.value("--format", format, "FORMAT",
            "table (money rounded to cents), csv or json (both with exact amounts)");
}

OutputFormat FormatOption::get() const {
    if (format == "csv") return OutputFormat::csv;
    if (format == "json") return OutputFormat::json;
    if (format != "table")
        throw_usage("--format: expected table, csv or json; got '" + format + "'");
    return OutputFormat::table;
}

}  // namespace curcrunch::cli
