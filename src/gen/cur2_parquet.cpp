#include "curcrunch/gen/cur2_parquet.hpp"

#include <simdjson.h>

#include <charconv>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/error.hpp"

namespace curcrunch::gen {
namespace {

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// AWS's CUR 2.0 Parquet types by column name: costs and amounts DOUBLE (rates stay strings,
// as AWS writes them), the period and usage bounds TIMESTAMP, the nested columns MAP.
ParquetKind kind_of(std::string_view name) {
    if (name == "resource_tags" || name == "product" || name == "cost_category")
        return ParquetKind::string_map;
    for (std::string_view t : {"_cost", "_amount", "_fee", "_fee_for_billing_period",
                               "_commitment_to_date", "_used_commitment"})
        if (ends_with(name, t)) return ParquetKind::float64;
    if (ends_with(name, "_date")) return ParquetKind::timestamp_millis;  // after *_to_date
    return ParquetKind::string;
}

[[noreturn]] void bad(uint64_t line, const std::string& why) {
    throw Error(ErrorKind::internal, "gen parquet: CSV line " + std::to_string(line) + ": " + why);
}

// "2025-01-01T05:00:00.000Z" (or without millis, or with a space) as Unix milliseconds.
bool parse_millis(std::string_view s, int64_t& out) {
    if (s.size() < 19) return false;
    const auto num = [&](size_t at, size_t len, int& v) {
        return std::from_chars(s.data() + at, s.data() + at + len, v).ptr == s.data() + at + len;
    };
    int y, mo, d, h, mi, se, ms = 0;
    if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
        !num(17, 2, se))
        return false;
    if (s.size() >= 23 && s[19] == '.' && !num(20, 3, ms)) return false;
    const int64_t day = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    out = ((day * 24 + h) * 60 + mi) * 60000 + se * 1000 + ms;
    return true;
}

}  // namespace

Cur2Parquet::Cur2Parquet(const std::string& path, ParquetCodec codec)
    : path_(path), codec_(codec), json_(std::make_unique<simdjson::dom::parser>()) {}

Cur2Parquet::~Cur2Parquet() = default;

void Cur2Parquet::header(const std::vector<std::string>& names) {
    std::vector<ParquetColumn> cols;
    csv_fields_ = names.size();
    for (size_t i = 0; i < names.size(); ++i) {
        cols.push_back({names[i], kind_of(names[i])});
        source_.push_back(static_cast<int>(i));
        if (names[i] == "cost_category") {  // discount follows, in CUR 2.0's alphabetical order
            cols.push_back({"discount", ParquetKind::double_map});
            source_.push_back(-1);
        }
    }
    for (const ParquetColumn& c : cols)
        kinds_.push_back(c.kind);
    row_.resize(cols.size());
    writer_ = std::make_unique<ParquetWriter>(path_, std::move(cols), codec_);
}

void Cur2Parquet::row(const std::vector<std::string>& fields) {
    if (fields.size() != csv_fields_) bad(line_, "wrong number of fields");
    simdjson::dom::parser& json = *json_;
    for (size_t c = 0; c < kinds_.size(); ++c) {
        ParquetField& f = row_[c];
        f.entries.clear();
        if (source_[c] < 0) {  // discount: present and empty
            f.null = false;
            continue;
        }
        const std::string& v = fields[static_cast<size_t>(source_[c])];
        f.null = v.empty();
        if (f.null) continue;
        switch (kinds_[c]) {
            case ParquetKind::string:
                f.text = v;
                break;
            case ParquetKind::float64: {
                // AWS writes costs as doubles; the value nearest the CSV's decimal text.
                const auto r = std::from_chars(v.data(), v.data() + v.size(), f.number);
                if (r.ptr != v.data() + v.size()) bad(line_, "not a number: " + v);
                break;
            }
            case ParquetKind::timestamp_millis:
                if (!parse_millis(v, f.millis)) bad(line_, "not a timestamp: " + v);
                break;
            case ParquetKind::string_map:
            case ParquetKind::double_map: {
                simdjson::dom::object obj;
                if (json.parse(v).get(obj) != simdjson::SUCCESS) bad(line_, "not a JSON object");
                for (auto [key, value] : obj) {
                    std::string_view s;
                    if (value.is_null())
                        f.entries.emplace_back(std::string(key), std::nullopt);
                    else if (value.get(s) == simdjson::SUCCESS)
                        f.entries.emplace_back(std::string(key), std::string(s));
                    else
                        f.entries.emplace_back(std::string(key), simdjson::minify(value));
                }
                break;
            }
        }
    }
    writer_->add_row(row_);
}

void Cur2Parquet::add_csv(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        // One CSV record: fields separated by commas, quoted where they hold , " or newlines.
        fields_.clear();
        std::string field;
        bool quoted = false, in_quotes = false;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (in_quotes) {
                if (c != '"') {
                    field += c;
                } else if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    in_quotes = false;
                }
            } else if (c == '"' && field.empty() && !quoted) {
                quoted = in_quotes = true;
            } else if (c == ',' || c == '\n') {
                fields_.push_back(std::move(field));
                field.clear();
                quoted = false;
                if (c == '\n') break;
            } else if (c != '\r') {
                field += c;
            }
        }
        if (i >= text.size()) bad(line_ + 1, "CSV text does not end with a newline");
        ++i;
        ++line_;
        if (!writer_)
            header(fields_);
        else
            row(fields_);
    }
}

void Cur2Parquet::close() {
    if (writer_) writer_->close();
}

}  // namespace curcrunch::gen
