#include "curcrunch/billing/json_tree.hpp"

#include <simdjson.h>

#include <algorithm>
#include <unordered_set>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::billing {
namespace {

namespace od = simdjson::ondemand;

constexpr int kMaxDepth = 64;

// "line L, column C" of byte `offset` of `text`, both from 1; a column counts characters (UTF-8
// lead bytes), not bytes, as an editor shows it.
std::string json_tree_place(std::string_view text, size_t offset) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        const auto ch = static_cast<unsigned char>(text[i]);
        if (ch == '\n') {
            ++line;
            column = 1;
        } else if ((ch & 0xC0) != 0x80) {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// simdjson's first pass (an unclosed string, a control character in a string) gives no place.
// A string cannot hold a control character, a line break included, so the first one inside a
// string is the place; an unclosed string runs into the next line break. Else the opening
// quote of a string still open at the end; else the end.
size_t json_tree_string_fault(std::string_view text) {
    bool in_string = false, escaped = false;
    size_t opened = text.size();
    for (size_t i = 0; i < text.size(); ++i) {
        const auto ch = static_cast<unsigned char>(text[i]);
        if (!in_string) {
            if (ch == '"') {
                in_string = true;
                opened = i;
            }
        } else if (ch < 0x20) {
            return i;
        } else if (escaped) {
            escaped = false;
        } else if (ch == '\\') {
            escaped = true;
        } else if (ch == '"') {
            in_string = false;
        }
    }
    return in_string ? opened : text.size();
}

struct Builder {
    const std::string& name;
    std::string_view text;
    const char* parsed = nullptr;  // the padded copy simdjson reads, whose offsets are text's
    od::document* doc = nullptr;   // set once the first pass succeeded

    // Every syntax error names its line and column: a configuration of hundreds of customers
    // with "missing or superfluous commas" somewhere is not a usable error.
    [[noreturn]] void fail(simdjson::error_code e) const {
        size_t at = text.size();
        const char* where = nullptr;
        if (!doc)
            at = json_tree_string_fault(text);
        else if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT)  // it ended early: at the end
            at = text.size();
        else if (doc->current_location().get(where) == simdjson::SUCCESS && where)
            at = std::min(static_cast<size_t>(where - parsed), text.size());
        throw_input(name + ": " + json_tree_place(text, at) + ": not valid JSON (" +
                    simdjson::error_message(e) + ")");
    }
    [[noreturn]] void fail(const std::string& path, const std::string& why) const {
        throw_input(name + ": " + path + ": " + why);
    }

    void value(od::value v, JsonNode& out, int depth) {
        if (depth > kMaxDepth) fail(out.path, "nested deeper than 64 levels");
        od::json_type t;
        if (auto e = v.type().get(t)) fail(e);
        switch (t) {
            case od::json_type::object: {
                od::object o;
                if (auto e = v.get_object().get(o)) fail(e);
                object(o, out, depth);
                break;
            }
            case od::json_type::array: {
                od::array a;
                if (auto e = v.get_array().get(a)) fail(e);
                array(a, out, depth);
                break;
            }
            case od::json_type::number: {
                out.kind = JsonNode::Kind::number;
                std::string_view raw = v.raw_json_token();
                while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' ||
                                        raw.back() == '\r' || raw.back() == '\t'))
                    raw.remove_suffix(1);
                // Validates the token as a JSON number without using its double value.
                double ignored;
                if (auto e = v.get_double().get(ignored)) {
                    if (e != simdjson::NUMBER_OUT_OF_RANGE) fail(e);
                }
                out.text = std::string(raw);
                break;
            }
            case od::json_type::string: {
                out.kind = JsonNode::Kind::string;
                std::string_view s;
                if (auto e = v.get_string().get(s)) fail(e);
                out.text = std::string(s);
                break;
            }
            case od::json_type::boolean: {
                out.kind = JsonNode::Kind::boolean;
                if (auto e = v.get_bool().get(out.boolean)) fail(e);
                break;
            }
            case od::json_type::null: {
                bool is_null = false;
                if (auto e = v.is_null().get(is_null)) fail(e);
                if (!is_null) fail(simdjson::INCORRECT_TYPE);
                out.kind = JsonNode::Kind::null;
                break;
            }
        }
    }

    void object(od::object o, JsonNode& out, int depth) {
        out.kind = JsonNode::Kind::object;
        std::unordered_set<std::string> keys;
        for (auto field : o) {
            std::string_view key;
            if (auto e = field.unescaped_key().get(key)) fail(e);
            // A key is input: paths show it through shown_text (no control or invisible
            // characters in a message).
            const std::string shown = out.path + "." + shown_text(key, 64);
            if (!keys.emplace(key).second) fail(shown, "key given twice");
            out.members.emplace_back();
            JsonNode& child = out.members.back();
            child.key = std::string(key);
            child.path = shown;
            od::value v;
            if (auto e = field.value().get(v)) fail(e);
            value(v, child, depth + 1);
        }
    }

    void array(od::array a, JsonNode& out, int depth) {
        out.kind = JsonNode::Kind::array;
        for (auto item : a) {
            od::value v;
            if (auto e = item.get(v)) fail(e);
            out.items.emplace_back();
            JsonNode& child = out.items.back();
            child.path = out.path + "[" + std::to_string(out.items.size() - 1) + "]";
            value(v, child, depth + 1);
        }
    }
};

}  // namespace

const JsonNode* JsonNode::find(std::string_view key) const {
    for (const JsonNode& m : members)
        if (m.key == key) return &m;
    return nullptr;
}

const char* json_kind_name(JsonNode::Kind k) {
    switch (k) {
        case JsonNode::Kind::null:
            return "null";
        case JsonNode::Kind::boolean:
            return "true or false";
        case JsonNode::Kind::number:
            return "a number";
        case JsonNode::Kind::string:
            return "a string";
        case JsonNode::Kind::array:
            return "an array";
        case JsonNode::Kind::object:
            return "an object";
    }
    return "?";
}

JsonNode parse_json_tree(std::string_view text, const std::string& name) {
    simdjson::padded_string padded(text);
    od::parser parser;
    od::document doc;
    Builder b{name, text, padded.data()};
    if (auto e = parser.iterate(padded).get(doc)) b.fail(e);
    b.doc = &doc;
    JsonNode root;
    root.path = "$";
    od::object o;
    if (auto e = doc.get_object().get(o)) {
        if (e == simdjson::INCORRECT_TYPE) b.fail("$", "expected an object");
        b.fail(e);
    }
    b.object(o, root, 0);
    if (const char* rest = nullptr; doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS)
        b.fail(simdjson::TRAILING_CONTENT);
    return root;
}

}  // namespace curcrunch::billing
