#pragma once
// Which S3 object each CUR data file read by an ingest of `fetch` was (schema v4, table
// fetched_file; invariants in store/schema.cpp): its path relative to the fetch cache root, its
// ETag and its size. `fetch` compares a profile's files of a period with these to skip a
// period that did not change — also after the store and its cache were moved together.
#include <compare>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::store {

struct FetchedFile {
    std::string path;  // relative to the cache root: <profile>/<bucket>/<object key>
    std::string etag;  // as S3 lists it, quotes included
    int64_t bytes = 0;
    auto operator<=>(const FetchedFile&) const = default;
};

// What the store's copy of one profile's billing period was ingested from: the newest ingest
// behind one of the period's (payer, period) units that read files under `prefix` (the
// profile's part of the fetch cache, "<profile>/") or, for ingests recorded before
// fetched_file, whose sources lie under `absolute_prefix` (the same folder, absolute). Older
// ingests holding the profile's files are superseded by it. Its copy is whole only while every
// unit its files under the prefix fed (ingest_source_unit) still comes from it; an ingest that
// predates ingest_source_unit (an upgraded store) counts as whole while it is behind any unit.
struct PeriodSources {
    int64_t ingest_id = 0;  // 0: no such ingest, or its copy is no longer whole: not the same
    std::set<FetchedFile> fetched;         // its files under prefix; empty: none recorded
    std::set<std::string> ingested_paths;  // its ingest_source paths under absolute_prefix
};

PeriodSources period_sources(Database& db, Period period, const std::string& prefix,
                             const std::string& absolute_prefix);
// Records the files `ingest_id` read, in one transaction.
void record_fetched_files(Database& db, int64_t ingest_id, const std::vector<FetchedFile>& files);

}  // namespace curcrunch::store
