#pragma once
// Option text to values, and the option groups several commands share. Every bad value is a
// usage error (exit 2) naming the option and what it expects.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/money.hpp"
#include "curcrunch/store/query.hpp"

namespace curcrunch::cli {

// `name` is the option as typed in messages, e.g. "--threads".
int parse_int(const std::string& name, const std::string& v, int lo, int hi);
uint64_t parse_size(const std::string& name, const std::string& v);  // 500M, 2G, 64K, 1024
int parse_char(const std::string& name, const std::string& v);       // x, \t or tab, \x01 or ^A
Day parse_day(const std::string& name, const std::string& v);        // YYYY-MM-DD
Period parse_month(const std::string& name, const std::string& v);   // YYYY-MM
Amount parse_non_negative_amount(const std::string& name, const std::string& v);
// parse_size, and 0 is a usage error too.
uint64_t parse_positive_size(const std::string& name, const std::string& v);
// A named period (store::resolve_preset) ending on or before `today`.
store::DateRange parse_preset(const std::string& name, const std::string& v, Day today);
// Payer account ids (--payer): 12 digits each.
std::vector<std::string> parse_payer_ids(const std::string& name,
                                         const std::vector<std::string>& v);
// A measure name (store::parse_measure), else a usage error listing them.
store::Measure parse_measure_option(const std::string& name, const std::string& v);
// --by: a dimension, or tag:KEY / category:KEY with the key normalized the way ingest stores it
// (store::Query::tag_key); an empty or unusable key is a usage error.
store::Grouping parse_grouping_option(const std::string& name, const std::string& v);
// One of `choices` ("fail|skip"), else a usage error listing them.
const std::string& expect_choice(const std::string& name, const std::string& v,
                                 const std::string& choices);

// --db: the store. --db, else $CURCRUNCH_DB, else ./curcrunch.db.
struct StoreOption {
    std::optional<std::string> db;
    void declare(OptionSet& o);
    std::string path() const;
};

// --from/--to or --preset, and --as-of: the days summary and cost-explorer read.
struct PeriodOptions {
    std::optional<std::string> from, to, preset, as_of;
    // `as_of_text` says what --as-of defaults to.
    void declare(OptionSet& o, const std::string& default_text,
                 const std::string& as_of_text = "today (UTC)");
    // Where the period ends when --as-of is not given: commands over the CUR set the store's
    // data-through day (store/view_coverage.hpp default_as_of), so presets end where the data
    // ends, not today.
    std::optional<Day> default_as_of;
    Day today() const;  // --as-of, else default_as_of, else today (UTC)
    struct Range {
        std::optional<Day> from, to;  // inclusive; unset: unbounded
    };
    // Checks the combination (--preset excludes --from/--to, from <= to).
    Range resolve() const;
};

// --format table|csv|json.
enum class OutputFormat { table, csv, json };
struct FormatOption {
    std::string format = "table";
    void declare(OptionSet& o);
    OutputFormat get() const;
};

}  // namespace curcrunch::cli
