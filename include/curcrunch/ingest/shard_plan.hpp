#pragma once
// The units of work of a sharded run (`curcrunch shards`): one line per delivery — a report's
// billing period read through its newest manifest, or a folder of loose export files — so that
// shards can be computed anywhere and merged. A delivery covers the store's (payer, billing
// period) units its rows name and replaces them whole; which payers those are is known only once
// its rows are read (store/shard_check.hpp).
//
// The shards file is the plan a scheduler's array indexes into: unit N (0-based) is line N+1 of
// the TSV form, element N of the JSON form's "units". Fields of a unit, in TSV column order:
//   index    N, equal to its position (checked when read)
//   payer    the account the delivery belongs to: the manifest's account, else the fetch
//            profile's account id; "-" when unknown. What a scheduler groups by; the payers of
//            the store units it replaces come from the rows (a consolidated report holds several)
//   period   YYYY-MM of the manifest; "-" for a folder of loose files (from the rows)
//   profile  the fetch profile whose credentials read an s3:// source; "-" for local files
//   source   an absolute local path (a manifest file or a folder), or s3://bucket/key of the
//            manifest
//   version  what identifies this delivery: "sha256:HEX" of the local manifest (of the file
//            names and sizes for a folder of loose files), "etag:VALUE" of an S3 manifest.
//            A shard refuses to run when its source no longer has this version.
// The plan id is the sha256 of the TSV form: the same units give the same id in either form.
#include <cstddef>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"

namespace curcrunch::ingest {

struct ShardUnit {
    std::string payer;    // "" when unknown
    Period period = 0;    // 0 when taken from the rows
    std::string profile;  // "" for local sources
    std::string source;
    std::string version;
    bool operator==(const ShardUnit&) const = default;
};

class ShardPlan {
  public:
    ShardPlan() = default;
    // Sorts the units by (profile, payer, period, source), so each payer's units form one
    // contiguous index range (a scheduler can bound concurrency per payer). Throws
    // Error(input) for a field that cannot be written as one TSV field (tab, line break, or
    // nothing at all where a value is required).
    explicit ShardPlan(std::vector<ShardUnit> units);

    const std::vector<ShardUnit>& units() const { return units_; }
    size_t size() const { return units_.size(); }
    // Unit `index`; Error(usage) naming the range when there is no such unit.
    const ShardUnit& at(long long index) const;

    std::string tsv() const;   // one line per unit, no header
    std::string json() const;  // {"plan": ID, "units": [{index, payer, ...}, ...]}
    const std::string& id() const { return id_; }
    // One unit as its TSV line (no line break).
    std::string line(size_t index) const;

    // Reads a shards file in either form. Throws Error(input) naming the file and line for
    // anything malformed, and for a JSON "plan" that does not match its units.
    static ShardPlan parse(const std::string& text, const std::string& name);
    // One TSV line (as line() writes it) whose index field must be `index`; Error(input)
    // prefixed with `where` otherwise.
    static ShardUnit parse_line(const std::string& line, size_t index, const std::string& where);
    static ShardPlan load(const std::string& path);

  private:
    std::vector<ShardUnit> units_;
    std::string id_;
};

}  // namespace curcrunch::ingest
