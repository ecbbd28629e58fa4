#pragma once
// A small JSON tree for configuration files, read with simdjson's On Demand parser. Unlike a
// DOM of doubles, numbers keep their exact text (billing never turns a price into binary
// floating point), object members keep their order, and a key given twice is an error instead
// of a silent override. Every node knows its JSON path ("$.customers[2].currency"), which is
// what error messages name.
#include <string>
#include <string_view>
#include <vector>

namespace curcrunch::billing {

struct JsonNode {
    enum class Kind { null, boolean, number, string, array, object };
    Kind kind = Kind::null;
    bool boolean = false;
    std::string text;               // a string's value, or a number's exact text
    std::vector<JsonNode> items;    // an array's elements
    std::vector<JsonNode> members;  // an object's members, in order, each with its key
    std::string key;                // a member's key
    std::string path;

    const JsonNode* find(std::string_view key) const;
};

// Throws Error(input) "<name>: not valid JSON (...)" or "<name>: <path>: key given twice".
// Nesting deeper than 64 levels is refused.
JsonNode parse_json_tree(std::string_view text, const std::string& name);

const char* json_kind_name(JsonNode::Kind k);

}  // namespace curcrunch::billing
