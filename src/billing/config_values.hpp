#pragma once
// Reading typed values out of a JsonNode object with JSON-path errors; used by config_load.cpp.
// Private to src/billing.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/billing/json_tree.hpp"
#include "curcrunch/core/calendar.hpp"

namespace curcrunch::billing::detail {

// One JSON object being read. Every key read is marked; finish() refuses the others.
class ObjectReader {
  public:
    ObjectReader(const std::string& file, const JsonNode& node);
    [[noreturn]] void fail(const JsonNode& at, const std::string& why) const;
    [[noreturn]] void fail_key(const std::string& key, const std::string& why) const;

    const JsonNode* optional(const std::string& key);
    const JsonNode& required(const std::string& key);
    std::string string(const std::string& key, bool required, const std::string& fallback = "");
    // An identifier: 1..128 of [A-Za-z0-9 _ . : @ + = -].
    std::string id(const std::string& key);
    bool flag(const std::string& key, bool fallback);
    // An exact decimal (a JSON number or a string holding one), at most 10 fraction digits.
    std::optional<Amount> decimal(const std::string& key, bool required);
    // A decimal that must also be >= lo (and <= hi when given).
    std::optional<Amount> decimal_in(const std::string& key, bool required, Amount lo,
                                     std::optional<Amount> hi);
    std::optional<Period> month(const std::string& key, bool required);
    std::optional<Day> date(const std::string& key, bool required);
    std::vector<std::string> strings(const std::string& key, bool required);
    // Calls `each` for every element of the array at `key` (absent: nothing).
    void array(const std::string& key, bool required,
               const std::function<void(const JsonNode&)>& each);
    void finish() const;

    const std::string& file() const { return file_; }
    const JsonNode& node() const { return node_; }
    std::string path_of(const std::string& key) const { return node_.path + "." + key; }

  private:
    const std::string& file_;
    const JsonNode& node_;
    std::set<std::string> seen_;
};

// Input quoted in a message: '<text>' through shown_text (no control or invisible characters).
std::string shown_quoted(std::string_view s);

// Value checks shared with the meter file reader.
bool is_identifier(std::string_view s);
bool is_account_id(std::string_view s);  // 12 digits

}  // namespace curcrunch::billing::detail
