#include "curcrunch/ingest/schema.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::ingest {
namespace {

struct SlotNames {
    Slot slot;
    const char* legacy;  // category/Name as AWS writes legacy CSV
    const char* snake;   // Athena / Parquet / CUR 2.0 name
    const char* focus;   // FOCUS column
    const char* alt_snake = nullptr;
};

// Candidate names per slot. Matching is case-insensitive; the first present candidate wins.
const SlotNames kNames[] = {
    {kPayer, "bill/PayerAccountId", "bill_payer_account_id", "BillingAccountId"},
    {kUsageAccount, "lineItem/UsageAccountId", "line_item_usage_account_id", "SubAccountId"},
    {kBillingPeriodStart, "bill/BillingPeriodStartDate", "bill_billing_period_start_date",
     "BillingPeriodStart"},
    {kUsageStart, "lineItem/UsageStartDate", "line_item_usage_start_date", "ChargePeriodStart"},
    {kProductCode, "lineItem/ProductCode", "line_item_product_code", "x_ServiceCode"},
    {kProductName, "product/ProductName", "product_product_name", "ServiceName"},
    {kUsageType, "lineItem/UsageType", "line_item_usage_type", "x_UsageType"},
    {kOperation, "lineItem/Operation", "line_item_operation", "x_Operation"},
    {kRegion, "product/region", "product_region", "RegionId", "product_region_code"},
    {kLineItemType, "lineItem/LineItemType", "line_item_line_item_type", nullptr},
    {kPricingTerm, "pricing/term", "pricing_term", nullptr},
    {kCurrency, "lineItem/CurrencyCode", "line_item_currency_code", "BillingCurrency"},
    {kDescription, "lineItem/LineItemDescription", "line_item_line_item_description",
     "ChargeDescription"},
    {kUnit, "pricing/unit", "pricing_unit", "PricingUnit"},
    {kUnblendedCost, "lineItem/UnblendedCost", "line_item_unblended_cost", "BilledCost"},
    {kBlendedCost, "lineItem/BlendedCost", "line_item_blended_cost", nullptr},
    {kNetUnblendedCost, "lineItem/NetUnblendedCost", "line_item_net_unblended_cost", nullptr},
    {kUsageAmount, "lineItem/UsageAmount", "line_item_usage_amount", "ConsumedQuantity"},
    {kPublicOnDemandCost, "pricing/publicOnDemandCost", "pricing_public_on_demand_cost",
     "ListCost"},
    {kRiEffectiveCost, "reservation/EffectiveCost", "reservation_effective_cost", nullptr},
    {kSpEffectiveCost, "savingsPlan/SavingsPlanEffectiveCost",
     "savings_plan_savings_plan_effective_cost", nullptr},
    {kRiUnusedAmortizedFee, "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
     "reservation_unused_amortized_upfront_fee_for_billing_period", nullptr},
    {kRiUnusedRecurringFee, "reservation/UnusedRecurringFee", "reservation_unused_recurring_fee",
     nullptr},
    {kSpTotalCommitment, "savingsPlan/TotalCommitmentToDate",
     "savings_plan_total_commitment_to_date", nullptr},
    {kSpUsedCommitment, "savingsPlan/UsedCommitment", "savings_plan_used_commitment", nullptr},
    {kReservationArn, "reservation/ReservationARN", "reservation_reservation_a_r_n", nullptr},
    {kFocusEffectiveCost, nullptr, nullptr, "EffectiveCost"},
    {kChargeCategory, nullptr, nullptr, "ChargeCategory"},
    {kChargeClass, nullptr, nullptr, "ChargeClass"},
    {kCommitmentType, nullptr, nullptr, "CommitmentDiscountType"},
    {kCommitmentStatus, nullptr, nullptr, "CommitmentDiscountStatus"},
    {kPricingCategory, nullptr, nullptr, "PricingCategory"},
    {kInvoiceId, "bill/InvoiceId", "bill_invoice_id", "InvoiceId"},
    {kBillingEntity, "bill/BillingEntity", "bill_billing_entity", nullptr},
    {kCommitmentArn, "savingsPlan/SavingsPlanARN", "savings_plan_savings_plan_a_r_n",
     "CommitmentDiscountId"},
    // The net columns are present only when the account had a discount that month (AWS CUR
    // data dictionary); absent, net equals gross.
    {kNetSpEffectiveCost, "savingsPlan/NetSavingsPlanEffectiveCost",
     "savings_plan_net_savings_plan_effective_cost", nullptr},
    {kNetSpAmortizedUpfront, "savingsPlan/NetAmortizedUpfrontCommitmentForBillingPeriod",
     "savings_plan_net_amortized_upfront_commitment_for_billing_period", nullptr},
    {kNetSpRecurring, "savingsPlan/NetRecurringCommitmentForBillingPeriod",
     "savings_plan_net_recurring_commitment_for_billing_period", nullptr},
    {kNetRiEffectiveCost, "reservation/NetEffectiveCost", "reservation_net_effective_cost",
     nullptr},
    {kNetRiUnusedAmortizedFee, "reservation/NetUnusedAmortizedUpfrontFeeForBillingPeriod",
     "reservation_net_unused_amortized_upfront_fee_for_billing_period", nullptr},
    {kNetRiUnusedRecurringFee, "reservation/NetUnusedRecurringFee",
     "reservation_net_unused_recurring_fee", nullptr},
    {kTagsJson, nullptr, "resource_tags", "Tags"},
    {kProductJson, nullptr, "product", nullptr},
    {kCostCategoryJson, nullptr, "cost_category", "x_CostCategories"},
};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

int find_column(const std::vector<std::string>& cols, const char* name) {
    if (!name) return -1;
    for (size_t i = 0; i < cols.size(); ++i)
        if (iequals(cols[i], name)) return static_cast<int>(i);
    return -1;
}

// find_column for a column the rollups read: names match case-insensitively, so two columns
// that both match (lineItem/UnblendedCost, LINEITEM/UNBLENDEDCOST) leave it unclear which holds
// the data, and the file is refused.
int find_unique_column(const std::vector<std::string>& cols, const char* name,
                       const std::string& where) {
    const int col = find_column(cols, name);
    if (col < 0) return col;
    for (size_t i = static_cast<size_t>(col) + 1; i < cols.size(); ++i)
        if (iequals(cols[i], name))
            throw_input(where + ": column '" + shown_text(cols[i]) + "' appears twice (columns " +
                        std::to_string(col + 1) + " and " + std::to_string(i + 1) +
                        "); which one holds the data is ambiguous");
    return col;
}

// The first header name written twice, as the indices of its two columns.
bool find_duplicate(const std::vector<std::string>& cols, size_t& first, size_t& second) {
    std::map<std::string_view, size_t> seen;
    for (size_t i = 0; i < cols.size(); ++i) {
        auto [it, fresh] = seen.emplace(cols[i], i);
        if (!fresh) {
            first = it->second;
            second = i;
            return true;
        }
    }
    return false;
}

char detect_delimiter(std::string_view first_line) {
    const char candidates[] = {',', '\x01', '\t', ';', '|'};
    char best = ',';
    size_t best_n = 0;
    for (char c : candidates) {
        size_t n = static_cast<size_t>(std::count(first_line.begin(), first_line.end(), c));
        if (n > best_n) {
            best = c;
            best_n = n;
        }
    }
    return best;
}

std::string printable(char c) {
    if (c == '\x01') return "\\x01";
    if (c == '\t') return "\\t";
    return std::string(1, c);
}

size_t bom_bytes(std::string_view head) {
    return head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0xEF &&
                   static_cast<unsigned char>(head[1]) == 0xBB &&
                   static_cast<unsigned char>(head[2]) == 0xBF
               ? 3
               : 0;
}

// The header's delimiter and quoting: forced by the options, else detected from its first line.
void header_format(std::string_view body, const CsvOverrides& ov, CsvFormat& f) {
    const std::string_view first_line = body.substr(0, body.find('\n'));
    f.delimiter =
        ov.delimiter >= 0 ? static_cast<char>(ov.delimiter) : detect_delimiter(first_line);
    // Hive/Athena text (\x01-delimited) has no quoting: a '"' there is a literal character.
    f.quoting = ov.quoting >= 0 ? ov.quoting != 0 : f.delimiter != '\x01';
}

// Offset just past the newline ending the first record, or 0; quotes are read exactly as
// split_record reads them (a quote opens a quoted field only at the field's start).
size_t record_end(std::string_view t, const CsvFormat& f) {
    bool in_q = false, was_quoted = false, field_empty = true;
    for (size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (in_q) {
            if (c == '"' && i + 1 < t.size() && t[i + 1] == '"')
                ++i;
            else if (c == '"')
                in_q = false;
            field_empty = false;
        } else if (c == '"' && f.quoting && field_empty && !was_quoted) {
            in_q = was_quoted = true;
        } else if (c == f.delimiter) {
            field_empty = true;
            was_quoted = false;
        } else if (c == '\n') {
            return i + 1;
        } else {
            field_empty = false;
        }
    }
    return 0;
}

}  // namespace

const char* dialect_name(Dialect d) {
    switch (d) {
        case Dialect::legacy:
            return "cur-legacy";
        case Dialect::snake:
            return "cur-athena";
        case Dialect::cur2:
            return "cur2";
        case Dialect::focus10:
            return "focus-1.0";
        case Dialect::focus12:
            return "focus-1.2";
    }
    return "?";
}

const char* slot_name(Slot s) {
    for (const auto& n : kNames)
        if (n.slot == s) return n.snake ? n.snake : n.focus;
    return "tag";
}

std::string Schema::column_name(int slot) const {
    int c = column_of_slot[static_cast<size_t>(slot)];
    return c >= 0 ? columns[static_cast<size_t>(c)]
                  : std::string(slot_name(static_cast<Slot>(slot)));
}

size_t split_record(std::string_view t, char delim, bool quoting, std::vector<std::string>& out,
                    uint64_t* lines) {
    out.clear();
    std::string cur;
    bool in_q = false, was_quoted = false;
    uint64_t nl = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        if (in_q) {
            if (c == '"') {
                if (i + 1 < t.size() && t[i + 1] == '"') {
                    cur += '"';
                    ++i;
                } else {
                    in_q = false;
                }
            } else {
                if (c == '\n') ++nl;
                cur += c;
            }
        } else if (c == '"' && quoting && cur.empty() && !was_quoted) {
            in_q = was_quoted = true;
        } else if (c == delim) {
            out.push_back(std::move(cur));
            cur.clear();
            was_quoted = false;
        } else if (c == '\n') {
            if (!cur.empty() && cur.back() == '\r' && !was_quoted) cur.pop_back();
            out.push_back(std::move(cur));
            if (lines) *lines = nl + 1;
            return i + 1;
        } else {
            cur += c;
        }
    }
    return 0;
}

std::string normalize_tag_key(std::string_view raw) {
    if (istarts_with(raw, "resourceTags/"))
        raw.remove_prefix(13);
    else if (istarts_with(raw, "resource_tags_"))
        raw.remove_prefix(14);
    // Split camelCase the way Athena names legacy tag columns (CostCenter -> cost_center).
    // Letters beyond ASCII (AWS tag keys may hold any Unicode letter) are kept as they are:
    // dropping them made every key written in Japanese one key, "user". They are not
    // case-folded (that would need Unicode's tables), so "Équipe" and "équipe" stay two keys.
    // A key that is not UTF-8 (a header in Latin-1) keeps only its ASCII letters and digits, as
    // before: its other bytes would make the store's JSON invalid.
    const bool utf8 = simdjson::validate_utf8(raw.data(), raw.size());
    std::string out;
    out.reserve(raw.size() + 4);
    for (size_t i = 0; i < raw.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(raw[i]);
        if (c >= 0x80 && utf8) {
            out += static_cast<char>(c);  // a UTF-8 sequence's bytes, in order
        } else if (std::isalnum(c)) {
            if (std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(raw[i - 1])) &&
                !out.empty() && out.back() != '_')
                out += '_';
            out += static_cast<char>(std::tolower(c));
        } else if (!out.empty() && out.back() != '_') {
            out += '_';
        }
    }
    while (!out.empty() && out.back() == '_')
        out.pop_back();
    if (out.rfind("user_", 0) == 0) out.erase(0, 5);
    return out;
}

std::string normalize_cost_category_key(std::string_view raw) {
    if (istarts_with(raw, "costCategory/"))
        raw.remove_prefix(13);
    else if (istarts_with(raw, "cost_category_"))
        raw.remove_prefix(14);
    std::string k = normalize_tag_key(raw);
    return k.empty() ? k : kCostCategoryPrefix + k;
}

namespace {

// A header with the cost or start column of more than one dialect (lineItem/UnblendedCost
// beside line_item_unblended_cost or BilledCost): which one holds the data is as ambiguous as a
// column named twice, and the first dialect found used to win without a word.
void refuse_mixed_dialects(const std::vector<std::string>& cols, const std::string& where) {
    static const char* const kMarkers[][2] = {
        {"lineItem/UnblendedCost", "lineItem/UsageStartDate"},
        {"line_item_unblended_cost", "line_item_usage_start_date"},
        {"BilledCost", "ChargePeriodStart"},
    };
    std::vector<std::string> found;
    for (const auto& family : kMarkers)
        for (const char* name : family) {
            const int col = find_column(cols, name);
            if (col < 0) continue;
            found.push_back("'" + shown_text(cols[static_cast<size_t>(col)]) + "' (column " +
                            std::to_string(col + 1) + ")");
            break;  // one name per dialect is enough to show it
        }
    if (found.size() < 2) return;
    std::string list;
    for (size_t i = 0; i < found.size(); ++i)
        list += (i == 0 ? "" : i + 1 == found.size() ? " and " : ", ") + found[i];
    throw_input(where + ": the header mixes dialects: " + list +
                " belong to different exports; which one holds the data is ambiguous");
}

}  // namespace

void resolve_columns(Schema& s, const std::string& where) {
    if (s.columns.size() > kMaxColumns)
        throw_input(where + ": header has " + std::to_string(s.columns.size()) +
                    " columns; at most " + std::to_string(kMaxColumns) + " are read");
    size_t dup_a = 0, dup_b = 0;
    if (find_duplicate(s.columns, dup_a, dup_b))
        throw_input(where + ": column '" + shown_text(s.columns[dup_b]) +
                    "' appears twice (columns " + std::to_string(dup_a + 1) + " and " +
                    std::to_string(dup_b + 1) + "); which one holds the data is ambiguous");
    auto has = [&](const char* n) { return find_column(s.columns, n) >= 0; };
    refuse_mixed_dialects(s.columns, where);
    bool legacy = std::any_of(s.columns.begin(), s.columns.end(),
                              [](const std::string& c) { return istarts_with(c, "lineItem/"); });
    if (legacy) {
        s.dialect = Dialect::legacy;
    } else if (has("line_item_unblended_cost") || has("line_item_usage_start_date")) {
        s.dialect = (has("resource_tags") || has("bill_payer_account_name") || has("product"))
                        ? Dialect::cur2
                        : Dialect::snake;
    } else if (has("BilledCost") || has("ChargePeriodStart")) {
        s.dialect = (has("InvoiceId") || has("SkuMeter")) ? Dialect::focus12 : Dialect::focus10;
    } else {
        std::string shown;
        for (size_t i = 0; i < s.columns.size() && i < 4; ++i)
            shown += (i ? ", " : "") + shown_text(s.columns[i], 60);
        throw_input(where +
                    ": unknown dialect: the header has none of "
                    "lineItem/UnblendedCost (legacy CUR), line_item_unblended_cost (CUR 2.0 / "
                    "Athena) or BilledCost (FOCUS); it starts with: " +
                    shown);
    }
    const bool focus = s.dialect == Dialect::focus10 || s.dialect == Dialect::focus12;
    s.column_of_slot.assign(kFixedSlots, -1);
    s.slot_of_column.assign(s.columns.size(), -1);
    for (const auto& n : kNames) {
        int col = -1;
        if (s.dialect == Dialect::legacy)
            col = find_unique_column(s.columns, n.legacy, where);
        else if (focus)
            col = find_unique_column(s.columns, n.focus, where);
        else {
            col = find_unique_column(s.columns, n.snake, where);
            if (col < 0) col = find_unique_column(s.columns, n.alt_snake, where);
        }
        if (focus && col < 0 && n.slot == kUsageType)
            col = find_unique_column(s.columns, "SkuMeter", where);
        if (col >= 0) {
            s.column_of_slot[n.slot] = col;
            s.slot_of_column[static_cast<size_t>(col)] = n.slot;
        }
    }
    if (s.dialect == Dialect::legacy && s.column_of_slot[kRegion] < 0) {
        int col = find_unique_column(s.columns, "product/regionCode", where);
        if (col >= 0) {
            s.column_of_slot[kRegion] = col;
            s.slot_of_column[static_cast<size_t>(col)] = kRegion;
        }
    }
    // One slot per tag or cost category column (legacy resourceTags/..., costCategory/...;
    // Athena resource_tags_..., cost_category_...).
    if (!focus) {
        const bool legacy_names = s.dialect == Dialect::legacy;
        // Each key's first slot, by key: comparing every key with all before it was quadratic
        // in the columns (a 70,000-column header took 12 s here before its first row).
        std::map<std::string, size_t> first_of_key;
        for (size_t i = 0; i < s.columns.size(); ++i) {
            const std::string& c = s.columns[i];
            std::string key;
            if (istarts_with(c, legacy_names ? "resourceTags/" : "resource_tags_"))
                key = normalize_tag_key(c);
            else if (istarts_with(c, legacy_names ? "costCategory/" : "cost_category_"))
                key = normalize_cost_category_key(c);
            else
                continue;
            if (key.empty()) continue;
            // Spellings of one key (user:Team and user:team, CostCenter and cost-center) share
            // it: a row counts its first non-empty value. Said, since the other is not counted.
            const auto [first, fresh] = first_of_key.emplace(key, s.tag_keys.size());
            if (!fresh)
                log::warn(where + ": columns '" +
                          shown_text(s.columns[static_cast<size_t>(
                              s.column_of_slot[kFixedSlots + first->second])]) +
                          "' and '" + shown_text(c) + "' are one key '" + shown_text(key) +
                          "'; a row counts the first of them that is not empty");
            s.slot_of_column[i] = static_cast<int32_t>(s.column_of_slot.size());
            s.column_of_slot.push_back(static_cast<int32_t>(i));
            s.tag_keys.push_back(std::move(key));
        }
    }
    std::string missing;
    if (s.column_of_slot[kUnblendedCost] < 0)
        missing += focus                          ? "BilledCost"
                   : s.dialect == Dialect::legacy ? "lineItem/UnblendedCost"
                                                  : "line_item_unblended_cost";
    if (s.column_of_slot[kUsageStart] < 0)
        missing += std::string(missing.empty() ? "" : ", ") + (focus ? "ChargePeriodStart"
                                                               : s.dialect == Dialect::legacy
                                                                   ? "lineItem/UsageStartDate"
                                                                   : "line_item_usage_start_date");
    if (!missing.empty())
        throw_input(where + ": " + dialect_name(s.dialect) +
                    " header lacks required column(s): " + missing);
}

size_t header_record_bytes(std::string_view head, const CsvOverrides& ov) {
    const size_t bom = bom_bytes(head);
    const std::string_view body = head.substr(bom);
    CsvFormat f;
    header_format(body, ov, f);
    const size_t end = record_end(body, f);
    return end ? bom + end : 0;
}

namespace {

// Text that is another format's bytes, mostly a file compressed twice or a Parquet file put in
// gzip or zip: said as such, not as a header of binary column names.
void refuse_binary_head(std::string_view body, const std::string& source) {
    const auto starts = [&](std::string_view magic) {
        return body.substr(0, magic.size()) == magic;
    };
    std::string what;
    if (starts("PAR1"))
        what =
            "a Parquet file in compression of its own (Parquet compresses its pages): decompress "
            "it and ingest the .parquet file";
    else if (starts("\x1f\x8b"))
        what = "gzip data (compressed twice): decompress it once, then ingest it";
    else if (starts(std::string_view("PK\x03\x04", 4)))
        what = "a zip archive (compressed twice): ingest the archive itself";
    else if (body.substr(0, std::min(body.find('\n'), size_t(4096))).find('\0') !=
             std::string_view::npos)
        what = "binary data (a NUL byte in the first line)";
    if (!what.empty()) throw_input(source + ": line 1: not CSV text but " + what);
}

// Line ends of CR alone (classic Mac OS): the reader splits records at LF, so such a file
// would read as one header line of every row's fields, refused for some other reason (a
// duplicate column) that names none of the cause.
void refuse_cr_line_ends(std::string_view body, const std::string& source) {
    const std::string_view first_line = body.substr(0, body.find('\n'));
    const size_t cr = first_line.find('\r');
    if (cr != std::string_view::npos && cr + 1 < first_line.size())
        throw_input(source +
                    ": line 1: lines end in CR alone (old Mac OS line ends); only LF and CRLF "
                    "are read: convert the file (e.g. tr '\\r' '\\n')");
}

}  // namespace

Schema resolve_schema(std::string_view head, const CsvOverrides& ov, const std::string& source,
                      bool at_end) {
    Schema s;
    const size_t bom = bom_bytes(head);
    std::string_view body = head.substr(bom);
    if (body.empty()) throw_input(source + ": empty file (no header line)");
    refuse_binary_head(body, source);
    refuse_cr_line_ends(body, source);
    header_format(body, ov, s.format);
    size_t end = record_end(body, s.format);
    if (end > kMaxHeaderBytes || (end == 0 && (!at_end || body.size() > kMaxHeaderBytes)))
        throw_input(source + ": line 1: header record longer than " +
                    std::to_string(kMaxHeaderBytes >> 20) +
                    " MiB (an unterminated quote, or not a billing export)");
    // Only the header record is copied; a header-only file may lack its final newline.
    std::string record(body.substr(0, end ? end : body.size()));
    if (end == 0) record += '\n';
    size_t used =
        split_record(record, s.format.delimiter, s.format.quoting, s.columns, &s.header_lines);
    if (used == 0) throw_input(source + ": line 1: header record is not terminated");
    s.header_bytes = bom + (end ? end : body.size());
    if (s.columns.size() < 2)
        throw_input(source + ": line 1: header has " + std::to_string(s.columns.size()) +
                    " column(s) with delimiter '" + printable(s.format.delimiter) +
                    "'; not a billing export");

    resolve_columns(s, source + ": line 1");
    const bool focus = s.dialect == Dialect::focus10 || s.dialect == Dialect::focus12;
    if (ov.has_null_token)
        s.format.null_token = ov.null_token;
    else if (s.format.delimiter == '\x01')
        s.format.null_token = "\\N";
    else if (focus)
        s.format.null_token = "NULL";

    return s;
}

}  // namespace curcrunch::ingest
