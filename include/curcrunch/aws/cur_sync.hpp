#pragma once
// CUR discovery and download (reference: cur-formats.md §1-2): under a report's S3 prefix, find
// the newest manifest of each billing period — legacy <root>/<yyyymmdd-yyyymmdd>/<name>-Manifest
// .json (the top-level copy AWS overwrites on every delivery), CUR 2.0 <root>/metadata/
// BILLING_PERIOD=YYYY-MM/<name>-Manifest.json — and download it and exactly the files it lists
// into a cache that mirrors the bucket's layout. The ingest engine then reads each period through
// its local manifest. A period with any failed download is reported, never half-ingested.
#include <map>
#include <string>
#include <vector>

#include "curcrunch/aws/s3_client.hpp"
#include "curcrunch/core/calendar.hpp"

namespace curcrunch::aws {

struct SyncedPeriod {
    Period period = 0;
    std::string manifest_key;
    std::string local_manifest;  // path in the cache, for ingest::plan_inputs
    int files = 0, downloaded = 0, unchanged = 0;
    // The files this sync wrote (not the unchanged ones), by their path in the cache.
    std::map<std::string, DownloadedFile> written;
    bool ok = false;
    bool manifest_changed = true;  // false: the cached manifest already had this text
    std::string error;             // why the period is incomplete
};

// A period's newest manifest and the objects it lists, found by discover_cur.
struct CurPeriodPlan {
    Period period = 0;
    std::string manifest_key, manifest_text;
    std::string manifest_etag;  // as listed, with its quotes
    std::vector<S3Object> files;
    std::string error;  // set: the manifest could not be read or names a missing file
};

// Periods in [from, to] (yyyymm, inclusive) found under s3://bucket/root/, oldest first.
// Error(input) naming what was listed when the listing holds no manifest of any month (a wrong
// prefix); a warning when it holds some, none of them in [from, to].
std::vector<CurPeriodPlan> discover_cur(S3Client& s3, const std::string& bucket,
                                        const std::string& root, Period from, Period to);
// Downloads a period's files, one worker thread per client (each client has its own
// connection; they share the run's rate limits and breakers), then writes the local manifest
// — last, so a cache with a manifest has all of its files.
SyncedPeriod download_period(const std::vector<S3Client*>& clients, const std::string& bucket,
                             const CurPeriodPlan& plan, const std::string& cache_dir);

// discover_cur + download_period with one client.
std::vector<SyncedPeriod> sync_cur(S3Client& s3, const std::string& bucket, const std::string& root,
                                   const std::string& cache_dir, Period from, Period to);

}  // namespace curcrunch::aws
