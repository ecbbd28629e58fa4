#include "config_values.hpp"

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::billing::detail {

std::string shown_quoted(std::string_view s) {
    return "'" + shown_text(s) + "'";
}

bool is_identifier(std::string_view s) {
    if (s.empty() || s.size() > 128) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '@' ||
                        c == '+' || c == '=' || c == '-';
        if (!ok) return false;
    }
    return true;
}

bool is_account_id(std::string_view s) {
    return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

ObjectReader::ObjectReader(const std::string& file, const JsonNode& node)
    : file_(file), node_(node) {
    if (node.kind != JsonNode::Kind::object)
        fail(node, std::string("expected an object, found ") + json_kind_name(node.kind));
}

void ObjectReader::fail(const JsonNode& at, const std::string& why) const {
    throw_input(file_ + ": " + at.path + ": " + why);
}

void ObjectReader::fail_key(const std::string& key, const std::string& why) const {
    throw_input(file_ + ": " + path_of(key) + ": " + why);
}

const JsonNode* ObjectReader::optional(const std::string& key) {
    seen_.insert(key);
    const JsonNode* n = node_.find(key);
    return n && n->kind == JsonNode::Kind::null ? nullptr : n;
}

const JsonNode& ObjectReader::required(const std::string& key) {
    const JsonNode* n = optional(key);
    if (!n) fail_key(key, "missing (required)");
    return *n;
}

std::string ObjectReader::string(const std::string& key, bool req, const std::string& fallback) {
    const JsonNode* n = req ? &required(key) : optional(key);
    if (!n) return fallback;
    if (n->kind != JsonNode::Kind::string)
        fail(*n, std::string("expected a string, found ") + json_kind_name(n->kind));
    if (n->text.size() > 4096) fail(*n, "longer than 4096 bytes");
    for (unsigned char c : n->text)
        if (c < 0x20) fail(*n, "contains a control character");
    return n->text;
}

std::string ObjectReader::id(const std::string& key) {
    const std::string v = string(key, true);
    if (!is_identifier(v))
        fail(required(key),
             "expected an identifier (1 to 128 letters, digits or _ . : @ + = -), found " +
                 shown_quoted(v));
    return v;
}

bool ObjectReader::flag(const std::string& key, bool fallback) {
    const JsonNode* n = optional(key);
    if (!n) return fallback;
    if (n->kind != JsonNode::Kind::boolean)
        fail(*n, std::string("expected true or false, found ") + json_kind_name(n->kind));
    return n->boolean;
}

std::optional<Amount> ObjectReader::decimal(const std::string& key, bool req) {
    const JsonNode* n = req ? &required(key) : optional(key);
    if (!n) return std::nullopt;
    if (n->kind != JsonNode::Kind::number && n->kind != JsonNode::Kind::string)
        fail(*n, std::string("expected a decimal number, found ") + json_kind_name(n->kind));
    Amount v = 0;
    switch (parse_amount(n->text, v)) {
        case ParseStatus::ok:
            return v;
        case ParseStatus::rounded:
            fail(*n, "more than 10 fraction digits (" + shown_quoted(n->text) + ")");
        case ParseStatus::overflow:
            fail(*n, "too large (" + shown_quoted(n->text) + ")");
        case ParseStatus::invalid:
            break;
    }
    fail(*n, "expected a decimal number, found " + shown_quoted(n->text));
}

std::optional<Amount> ObjectReader::decimal_in(const std::string& key, bool req, Amount lo,
                                               std::optional<Amount> hi) {
    auto v = decimal(key, req);
    if (!v) return v;
    if (*v < lo || (hi && *v > *hi)) {
        std::string range = "at least " + to_plain_string(lo);
        if (hi) range = "between " + to_plain_string(lo) + " and " + to_plain_string(*hi);
        fail(required(key), "out of range: " + to_plain_string(*v) + " (must be " + range + ")");
    }
    return v;
}

std::optional<Period> ObjectReader::month(const std::string& key, bool req) {
    if (!req && !optional(key)) return std::nullopt;
    if (req) required(key);  // throws when missing
    const std::string s = string(key, true);
    auto p = s.size() == 7 ? parse_period(s) : std::nullopt;
    if (!p || *p / 100 < 2000 || *p / 100 > 2199)
        fail(required(key), "expected a month YYYY-MM, found " + shown_quoted(s));
    return p;
}

std::optional<Day> ObjectReader::date(const std::string& key, bool req) {
    if (!req && !optional(key)) return std::nullopt;
    if (req) required(key);  // throws when missing
    const std::string s = string(key, true);
    Day d = 0;
    if (s.size() != 10 || !parse_utc_day(s, d) || format_day(d) != s ||
        d < days_from_civil(2000, 1, 1) || d > days_from_civil(2199, 12, 31))
        fail(required(key), "expected a date YYYY-MM-DD, found " + shown_quoted(s));
    return d;
}

std::vector<std::string> ObjectReader::strings(const std::string& key, bool req) {
    std::vector<std::string> out;
    array(key, req, [&](const JsonNode& n) {
        if (n.kind != JsonNode::Kind::string)
            fail(n, std::string("expected a string, found ") + json_kind_name(n.kind));
        out.push_back(n.text);
    });
    return out;
}

void ObjectReader::array(const std::string& key, bool req,
                         const std::function<void(const JsonNode&)>& each) {
    const JsonNode* n = req ? &required(key) : optional(key);
    if (!n) return;
    if (n->kind != JsonNode::Kind::array)
        fail(*n, std::string("expected an array, found ") + json_kind_name(n->kind));
    for (const JsonNode& item : n->items)
        each(item);
}

void ObjectReader::finish() const {
    for (const JsonNode& m : node_.members)
        if (!seen_.count(m.key)) fail(m, "unknown field");
}

}  // namespace curcrunch::billing::detail
