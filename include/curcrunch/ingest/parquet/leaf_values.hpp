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

class LeafValues {
  public:
    // day_only: timestamps render as their UTC day ("2024-09-18"); the ingest only needs the
    // day, and one text per day lets rows of the same day share a code.
    LeafValues(const LeafColumn& leaf, bool day_only);

    // Appends the text of value i of `run` to out. False (with `why` set) when the value
    // cannot be text (a byte array that is not UTF-8).
    bool text(const ValueRun& run, size_t i, std::string& out, std::string& why) const;
    // The exact amount of value i. False (with `why` set) when it is not a number or out of
    // range; `why` never quotes binary bytes.
    bool amount(const ValueRun& run, size_t i, Amount& out, std::string& why) const;

    // Whether values are numbers (a JSON map renders them unquoted).
    bool numeric() const;
    // Whether this leaf can hold amounts at all (else the column is refused up front).
    bool can_hold_amounts(std::string& why) const;

  private:
    const SchemaElement& e_;
    bool day_only_;
    uint32_t width_;
};

}  // namespace curcrunch::ingest::parquet
