// Meter files: JSON lines or CSV into a MeasurementBatch (measurement.hpp).
#include <simdjson.h>

#include <cstring>
#include <optional>

#include "curcrunch/billing/measurement.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::billing {
namespace {

namespace od = simdjson::ondemand;

// Input quoted in a message (core/shown_text.hpp: no control or invisible characters).
std::string shown(std::string_view s) {
    return shown_text(s, 64);
}

bool plain_text(std::string_view s) {
    if (!simdjson::validate_utf8(s.data(), s.size())) return false;
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return false;
    return true;
}

struct Bad {
    std::string field, message;
};

// Builds one measurement into the batch; every check of a record's content lives here, shared
// by both formats. On failure the batch is left as it was before begin().
class RowBuilder {
  public:
    RowBuilder(const MeterCatalog& cat, const MeterParseLimits& lim, MeasurementBatch& b)
        : cat_(cat), lim_(lim), b_(b) {}

    // Returns false with `bad` set when the record is unusable.
    bool begin(uint32_t line, std::string_view uid, std::string_view account, std::string_view ts,
               std::string_view meter, Bad& bad) {
        text_mark_ = b_.text.size();
        values_mark_ = b_.values.size();
        m_ = Measurement{};
        m_.line = line;
        if (uid.empty()) return fail(bad, "uid", "missing");
        if (uid.size() > 256 || (!printable_ascii_ && !plain_text(uid)))
            return fail(bad, "uid", "must be 1 to 256 printable characters");
        m_.meter = cat_.meter_index(meter);
        if (meter.empty()) return fail(bad, "meter", "missing");
        if (m_.meter < 0) return fail(bad, "meter", "unknown meter '" + shown(meter) + "'");
        if (account.empty()) return fail(bad, "account", "missing");
        m_.account = cat_.account_index(account);
        if (m_.account < 0)
            return fail(bad, "account",
                        "unknown account '" + shown(account) + "' (no subscription has it)");
        auto at = parse_timestamp(ts);
        if (ts.empty()) return fail(bad, "timestamp", "missing");
        if (!at)
            return fail(bad, "timestamp",
                        "expected an ISO 8601 instant such as 2026-03-14T10:22:01Z, found '" +
                            shown(ts) + "'");
        if (*at < lim_.earliest || *at >= lim_.latest)
            return fail(bad, "timestamp",
                        "out of range: " + shown(ts) + " (accepted from " +
                            format_timestamp(lim_.earliest).substr(0, 10) + " to " +
                            format_timestamp(lim_.latest).substr(0, 19) + "Z)");
        m_.at = *at;
        if (b_.text.size() + uid.size() > UINT32_MAX)
            return fail(bad, "", "file too large (over 4 GiB of uids and strings)");
        const Meter& mt = cat_.meter(m_.meter);
        // Values are indexed by 32 bits too: a meter has at most a few fields, but a file of
        // 2^32 lines could hold more values than that.
        if (b_.values.size() + mt.fields.size() > UINT32_MAX)
            return fail(bad, "", "file too large (over 4294967295 values)");
        m_.uid_offset = static_cast<uint32_t>(b_.text.size());
        m_.uid_length = static_cast<uint32_t>(uid.size());
        b_.text.append(uid);
        m_.first_value = static_cast<uint32_t>(b_.values.size());
        b_.values.resize(b_.values.size() + mt.fields.size());
        seen_.assign(mt.fields.size(), false);
        return true;
    }

    // `is_number`: the value was a JSON number (JSON lines) — CSV passes its text with false
    // and `from_csv` true, where a field's type decides.
    bool field(std::string_view name, std::string_view text, bool is_number, bool from_csv,
               Bad& bad) {
        const Meter& mt = cat_.meter(m_.meter);
        int ix = -1;
        for (size_t i = 0; i < mt.fields.size(); ++i)
            if (mt.fields[i].name == name) ix = static_cast<int>(i);
        if (ix < 0) {
            if (from_csv && text.empty()) return true;  // another meter's column
            return fail(bad, std::string(name).substr(0, 64),
                        "not a field of meter '" + mt.id + "'");
        }
        const std::string fname(name);
        if (seen_[static_cast<size_t>(ix)]) return fail(bad, fname, "given twice");
        seen_[static_cast<size_t>(ix)] = true;
        FieldValue& v = b_.values[m_.first_value + static_cast<uint32_t>(ix)];
        switch (mt.fields[static_cast<size_t>(ix)].type) {
            case FieldType::integer: {
                if (!from_csv && !is_number)
                    return fail(bad, fname, "expected an integer, found a string");
                if (!integer(text, v.number))
                    return fail(
                        bad, fname,
                        "expected an integer (at most 18 digits), found '" + shown(text) + "'");
                break;
            }
            case FieldType::decimal: {
                if (!from_csv && !is_number)
                    return fail(bad, fname, "expected a number, found a string");
                switch (parse_amount(text, v.number)) {
                    case ParseStatus::ok:
                        break;
                    case ParseStatus::rounded:
                        return fail(bad, fname,
                                    "more than 10 fraction digits ('" + shown(text) + "')");
                    case ParseStatus::overflow:
                        return fail(bad, fname, "too large ('" + shown(text) + "')");
                    case ParseStatus::invalid:
                        return fail(bad, fname,
                                    "expected a decimal number, found '" + shown(text) + "'");
                }
                break;
            }
            case FieldType::string: {
                if (!from_csv && is_number)
                    return fail(bad, fname, "expected a string, found a number");
                if (text.size() > 1024 || (!printable_ascii_ && !plain_text(text)))
                    return fail(bad, fname, "must be at most 1024 printable characters");
                if (b_.text.size() + text.size() > UINT32_MAX)
                    return fail(bad, "", "file too large (over 4 GiB of uids and strings)");
                v.set_text(static_cast<uint32_t>(b_.text.size()),
                           static_cast<uint32_t>(text.size()));
                b_.text.append(text);
                break;
            }
        }
        return true;
    }

    bool finish(Bad& bad) {
        const Meter& mt = cat_.meter(m_.meter);
        for (size_t i = 0; i < mt.fields.size(); ++i)
            if (!seen_[i]) return fail(bad, mt.fields[i].name, "missing");
        m_.uid_hash = stable_hash64(b_.uid(m_));
        m_.uid_hash2 = stable_hash64(b_.uid(m_), 0x7569642d32ull);  // "uid-2"
        // The content compared for a repeated uid: account, meter, instant and every value.
        scratch_.clear();
        scratch_.append(cat_.account(m_.account)).push_back('\x1f');
        scratch_.append(mt.id).push_back('\x1f');
        scratch_.append(reinterpret_cast<const char*>(&m_.at), sizeof m_.at);
        for (size_t i = 0; i < mt.fields.size(); ++i) {
            const FieldValue& v = b_.values[m_.first_value + i];
            if (mt.fields[i].type == FieldType::string) {
                const uint32_t n = v.text_length();
                scratch_.append(reinterpret_cast<const char*>(&n), sizeof n);
                scratch_.append(b_.text_of(v));
            } else {
                scratch_.append(reinterpret_cast<const char*>(&v.number), sizeof v.number);
            }
        }
        m_.content = stable_hash64(scratch_, 0x6d6574657273ull);
        b_.rows.push_back(m_);
        return true;
    }

    // The next record's texts are known to be printable ASCII (PlainLine read them), so they
    // need no UTF-8 or control character check.
    void set_printable_ascii(bool yes) { printable_ascii_ = yes; }

  private:
    bool fail(Bad& bad, const std::string& field, const std::string& message) {
        bad = {field, message};
        b_.text.resize(text_mark_);
        b_.values.resize(values_mark_);
        return false;
    }

    static bool integer(std::string_view s, Amount& out) {
        size_t i = s.size() && s[0] == '-' ? 1 : 0;
        if (i == s.size() || s.size() - i > 18) return false;
        int64_t v = 0;
        for (; i < s.size(); ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            v = v * 10 + (s[i] - '0');
        }
        out = static_cast<Amount>(s[0] == '-' ? -v : v) * kUnit;
        return true;
    }

    const MeterCatalog& cat_;
    const MeterParseLimits& lim_;
    MeasurementBatch& b_;
    Measurement m_;
    size_t text_mark_ = 0, values_mark_ = 0;
    std::vector<bool> seen_;
    std::string scratch_;
    bool printable_ascii_ = false;
};

struct Collector {
    const MeasurementBatch& batch;
    const MeterParseLimits& limits;
    std::vector<MeterProblem>& problems;
    uint64_t& bad_rows;
    void add(uint64_t line, const Bad& b) {
        ++bad_rows;
        if (problems.size() < limits.max_problems)
            problems.push_back({batch.source, line, b.field, b.message});
    }
};

std::string_view trim_token(std::string_view raw) {
    while (!raw.empty() &&
           (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n'))
        raw.remove_suffix(1);
    return raw;
}

// One JSON line. `data` is readable for `capacity` bytes (simdjson's padding).
bool json_line(od::parser& parser, const char* data, size_t len, size_t capacity, uint32_t line,
               RowBuilder& rb, Bad& bad) {
    od::document doc;
    auto invalid = [&](simdjson::error_code e) {
        bad = {"", std::string("not valid JSON (") + simdjson::error_message(e) + ")"};
        return false;
    };
    if (auto e = parser.iterate(simdjson::padded_string_view(data, len, capacity)).get(doc))
        return invalid(e);
    od::object obj;
    if (auto e = doc.get_object().get(obj)) {
        if (e == simdjson::INCORRECT_TYPE) {
            bad = {"", "expected a JSON object"};
            return false;
        }
        return invalid(e);
    }
    std::string_view uid, account, ts, meter;
    struct Raw {
        std::string_view name, text;
        bool number;
    };
    Raw raws[64];
    size_t n_raw = 0;
    unsigned given = 0;  // bit per top-level key, to refuse one given twice
    for (auto f : obj) {
        std::string_view key;
        if (auto e = f.unescaped_key().get(key)) return invalid(e);
        od::value v;
        if (auto e = f.value().get(v)) return invalid(e);
        std::string_view* top = key == "uid"         ? &uid
                                : key == "account"   ? &account
                                : key == "timestamp" ? &ts
                                : key == "meter"     ? &meter
                                                     : nullptr;
        const unsigned bit = key == "uid"         ? 1u
                             : key == "account"   ? 2u
                             : key == "timestamp" ? 4u
                             : key == "meter"     ? 8u
                             : key == "values"    ? 16u
                                                  : 0u;
        if (given & bit) {
            bad = {std::string(key), "given twice"};
            return false;
        }
        given |= bit;
        if (top) {
            if (auto e = v.get_string().get(*top)) {
                if (e != simdjson::INCORRECT_TYPE) return invalid(e);
                bad = {std::string(key), "expected a string"};
                return false;
            }
            continue;
        }
        if (key != "values") {
            bad = {std::string(key).substr(0, 64), "unknown field"};
            return false;
        }
        od::object vals;
        if (auto e = v.get_object().get(vals)) {
            if (e != simdjson::INCORRECT_TYPE) return invalid(e);
            bad = {"values", "expected an object"};
            return false;
        }
        for (auto vf : vals) {
            std::string_view name;
            if (auto e = vf.unescaped_key().get(name)) return invalid(e);
            // unescaped_key's view lives in the parser's string buffer until the next line.
            od::value x;
            if (auto e = vf.value().get(x)) return invalid(e);
            od::json_type t;
            if (auto e = x.type().get(t)) return invalid(e);
            if (n_raw == 64) {
                bad = {"values", "more than 64 values"};
                return false;
            }
            if (t == od::json_type::number) {
                raws[n_raw++] = {name, trim_token(x.raw_json_token()), true};
            } else if (t == od::json_type::string) {
                std::string_view s;
                if (auto e = x.get_string().get(s)) return invalid(e);
                raws[n_raw++] = {name, s, false};
            } else {
                bad = {std::string(name).substr(0, 64), "expected a number or a string"};
                return false;
            }
        }
    }
    if (const char* rest = nullptr; doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS)
        return invalid(simdjson::TRAILING_CONTENT);
    if (!rb.begin(line, uid, account, ts, meter, bad)) return false;
    for (size_t i = 0; i < n_raw; ++i)
        if (!rb.field(raws[i].name, raws[i].text, raws[i].number, false, bad)) return false;
    return rb.finish(bad);
}

// The usual shape of a meter line, read without simdjson: one object of printable-ASCII keys
// and strings (no escapes), numbers without exponents, no whitespace, no key given twice, no
// key but the known ones. nullopt for any other line: simdjson reads it then, so every message
// stays the one it gives. Otherwise the result of building the measurement, which sees exactly
// what json_line would pass it.
class PlainLine {
  public:
    explicit PlainLine(std::string_view s) : s_(s) {}

    std::optional<bool> read(uint32_t line, RowBuilder& rb, Bad& bad) {
        std::string_view top[4];  // uid, account, timestamp, meter
        std::string_view names[64], texts[64];
        bool numbers[64];
        size_t n = 0;
        unsigned given = 0;
        if (!eat('{')) return std::nullopt;
        do {
            std::string_view key;
            if (!string(key) || !eat(':')) return std::nullopt;
            const int k = key == "uid"         ? 0
                          : key == "account"   ? 1
                          : key == "timestamp" ? 2
                          : key == "meter"     ? 3
                          : key == "values"    ? 4
                                               : -1;
            if (k < 0 || (given & (1u << k))) return std::nullopt;
            given |= 1u << k;
            if (k < 4) {
                if (!string(top[k])) return std::nullopt;
                continue;
            }
            if (!eat('{')) return std::nullopt;
            if (eat('}')) continue;
            do {
                if (n == 64 || !string(names[n]) || !eat(':')) return std::nullopt;
                numbers[n] = i_ < s_.size() && s_[i_] != '"';
                if (!(numbers[n] ? number(texts[n]) : string(texts[n]))) return std::nullopt;
                ++n;
            } while (eat(','));
            if (!eat('}')) return std::nullopt;
        } while (eat(','));
        if (!eat('}') || i_ != s_.size()) return std::nullopt;
        rb.set_printable_ascii(true);
        bool ok = rb.begin(line, top[0], top[1], top[2], top[3], bad);
        for (size_t i = 0; ok && i < n; ++i)
            ok = rb.field(names[i], texts[i], numbers[i], false, bad);
        rb.set_printable_ascii(false);
        return ok && rb.finish(bad);
    }

  private:
    bool eat(char c) {
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    bool digits() {
        const size_t from = i_;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9')
            ++i_;
        return i_ > from;
    }
    bool string(std::string_view& out) {
        if (!eat('"')) return false;
        const size_t from = i_;
        for (; i_ < s_.size(); ++i_) {
            const unsigned char c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                out = s_.substr(from, i_++ - from);
                return true;
            }
            if (c < 0x20 || c > 0x7e || c == '\\') return false;
        }
        return false;
    }
    // -?(0|[1-9][0-9]*)(.[0-9]+)?, followed by ',' or '}'.
    bool number(std::string_view& out) {
        const size_t from = i_;
        eat('-');
        if (eat('0')) {
            if (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') return false;
        } else if (!digits()) {
            return false;
        }
        if (eat('.') && !digits()) return false;
        if (i_ >= s_.size() || (s_[i_] != ',' && s_[i_] != '}')) return false;
        out = s_.substr(from, i_ - from);
        return true;
    }
    std::string_view s_;
    size_t i_ = 0;
};

void json_lines(std::string_view bytes, uint32_t first_line, RowBuilder& rb, Collector& out) {
    od::parser parser;
    const size_t size = bytes.size();
    size_t pos = 0;
    uint32_t line = first_line - 1;
    // A short final line is copied into a padded buffer; every other line is parsed in place,
    // the bytes after it (at least simdjson::SIMDJSON_PADDING of them) serving as padding.
    std::string tail;
    while (pos < size) {
        // A signal stops the parse within a few thousand lines; the caller then throws, and
        // what this batch holds is never used (meter_ingest.cpp).
        if ((line & 0xFFF) == 0 && interrupt_signal() != 0) return;
        if (line == UINT32_MAX) {
            out.add(line, {"", "more than 4294967295 lines in one file"});
            return;
        }
        ++line;
        const char* start = bytes.data() + pos;
        const void* nl = std::memchr(start, '\n', size - pos);
        const size_t len =
            nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : size - pos;
        size_t end = len;
        while (end > 0 &&
               (start[end - 1] == '\r' || start[end - 1] == ' ' || start[end - 1] == '\t'))
            --end;
        size_t begin = 0;
        while (begin < end && (start[begin] == ' ' || start[begin] == '\t'))
            ++begin;
        pos += len + (nl ? 1 : 0);
        if (begin == end) continue;  // blank line
        Bad bad;
        const size_t available = size - (start - bytes.data()) - begin;
        bool ok;
        if (auto plain =
                PlainLine(std::string_view(start + begin, end - begin)).read(line, rb, bad)) {
            ok = *plain;
        } else if (available >= end - begin + simdjson::SIMDJSON_PADDING) {
            ok = json_line(parser, start + begin, end - begin, available, line, rb, bad);
        } else {
            tail.assign(start + begin, end - begin);
            tail.append(simdjson::SIMDJSON_PADDING, ' ');
            ok = json_line(parser, tail.data(), end - begin, tail.size(), line, rb, bad);
        }
        if (!ok) out.add(line, bad);
    }
}

// RFC 4180 records: quoted fields may hold delimiters, doubled quotes and newlines.
class CsvReader {
  public:
    explicit CsvReader(std::string_view b) : b_(b) {}
    bool done() const { return pos_ >= b_.size(); }
    uint32_t line() const { return record_line_; }
    // False with `bad` for an unterminated quote or text after a closing quote.
    bool next(std::vector<std::string>& fields, Bad& bad) {
        record_line_ = line_;
        size_t n = 0;
        for (;;) {
            if (n == fields.size()) fields.emplace_back();
            std::string& f = fields[n++];
            f.clear();
            if (pos_ < b_.size() && b_[pos_] == '"') {
                ++pos_;
                for (;;) {
                    if (pos_ >= b_.size()) {
                        bad = {"", "unterminated quoted field"};
                        return false;
                    }
                    const char c = b_[pos_++];
                    if (c == '"') {
                        if (pos_ < b_.size() && b_[pos_] == '"') {
                            f += '"';
                            ++pos_;
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') ++line_;
                    f += c;
                }
                if (pos_ < b_.size() && b_[pos_] != ',' && b_[pos_] != '\n' && b_[pos_] != '\r') {
                    bad = {"", "text after a closing quote"};
                    skip_line();
                    return false;
                }
            } else {
                while (pos_ < b_.size() && b_[pos_] != ',' && b_[pos_] != '\n' && b_[pos_] != '\r')
                    f += b_[pos_++];
            }
            if (pos_ < b_.size() && b_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < b_.size() && b_[pos_] == '\r') ++pos_;
            if (pos_ < b_.size() && b_[pos_] == '\n') {
                ++pos_;
                ++line_;
            }
            fields.resize(n);
            return true;
        }
    }

  private:
    void skip_line() {
        while (pos_ < b_.size() && b_[pos_] != '\n')
            ++pos_;
        if (pos_ < b_.size()) {
            ++pos_;
            ++line_;
        }
    }
    std::string_view b_;
    size_t pos_ = 0;
    uint32_t line_ = 1, record_line_ = 1;
};

void csv(std::string_view bytes, RowBuilder& rb, Collector& out) {
    CsvReader r(bytes);
    std::vector<std::string> header, fields;
    Bad bad;
    if (!r.next(header, bad)) {
        out.add(1, bad);
        return;
    }
    const char* fixed[] = {"uid", "account", "timestamp", "meter"};
    for (size_t i = 0; i < 4; ++i)
        if (header.size() <= i || header[i] != fixed[i]) {
            out.add(1, {"", "the header must begin uid,account,timestamp,meter"});
            return;
        }
    while (!r.done()) {
        if ((r.line() & 0xFFF) == 0 && interrupt_signal() != 0) return;  // as in json_lines
        if (r.line() >= UINT32_MAX - 1) {
            out.add(r.line(), {"", "more than 4294967294 lines in one file"});
            return;
        }
        if (!r.next(fields, bad)) {
            out.add(r.line(), bad);
            continue;
        }
        if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
        if (fields.size() != header.size()) {
            out.add(r.line(), {"", "expected " + std::to_string(header.size()) + " fields, found " +
                                       std::to_string(fields.size())});
            continue;
        }
        bool ok = rb.begin(r.line(), fields[0], fields[1], fields[2], fields[3], bad);
        for (size_t i = 4; ok && i < fields.size(); ++i)
            ok = rb.field(header[i], fields[i], false, true, bad);
        if (ok) ok = rb.finish(bad);
        if (!ok) out.add(r.line(), bad);
    }
}

}  // namespace

bool is_csv_name(const std::string& name) {
    if (name.size() < 4) return false;
    std::string ext = name.substr(name.size() - 4);
    for (char& c : ext)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return ext == ".csv";
}

void parse_meter_file(std::string_view bytes, const MeterCatalog& catalog,
                      const MeterParseLimits& limits, MeasurementBatch& out,
                      std::vector<MeterProblem>& problems, uint64_t& bad_rows) {
    RowBuilder rb(catalog, limits, out);
    Collector c{out, limits, problems, bad_rows};
    if (is_csv_name(out.source)) {
        csv(bytes, rb, c);
    } else {
        json_lines(bytes, 1, rb, c);
    }
}

void parse_meter_json_lines(std::string_view lines, uint32_t first_line,
                            const MeterCatalog& catalog, const MeterParseLimits& limits,
                            MeasurementBatch& out, std::vector<MeterProblem>& problems,
                            uint64_t& bad_rows) {
    RowBuilder rb(catalog, limits, out);
    Collector c{out, limits, problems, bad_rows};
    json_lines(lines, first_line, rb, c);
}

}  // namespace curcrunch::billing
