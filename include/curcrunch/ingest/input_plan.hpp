#pragma once
// Turns command-line paths into the list of files to read. Directories are walked recursively.
// A directory in the S3 layout of a CUR export is read through its newest manifest only:
//   legacy: <report>/<yyyymmdd-yyyymmdd>/<report>-Manifest.json  (assemblyId + reportKeys)
//   CUR 2.0: <export>/metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json  (dataFiles)
// Data files under such a report folder that the chosen manifest does not list (older
// assemblies) are not read; the period is taken from the manifest, not from the rows.
// Other data files take their period from a partition folder on their path when there is one
// (CUR 2.0 BILLING_PERIOD=YYYY-MM, the legacy Athena layout's year=YYYY/month=M), else from
// their rows. Files under cost_and_usage_data_status/ (Athena's status table) are not data.
#include <string>
#include <vector>

#include "curcrunch/core/calendar.hpp"

namespace curcrunch::ingest {

struct InputUnit {
    std::string path;         // data file
    Period period = 0;        // > 0: from a manifest, overrides the rows' billing period
    std::string manifest;     // manifest path when read through one
    std::string assembly_id;  // legacy assemblyId or CUR 2.0 executionId
    std::string account;      // the manifest's "account": payer of rows that name none
};

std::vector<InputUnit> plan_inputs(const std::vector<std::string>& paths);

// Reads one manifest file (either layout) into units. Throws Error(input) when it is malformed
// or lists files that are not on disk.
std::vector<InputUnit> read_manifest(const std::string& manifest_path);

}  // namespace curcrunch::ingest
