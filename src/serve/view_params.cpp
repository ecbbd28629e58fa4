#include "curcrunch/serve/view_params.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string_view>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/core/value_list.hpp"
#include "curcrunch/store/currency_scope.hpp"
#include "curcrunch/store/filter_values.hpp"
#include "curcrunch/store/payer_ids.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::serve {
namespace {

const std::set<std::string> kKnown = {
    "from",  "to",    "preset",  "granularity", "account", "service", "region",  "min_cost",
    "top",   "sort",  "dir",     "page",        "as_of",   "range",   "vs_from", "vs_to",
    "group", "payer", "measure", "by",          "months",  "value",   "currency"};

[[noreturn]] void bad(const std::string& name, const std::string& why, const std::string& value) {
    throw_usage(name + ": " + why + ", got '" + shown_text(value, 60) + "'");
}

Day parse_day_param(const std::string& name, const std::string& v) {
    Day d = 0;
    if (v.size() != 10 || v[4] != '-' || v[7] != '-' || !parse_utc_day(v, d))
        bad(name, "expected a date YYYY-MM-DD", v);
    return d;
}

bool all_of(const std::string& v, const char* allowed_extra, bool alnum = true) {
    return std::all_of(v.begin(), v.end(), [&](char c) {
        return (alnum && std::isalnum(static_cast<unsigned char>(c))) ||
               std::string(allowed_extra).find(c) != std::string::npos;
    });
}

// A tag key's text: ASCII letters, digits and the punctuation keys keep, or UTF-8 beyond ASCII.
bool is_tag_key_text(const std::string& k) {
    if (!simdjson::validate_utf8(k.data(), k.size())) return false;
    return std::all_of(k.begin(), k.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x80 || std::isalnum(u) ||
               std::string_view("_-.:/@+= ").find(c) != std::string_view::npos;
    });
}

// Values of a multi-valued parameter: repeated and/or comma-separated, empty ones dropped, a
// backslash escaping a comma or a backslash (core/value_list.hpp); query_pairs writes them so.
std::vector<std::string> values(const QueryParams& q, const std::string& name) {
    std::vector<std::string> out;
    auto [a, b] = q.equal_range(name);
    for (auto it = a; it != b; ++it)
        if (!split_value_list(it->second, out)) bad(name, kValueListRule, it->second);
    return out;
}

// The parameters that hold lists of values (read by values() above).
bool is_list_param(const std::string& name) {
    return name == "account" || name == "service" || name == "region" || name == "payer" ||
           name == "value";
}

std::string single(const QueryParams& q, const std::string& name) {
    if (q.count(name) > 1) bad(name, "given more than once", "");
    auto it = q.find(name);
    return it == q.end() ? "" : it->second;
}

}  // namespace

const std::vector<MeasureChoice>& measure_choices() {
    using store::Measure;
    static const std::vector<MeasureChoice> choices = [] {
        std::vector<MeasureChoice> c;
        for (const auto& [m, label] : std::vector<std::pair<Measure, const char*>>{
                 {Measure::unblended, "Unblended cost"},
                 {Measure::net_unblended, "Net unblended cost"},
                 {Measure::amortized, "Amortized cost"},
                 {Measure::net_amortized, "Net amortized cost"},
                 {Measure::blended, "Blended cost"},
                 {Measure::public_on_demand, "Public on-demand cost"},
                 {Measure::usage, "Usage quantity"}})
            c.push_back({m, store::measure_name(m), label});
        return c;
    }();
    return choices;
}

int mom_months(const ViewParams& v) {
    if (v.months) return v.months;
    const int span = period_of(v.report.to) / 100 * 12 + period_of(v.report.to) % 100 -
                     (period_of(v.report.from) / 100 * 12 + period_of(v.report.from) % 100) + 1;
    return std::clamp(span, 2, 6);
}

const std::string& measure_label(store::Measure m) {
    for (const MeasureChoice& c : measure_choices())
        if (c.measure == m) return c.label;
    return measure_choices().front().label;
}

std::string url_encode(const std::string& s) {
    std::string o;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            o.push_back(static_cast<char>(c));
        } else {
            char b[4];
            std::snprintf(b, sizeof b, "%%%02X", c);
            o += b;
        }
    }
    return o;
}

void require_view_filters_in_store(store::Database& db, const ViewParams& v) {
    store::require_payers_in_store(db, v.report.payers, "payer");
    store::require_values_in_store(db, v.report.accounts, "account", "account");
    store::require_values_in_store(db, v.report.services, "service", "service");
    store::require_values_in_store(db, v.report.regions, "region", "region");
}

ViewParams parse_view_params(const QueryParams& q, Day default_as_of) {
    for (const auto& [k, v] : q)
        if (!kKnown.count(k)) bad(k, "unknown parameter", v);
    ViewParams vp;
    vp.default_as_of = default_as_of;
    report::ReportParams& p = vp.report;
    p.as_of = default_as_of;
    if (const std::string v = single(q, "as_of"); !v.empty()) {
        p.as_of = parse_day_param("as_of", v);
        vp.explicit_as_of = true;
    }
    // The filter form sends both a preset and dates, and says which one is meant in `range`.
    const std::string range = single(q, "range");
    if (!range.empty() && range != "preset" && range != "dates")
        bad("range", "expected preset or dates", range);
    std::string preset = single(q, "preset"), from = single(q, "from"), to = single(q, "to");
    if (range == "dates") preset.clear();
    if (range == "preset") from.clear(), to.clear();
    if (!preset.empty() && (!from.empty() || !to.empty()))
        bad("preset", "cannot be combined with from/to", preset);
    if (!from.empty() || !to.empty()) {
        vp.explicit_dates = true;
        p.to = to.empty() ? p.as_of : parse_day_param("to", to);
        p.from = from.empty() ? first_day(add_months(period_of(p.to), -11))
                              : parse_day_param("from", from);
        if (p.from > p.to) bad("from", "is after to (" + to + ")", from);
        if (p.to - p.from > 366 * 5) bad("from", "the range is longer than five years", from);
    } else {
        const std::string name = preset.empty() ? "last-12-months" : preset;
        auto r = store::resolve_preset(name, p.as_of);
        if (!r)
            bad("preset",
                "expected last-7-days, last-30-days, month-to-date, last-12-months, year or "
                "last-year",
                name);
        p.from = r->from;
        p.to = r->to;
        p.preset = name;
    }
    // The comparison period (the compare view); both or neither.
    const std::string vs_from = single(q, "vs_from"), vs_to = single(q, "vs_to");
    if (vs_from.empty() != vs_to.empty())
        bad(vs_from.empty() ? "vs_from" : "vs_to", "give vs_from and vs_to together",
            vs_from + vs_to);
    if (!vs_from.empty()) {
        p.compare_from = parse_day_param("vs_from", vs_from);
        p.compare_to = parse_day_param("vs_to", vs_to);
        if (p.compare_from > p.compare_to)
            bad("vs_from", "is after vs_to (" + vs_to + ")", vs_from);
        if (p.compare_to - p.compare_from > 366 * 5)
            bad("vs_from", "the range is longer than five years", vs_from);
    }
    if (const std::string g = single(q, "granularity"); !g.empty()) {
        auto grain = store::parse_grain(g);
        if (!grain || *grain == store::Grain::total)
            bad("granularity", "expected day, week, month or year", g);
        p.granularity = *grain;
    }
    // Accounts, services and regions are what the store holds, as exports write them (FOCUS
    // account ids with dots, service codes of any text): any printable text, bound, never
    // spliced into SQL; whether the store holds it is checked with the store at hand
    // (require_view_filters_in_store).
    for (const auto& a : values(q, "account")) {
        if (!store::is_payer_id_text(a)) bad("account", "expected an account id", a);
        p.accounts.push_back(a);
    }
    for (const auto& s : values(q, "service")) {
        if (!store::is_filter_value_text(s)) bad("service", "expected a service name", s);
        p.services.push_back(s);
    }
    for (const auto& r : values(q, "region")) {
        if (!store::is_filter_value_text(r)) bad("region", "expected a region like us-east-1", r);
        p.regions.push_back(r);
    }
    for (const auto& a : values(q, "payer")) {
        if (!store::is_payer_id_text(a))
            bad("payer",
                "expected a payer id (an AWS account's 12 digits, or a FOCUS "
                "BillingAccountId)",
                a);
        p.payers.push_back(a);
    }
    if (const std::string v = single(q, "currency"); !v.empty()) {
        p.currency = store::parse_currency_code("currency", v);
        vp.explicit_currency = true;
    }
    if (const std::string v = single(q, "measure"); !v.empty()) {
        auto m = store::parse_measure(v);
        if (!m) {
            std::string names;
            for (const MeasureChoice& c : measure_choices())
                names += (names.empty() ? "" : ", ") + c.name;
            bad("measure", "expected one of " + names, v);
        }
        p.measure = *m;
    }
    if (const std::string v = single(q, "by"); !v.empty()) {
        auto g = store::parse_grouping(v);
        const bool tagged =
            g && (g->by == store::Dimension::tag || g->by == store::Dimension::category);
        if (!g || (!tagged && g->by != store::Dimension::service &&
                   g->by != store::Dimension::account && g->by != store::Dimension::payer))
            bad("by", "expected service, account, payer, tag:KEY or category:KEY", v);
        // Keys are as ingest normalized them (letters, digits, '_' and the like, letters beyond
        // ASCII as UTF-8: AWS keys are up to 128 characters of any script); nothing else can
        // name a key of the store.
        if (tagged && (g->key.empty() || g->key.size() > 512 || !is_tag_key_text(g->key)))
            bad("by",
                "expected a tag key or cost category after '" +
                    std::string(store::dimension_name(g->by)) + ":'",
                v);
        vp.by = v;
    }
    if (const std::string v = single(q, "months"); !v.empty()) {
        if (v.size() > 2 || v.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(v) < 2 || std::stoi(v) > 24)
            bad("months", "expected a number of months from 2 to 24", v);
        vp.months = std::stoi(v);
    }
    for (const auto& t : values(q, "value")) {
        // Tag values are free text in AWS (up to 256 characters); control characters never.
        if (t.size() > 256 || std::any_of(t.begin(), t.end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
            }))
            bad("value", "expected a tag or cost category value", t);
        vp.values.push_back(t == "untagged" ? "" : t);
    }
    if (const std::string v = single(q, "min_cost"); !v.empty()) {
        Amount m = 0;
        auto st = parse_amount(v, m);
        if ((st != ParseStatus::ok && st != ParseStatus::rounded) || m < 0)
            bad("min_cost", "expected a non-negative amount", v);
        p.min_cost = m;
    }
    if (const std::string v = single(q, "top"); !v.empty()) {
        if (v.size() > 2 || !all_of(v, "", true) ||
            !std::isdigit(static_cast<unsigned char>(v[0])) || std::stoi(v) < 1 ||
            std::stoi(v) > 50)
            bad("top", "expected a number from 1 to 50", v);
        p.top = std::stoi(v);
    }
    if (const std::string v = single(q, "sort"); !v.empty()) {
        if (v.size() > 20 || !all_of(v, "_")) bad("sort", "expected a column name", v);
        vp.sort = v;
    }
    if (const std::string v = single(q, "dir"); !v.empty()) {
        if (v != "asc" && v != "desc") bad("dir", "expected asc or desc", v);
        vp.descending = v == "desc";
    }
    if (const std::string v = single(q, "group"); !v.empty()) {
        if (v != "account" && v != "ou" && v != "payer")
            bad("group", "expected account, ou or payer", v);
        vp.group = v;
    }
    if (const std::string v = single(q, "page"); !v.empty()) {
        if (v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(v) < 1)
            bad("page", "expected a page number", v);
        vp.page = std::stoi(v);
    }
    return vp;
}

std::vector<std::pair<std::string, std::string>> query_pairs(
    const ViewParams& v, const std::map<std::string, std::string>& set,
    const std::vector<std::string>& drop) {
    std::vector<std::pair<std::string, std::string>> kv;
    const report::ReportParams& p = v.report;
    if (v.explicit_dates) {
        kv.push_back({"from", format_day(p.from)});
        kv.push_back({"to", format_day(p.to)});
    } else {
        kv.push_back({"preset", p.preset});
    }
    if (p.granularity != store::Grain::day)
        kv.push_back({"granularity", store::grain_name(p.granularity)});
    for (const auto& a : p.accounts)
        kv.push_back({"account", a});
    for (const auto& s : p.services)
        kv.push_back({"service", s});
    for (const auto& r : p.regions)
        kv.push_back({"region", r});
    for (const auto& a : p.payers)
        kv.push_back({"payer", a});
    // Only a currency the URL chose: one found in the data is found again, and a link that
    // kept it would read nothing once the payers it goes with change.
    if (v.explicit_currency) kv.push_back({"currency", p.currency});
    if (p.measure != store::Measure::unblended)
        kv.push_back({"measure", store::measure_name(p.measure)});
    if (!v.by.empty()) kv.push_back({"by", v.by});
    if (v.months) kv.push_back({"months", std::to_string(v.months)});
    for (const auto& t : v.values)
        kv.push_back({"value", t.empty() ? "untagged" : t});
    if (p.min_cost) kv.push_back({"min_cost", to_plain_string(*p.min_cost)});
    if (p.top != 10) kv.push_back({"top", std::to_string(p.top)});
    if (!v.sort.empty()) {
        kv.push_back({"sort", v.sort});
        kv.push_back({"dir", v.descending ? "desc" : "asc"});
    }
    if (v.page > 1) kv.push_back({"page", std::to_string(v.page)});
    if (!v.group.empty()) kv.push_back({"group", v.group});
    if (v.explicit_as_of || p.as_of != v.default_as_of)
        kv.push_back({"as_of", format_day(p.as_of)});
    if (p.compare_from) {
        kv.push_back({"vs_from", format_day(p.compare_from)});
        kv.push_back({"vs_to", format_day(p.compare_to)});
    }
    // Overrides: a date override replaces the preset and vice versa.
    std::vector<std::string> removed = drop;
    for (const auto& [k, val] : set) {
        removed.push_back(k);
        if (k == "from" || k == "to") removed.push_back("preset");
        if (k == "preset") {
            removed.push_back("from");
            removed.push_back("to");
        }
    }
    // A list parameter's value is one value of the list, escaped as values() reads it: a value
    // holding a comma ("Smith, J") must come back as itself, not as two.
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& [k, val] : kv)
        if (std::find(removed.begin(), removed.end(), k) == removed.end())
            out.emplace_back(k, is_list_param(k) ? escape_list_value(val) : std::move(val));
    for (const auto& [k, val] : set)
        if (!val.empty()) out.emplace_back(k, is_list_param(k) ? escape_list_value(val) : val);
    return out;
}

std::string query_string(const ViewParams& v, const std::map<std::string, std::string>& set,
                         const std::vector<std::string>& drop) {
    std::string out;
    for (const auto& [k, val] : query_pairs(v, set, drop))
        out += (out.empty() ? "?" : "&") + k + "=" + url_encode(val);
    return out;
}

}  // namespace curcrunch::serve
