#pragma once
// Usage measurements as `meters ingest` reads them: a uid, the usage account, the instant, the
// meter and one value per field of that meter. A file's measurements live in one batch: fixed
// size records plus flat arrays of values and text, so parsing a million lines does not make
// millions of small allocations.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/meter_values.hpp"

namespace curcrunch::billing {

// The meters and usage accounts of a configuration, indexed for the parser.
class MeterCatalog {
  public:
    explicit MeterCatalog(const BillingConfig& c);
    int meter_index(std::string_view id) const;    // -1: unknown
    int account_index(std::string_view id) const;  // -1: not a subscribed usage account
    const Meter& meter(int i) const { return *meters_[static_cast<size_t>(i)]; }
    const std::string& account(int i) const { return accounts_[static_cast<size_t>(i)]; }
    size_t meter_count() const { return meters_.size(); }
    size_t account_count() const { return accounts_.size(); }

  private:
    std::vector<const Meter*> meters_;
    std::vector<std::string> accounts_;
    std::unordered_map<std::string_view, int> meter_ix_, account_ix_;
};

// An integer or decimal field's value (10^-10 units), or a string field's place in the batch's
// text (offset in the low 32 bits, length in the next 32): a field has one type, and a record
// of 16 bytes keeps the memory a large ingest touches small.
struct FieldValue {
    Amount number = 0;
    uint32_t text_offset() const { return static_cast<uint32_t>(static_cast<uint64_t>(number)); }
    uint32_t text_length() const {
        return static_cast<uint32_t>(static_cast<uint64_t>(number) >> 32);
    }
    void set_text(uint32_t offset, uint32_t length) {
        number = static_cast<Amount>((static_cast<uint64_t>(length) << 32) | offset);
    }
};

struct Measurement {
    uint64_t uid_hash = 0, uid_hash2 = 0;  // two independent stable hashes of the uid
    uint64_t content = 0;                  // stable_hash64 of account, meter, instant and values
    Micros at = 0;
    uint32_t uid_offset = 0, uid_length = 0;
    uint32_t first_value = 0;  // index into the batch's values; the meter's field count follow
    int32_t meter = 0, account = 0;
    uint32_t line = 0;  // 1-based line of the source file where the record starts
};

struct MeasurementBatch {
    std::string source;  // the file name messages use
    std::vector<Measurement> rows;
    std::vector<FieldValue> values;
    std::string text;  // uids and string values

    std::string_view uid(const Measurement& m) const {
        return std::string_view(text).substr(m.uid_offset, m.uid_length);
    }
    std::string_view text_of(const FieldValue& v) const {
        return std::string_view(text).substr(v.text_offset(), v.text_length());
    }
};

struct MeterProblem {
    std::string source;
    uint64_t line = 0;
    std::string field;  // "" when about the whole line
    std::string message;
    std::string text() const;  // "file:line: field 'x': message"
};

struct MeterParseLimits {
    Micros earliest = 0;  // timestamps before this are out of range
    Micros latest = 0;    // ... and from this on
    size_t max_problems = 100;
};

// Parses a whole meter file (JSON lines, or CSV with a header uid,account,timestamp,meter,
// <fields...>; chosen by extension: .csv is CSV, anything else JSON lines). Bad records are
// listed in `problems` (at most max_problems, counted in `bad_rows`) and left out of `out`.
void parse_meter_file(std::string_view bytes, const MeterCatalog& catalog,
                      const MeterParseLimits& limits, MeasurementBatch& out,
                      std::vector<MeterProblem>& problems, uint64_t& bad_rows);
// A run of whole lines of a JSON lines file, the first being line `first_line` (so a large
// file can be parsed in parallel pieces).
void parse_meter_json_lines(std::string_view lines, uint32_t first_line,
                            const MeterCatalog& catalog, const MeterParseLimits& limits,
                            MeasurementBatch& out, std::vector<MeterProblem>& problems,
                            uint64_t& bad_rows);
bool is_csv_name(const std::string& name);

}  // namespace curcrunch::billing
