#pragma once
// One internal schema for three export dialects (reference: cur-formats.md §5). A file's header
// is resolved by name into "slots": the columns the rollups need. Columns absent from a file are
// normal (the legacy schema drifts month to month) and read as null; only a cost column and a
// usage-start column are required.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/ingest/csv_format.hpp"

namespace curcrunch::ingest {

enum class Dialect : uint8_t { legacy, snake, cur2, focus10, focus12 };
const char* dialect_name(Dialect d);

// Slots and column indices are int32: a header may have up to kMaxColumns columns, each tag
// column its own slot (int16 would wrap past 32,767 and let a tag column overwrite the cost).
enum Slot : int32_t {
    kPayer,
    kUsageAccount,
    kBillingPeriodStart,
    kUsageStart,
    kProductCode,
    kProductName,
    kUsageType,
    kOperation,
    kRegion,
    kLineItemType,
    kPricingTerm,
    kCurrency,
    kDescription,
    kUnit,
    kUnblendedCost,
    kBlendedCost,
    kNetUnblendedCost,
    kUsageAmount,
    kPublicOnDemandCost,
    kRiEffectiveCost,
    kSpEffectiveCost,
    kRiUnusedAmortizedFee,
    kRiUnusedRecurringFee,
    kSpTotalCommitment,
    kSpUsedCommitment,
    kReservationArn,
    kFocusEffectiveCost,
    kChargeCategory,
    kChargeClass,
    kCommitmentType,
    kCommitmentStatus,
    kPricingCategory,
    // Store v6: coverage, billing entity, commitment owner and the net amortized measure.
    kInvoiceId,      // blank until AWS finalizes the month's bill
    kBillingEntity,  // "AWS", "AWS Marketplace" (no FOCUS column)
    kCommitmentArn,  // Savings Plan ARN (legacy, Athena) / FOCUS CommitmentDiscountId
    kNetSpEffectiveCost,
    kNetSpAmortizedUpfront,
    kNetSpRecurring,
    kNetRiEffectiveCost,
    kNetRiUnusedAmortizedFee,
    kNetRiUnusedRecurringFee,
    kTagsJson,          // CUR 2.0 resource_tags / FOCUS Tags: a JSON object in one field
    kProductJson,       // CUR 2.0 product map (product_name, region when not promoted)
    kCostCategoryJson,  // CUR 2.0 cost_category / FOCUS 1.0 x_CostCategories map
    kFixedSlots,        // tag columns follow: slot kFixedSlots + i is tag_keys[i]
};
const char* slot_name(Slot s);

// Limits on a header, so a hostile header cannot take unbounded memory per worker thread (each
// column costs a few words in the schema, the scanner's tables and every row decoder). AWS
// writes a few hundred columns; these are far beyond any real export.
inline constexpr size_t kMaxColumns = 100000;
inline constexpr size_t kMaxHeaderBytes = 16u << 20;  // 16 MiB

// The parsed header of one file and what each column means.
struct Schema {
    Dialect dialect = Dialect::legacy;
    CsvFormat format;
    std::vector<std::string> columns;     // header names as written
    std::vector<int32_t> slot_of_column;  // per column: slot or -1
    std::vector<int32_t> column_of_slot;  // per slot: column index or -1
    std::vector<std::string> tag_keys;    // normalized key of tag slot kFixedSlots + i
    size_t header_bytes = 0;              // bytes of BOM + header record incl. its newline
    uint64_t header_lines = 1;            // physical lines the header record spans

    size_t slot_count() const { return column_of_slot.size(); }
    bool has(int slot) const { return column_of_slot[static_cast<size_t>(slot)] >= 0; }
    std::string column_name(int slot) const;
};

// Parses the first record of `head` and resolves the dialect. `head` holds the start of the
// stream: its whole first record, or kMaxHeaderBytes or more of it, or (`at_end`) the whole
// stream. Throws Error(input) naming `source` for unknown dialects, missing required columns,
// duplicate column names, a header longer than kMaxHeaderBytes or wider than kMaxColumns, a
// malformed header, or an empty stream.
Schema resolve_schema(std::string_view head, const CsvOverrides& overrides,
                      const std::string& source, bool at_end = true);

// Bytes of BOM + header record + its newline at the start of `head`, or 0 while the record is
// not complete in `head` (it is then longer, or the stream ends without a newline).
size_t header_record_bytes(std::string_view head, const CsvOverrides& overrides);

// Resolves the dialect and the slots of s.columns (the names are known, as in a Parquet
// schema); s.format is left alone. Errors are Error(input) prefixed with `where`
// ("file: line 1", "file: schema").
void resolve_columns(Schema& s, const std::string& where);

// Splits one CSV record (the header) honouring quotes; returns bytes consumed incl. newline,
// or 0 when the record is not complete within `text`.
size_t split_record(std::string_view text, char delimiter, bool quoting,
                    std::vector<std::string>& fields, uint64_t* lines = nullptr);

// "resourceTags/user:CostCenter", "resource_tags_user_cost_center" and the CUR 2.0 map key
// "user_cost_center" all become "cost_center"; AWS-generated tags keep an "aws_" prefix.
std::string normalize_tag_key(std::string_view raw);

// Cost categories share the tag rollup under this key prefix: legacy "costCategory/Team Unit",
// Athena "cost_category_team_unit" and the CUR 2.0 / FOCUS map key "Team Unit" all become
// "cost_category/team_unit". They are not user tags (see RowKeyIndex::Groups::tagged).
inline constexpr const char* kCostCategoryPrefix = "cost_category/";
std::string normalize_cost_category_key(std::string_view raw);
inline bool is_user_tag_key(std::string_view k) {
    return k.rfind("aws_", 0) != 0 && k.rfind(kCostCategoryPrefix, 0) != 0;
}

}  // namespace curcrunch::ingest
