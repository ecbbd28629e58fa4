#pragma once
// What one value of a leaf column means: its text, or its exact amount, according to the
// leaf's physical and logical type. Used per dictionary entry (once per chunk) and per plain
// value.
#include <cstddef>
#include <string>

#include "curcrunch/core/money.hpp"
#include "curcrunch/ingest/parquet/plain.hpp"
#include "curcrunch/ingest/parquet/schema_tree.hpp"

namespace curcrunch::ingest::parquet {

// How a leaf's values become text.
enum class TextAs : uint8_t {
    text,
    // Timestamps render as their UTC day ("2024-09-18"): the ingest only needs the day, and one
    // text per day lets rows of the same day share a code.
    day,
    // An AWS account id: twelve digits, leading zeros included. A writer that typed the column
    // as a number (pandas, a spreadsheet's export) dropped them: 010000000000 arrives as
    // 10000000000 and, rendered as it is, would be another payer than the same account's rows
    // from a CSV export. Numbers are padded back to twelve digits; a number that cannot be an
    // id (negative, fractional, past twelve digits) is a bad value.
    account_id,
};

class LeafValues {
  public:
    LeafValues(const LeafColumn& leaf, TextAs as);

    // Appends the text of value i of `run` to out. False (with `why` set) when the value
    // cannot be text (a byte array that is not UTF-8).
    bool text(const ValueRun& run, size_t i, std::string& out, std::string& why) const;
    // The exact amount of value i. False (with `why` set) when it is not a number or out of
    // range; `why` never quotes binary bytes.
    bool amount(const ValueRun& run, size_t i, Amount& out, std::string& why) const;

    // Whether values are numbers (a JSON map renders them unquoted).
    bool numeric() const;
    // Whether this leaf can hold amounts at all (else the column is refused up front, with
    // `why` finishing "column 'x' ...": "is a DATE column; it cannot hold an amount").
    bool can_hold_amounts(std::string& why) const;

  private:
    bool is_number_type() const;
    bool account_text(const ValueRun& run, size_t i, std::string& out, std::string& why) const;
    const SchemaElement& e_;
    TextAs as_;
    uint32_t width_;
};

}  // namespace curcrunch::ingest::parquet
