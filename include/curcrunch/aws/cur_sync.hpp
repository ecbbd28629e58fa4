#pragma once
// CUR discovery and download (reference: cur-formats.md §1-2): under a report's S3 prefix, find
// the newest manifest of each billing period — legacy <root>/<yyyymmdd-yyyymmdd>/<name>-Manifest
// .json (the top-level copy AWS overwrites on every delivery), CUR 2.0 <root>/metadata/
// BILLING_PERIOD=YYYY-MM/<name>-Manifest.json — and download it and exactly the files it lists
// into a cache that mirrors the bucket's layout. The ingest engine then reads each period through
// its local manifest. A period with any failed download is reported, never half-ingested.
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
    bool ok = false;
    std::string error;  // why the period is incomplete
};

// Periods in [from, to] (yyyymm, inclusive) found under s3://bucket/root/.
std::vector<SyncedPeriod> sync_cur(S3Client& s3, const std::string& bucket, const std::string& root,
                                   const std::string& cache_dir, Period from, Period to);

}  // namespace curcrunch::aws
