#pragma once
// Deterministic synthetic CUR data: several payers and linked accounts, ~30 services with
// realistic usage types, regions and operations, hourly (or daily) rows, Usage, DiscountedUsage
// and RIFee, SavingsPlanCoveredUsage with its SavingsPlanNegation and the plan's hourly (daily)
// SavingsPlanRecurringFee, Tax, Credit, Refund and a monthly support Fee, tags, seasonal trends
// and a few spikes, and an AWS Marketplace subscription — billed as AWS bills them, so totals
// are real (src/gen/commitments.cpp). Months AWS would have finalized by `today` carry invoice
// ids (one per payer and billing entity), later ones none.
// The same seed gives the same rows in every dialect: the rollups of legacy CUR and CUR 2.0 are
// identical, FOCUS's hold the same amounts (it folds negations into covered usage, as AWS does).
#include <cstdint>
#include <string>

#include "curcrunch/core/calendar.hpp"

namespace curcrunch::gen {

enum class OutDialect { legacy, cur2, focus };
// csv: the dialect's CSV (optionally gzip); parquet: CUR 2.0 as AWS writes it in Parquet
// (gen/cur2_parquet.hpp), snappy-compressed unless parquet_snappy is false.
enum class OutFormat { csv, parquet };

struct GenOptions {
    OutDialect dialect = OutDialect::legacy;
    Period start = 202401;
    int months = 12;
    uint64_t seed = 1;
    int payers = 2;
    // Payer account ids are a fixed function of the payer's number; exports made with distinct
    // ranges of numbers (first_payer .. first_payer + payers - 1) hold distinct payers.
    int first_payer = 0;
    int accounts_per_payer = 3;
    int resources_per_account = 12;  // hourly series per account
    int fleet = 1;                   // line items per series and hour (instances of a fleet)
    bool hourly = true;
    Day today = 0;              // 0: today (UTC); decides which months are final (have invoice ids)
    uint64_t target_bytes = 0;  // > 0: choose the fleet size to reach about this size
    OutFormat format = OutFormat::csv;
    bool parquet_snappy = true;
    bool gzip = false;
    int gzip_level = 6;
    // Output: a single file, or (layout = true) a directory in the S3 layout with a manifest
    // per month (legacy: <report>/<yyyymmdd-yyyymmdd>/..., cur2: <export>/data|metadata/...).
    std::string out;
    bool layout = false;
    std::string report_name = "curcrunch-sample";
};

struct GenStats {
    uint64_t rows = 0;
    uint64_t bytes = 0;  // uncompressed (for Parquet: the same rows as CSV)
    int files = 0;
};

GenStats generate(const GenOptions& opts);
bool parse_out_dialect(const std::string& s, OutDialect& out);
bool parse_out_format(const std::string& s, OutFormat& out);

}  // namespace curcrunch::gen
