#pragma once
// Which S3 object each CUR data file read by an ingest of `fetch` was (schema v4, table
// fetched_file; invariants in store/schema.cpp): its path relative to the fetch cache root, its
// ETag and its size. `fetch` compares a period's files with these to skip a period that did not
// change — also after the store and its cache were moved together.
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

// What the store's copy of a billing period was ingested from.
struct PeriodSources {
    int64_t ingest_id = 0;                 // 0: the period is not in the store
    std::set<FetchedFile> fetched;         // empty: not ingested by fetch (or before schema v4)
    std::set<std::string> ingested_paths;  // ingest_source.path, as that ingest opened them
};

PeriodSources period_sources(Database& db, Period period);
// Records the files `ingest_id` read, in one transaction.
void record_fetched_files(Database& db, int64_t ingest_id, const std::vector<FetchedFile>& files);

}  // namespace curcrunch::store
