#include "curcrunch/ingest/shard_plan.hpp"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <tuple>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/sha256.hpp"

namespace curcrunch::ingest {
namespace {

constexpr const char* kNone = "-";  // an empty field in the TSV form

std::string field_or_none(const std::string& v) {
    return v.empty() ? kNone : v;
}

std::string period_text(Period p) {
    return p == 0 ? kNone : format_period(p);
}

// A field must stay one TSV field and one line: no tab, no line break, and "-" is reserved.
void check_field(const std::string& what, const std::string& v, bool required) {
    if (required && v.empty()) throw_input("shard unit without a " + what);
    if (v == kNone) throw_input("shard unit: '-' is not a valid " + what);
    for (char c : v)
        if (c == '\t' || c == '\n' || c == '\r')
            throw_input("shard unit: a " + what +
                        " holds a tab or line break, which a shards file cannot carry");
}

void check_unit(const ShardUnit& u) {
    check_field("payer", u.payer, false);
    check_field("profile", u.profile, false);
    check_field("source", u.source, true);
    check_field("version", u.version, true);
}

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    size_t i = 0;
    for (;;) {
        size_t j = line.find('\t', i);
        out.push_back(line.substr(i, j == std::string::npos ? std::string::npos : j - i));
        if (j == std::string::npos) return out;
        i = j + 1;
    }
}

// "12" -> 12; anything but a plain non-negative decimal below 10^9 is refused.
bool parse_index(std::string_view s, size_t& out) {
    if (s.empty() || s.size() > 9) return false;
    out = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        out = out * 10 + static_cast<size_t>(c - '0');
    }
    return true;
}

ShardUnit unit_from_fields(const std::vector<std::string>& f, const std::string& where) {
    ShardUnit u;
    u.payer = f[1] == kNone ? "" : f[1];
    if (f[2] != kNone) {
        auto p = parse_period(f[2]);
        if (!p) throw_input(where + ": the period field is neither YYYY-MM nor -");
        u.period = *p;
    }
    u.profile = f[3] == kNone ? "" : f[3];
    u.source = f[4];
    u.version = f[5];
    try {
        check_unit(u);
    } catch (const Error& e) {
        throw_input(where + ": " + e.what());
    }
    return u;
}

ShardUnit unit_from_line(const std::string& line, size_t expected, const std::string& where) {
    if (!line.empty() && line.back() == '\r') throw_input(where + ": CRLF line ending");
    auto f = split_tabs(line);
    if (f.size() != 6)
        throw_input(where + ": expected 6 tab-separated fields (index, payer, period, " +
                    "profile, source, version), found " + std::to_string(f.size()));
    size_t index = 0;
    if (!parse_index(f[0], index) || index != expected)
        throw_input(where + ": the index field is not " + std::to_string(expected) +
                    " (unit N is line N+1)");
    return unit_from_fields(f, where);
}

std::vector<ShardUnit> parse_tsv(const std::string& text, const std::string& name) {
    std::vector<ShardUnit> units;
    std::istringstream in(text);
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n)
        units.push_back(unit_from_line(line, units.size(), name + ":" + std::to_string(n)));
    return units;
}

std::string json_field(simdjson::dom::element e, const char* key, const std::string& where) {
    std::string_view v;
    if (e[key].get_string().get(v)) throw_input(where + ": \"" + key + "\" is not a string");
    return std::string(v);
}

std::vector<ShardUnit> parse_json(const std::string& text, const std::string& name,
                                  std::string& stated_id) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(text).get(root) || !root.is_object())
        throw_input(name + ": not a JSON object (expected the output of shards --format json)");
    std::string_view plan;
    if (!root["plan"].get_string().get(plan)) stated_id = std::string(plan);
    simdjson::dom::array arr;
    if (root["units"].get_array().get(arr)) throw_input(name + ": no \"units\" array");
    std::vector<ShardUnit> units;
    for (simdjson::dom::element e : arr) {
        const std::string where = name + ": units[" + std::to_string(units.size()) + "]";
        if (!e.is_object()) throw_input(where + ": not an object");
        int64_t index = -1;
        if (e["index"].get_int64().get(index) || index != static_cast<int64_t>(units.size()))
            throw_input(where + ": \"index\" must be " + std::to_string(units.size()));
        std::vector<std::string> f = {std::to_string(index),
                                      field_or_none(json_field(e, "payer", where)),
                                      field_or_none(json_field(e, "period", where)),
                                      field_or_none(json_field(e, "profile", where)),
                                      json_field(e, "source", where),
                                      json_field(e, "version", where)};
        units.push_back(unit_from_fields(f, where));
    }
    return units;
}

}  // namespace

ShardPlan::ShardPlan(std::vector<ShardUnit> units) : units_(std::move(units)) {
    for (const auto& u : units_)
        check_unit(u);
    std::stable_sort(units_.begin(), units_.end(), [](const ShardUnit& a, const ShardUnit& b) {
        return std::tie(a.profile, a.payer, a.period, a.source) <
               std::tie(b.profile, b.payer, b.period, b.source);
    });
    id_ = Sha256::of(tsv());
}

const ShardUnit& ShardPlan::at(long long index) const {
    if (units_.empty()) throw_usage("--shard: the shards file lists no units");
    if (index < 0 || static_cast<size_t>(index) >= units_.size())
        throw_usage("--shard " + std::to_string(index) + ": the shards file has " +
                    std::to_string(units_.size()) + " unit(s), numbered 0 to " +
                    std::to_string(static_cast<long long>(units_.size()) - 1));
    return units_[static_cast<size_t>(index)];
}

std::string ShardPlan::line(size_t i) const {
    const ShardUnit& u = units_.at(i);
    std::string s = std::to_string(i);
    for (const std::string& f : {field_or_none(u.payer), period_text(u.period),
                                 field_or_none(u.profile), u.source, u.version})
        s.append("\t").append(f);
    return s;
}

std::string ShardPlan::tsv() const {
    std::string out;
    for (size_t i = 0; i < units_.size(); ++i)
        out.append(line(i)).append("\n");
    return out;
}

std::string ShardPlan::json() const {
    std::string out = "{\"plan\": " + json_quote(id_) + ", \"units\": [";
    for (size_t i = 0; i < units_.size(); ++i) {
        const ShardUnit& u = units_[i];
        out.append(i ? ",\n  " : "\n  ");
        out.append("{\"index\": ").append(std::to_string(i));
        out.append(", \"payer\": ").append(json_quote(u.payer));
        out.append(", \"period\": ").append(json_quote(u.period ? format_period(u.period) : ""));
        out.append(", \"profile\": ").append(json_quote(u.profile));
        out.append(", \"source\": ").append(json_quote(u.source));
        out.append(", \"version\": ").append(json_quote(u.version)).append("}");
    }
    out.append(units_.empty() ? "]}\n" : "\n]}\n");
    return out;
}

ShardPlan ShardPlan::parse(const std::string& text, const std::string& name) {
    ShardPlan plan;
    const size_t first = text.find_first_not_of(" \t\r\n");
    std::string stated_id;
    if (first != std::string::npos && text[first] == '{')
        plan.units_ = parse_json(text, name, stated_id);
    else
        plan.units_ = parse_tsv(text, name);
    // The file's order is the plan's: indexes are positions, so nothing is re-sorted here.
    plan.id_ = Sha256::of(plan.tsv());
    if (!stated_id.empty() && stated_id != plan.id_)
        throw_input(name + ": its \"plan\" id does not match its units (edited by hand?)");
    return plan;
}

ShardUnit ShardPlan::parse_line(const std::string& line, size_t index, const std::string& where) {
    return unit_from_line(line, index, where);
}

ShardPlan ShardPlan::load(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw_input(path + ": cannot read the shards file");
    std::stringstream ss;
    ss << f.rdbuf();
    if (f.bad()) throw_input(path + ": cannot read the shards file");
    return parse(ss.str(), path);
}

}  // namespace curcrunch::ingest
