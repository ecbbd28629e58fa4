#pragma once
// Turns scanned rows (field spans in a chunk buffer) into rollup updates. One decoder per worker
// thread and stream; it keeps per-slot "last value" caches because consecutive CUR rows repeat
// most dimension values, so most rows intern nothing and hash only the group key.
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "curcrunch/ingest/chunk_scanner.hpp"
#include "curcrunch/ingest/rollup.hpp"
#include "curcrunch/ingest/schema.hpp"

namespace curcrunch::ingest {

// Why a row was rejected: enough to print "file:line: column NAME: problem".
struct RowError {
    uint64_t line = 0;
    std::string column;  // header name, empty when the problem is the whole row
    std::string message;
};

class RowDecoder {
public:
    // `period_override` > 0 forces every row into that billing period (manifest ingest).
    RowDecoder(const Schema& schema, Rollup& out, Period period_override);

    // Adds one row; returns false and fills `err` when the row is bad (nothing was added).
    bool add_row(const char* buf, const FieldSpan* spans, const RowMeta& meta, RowError& err);

private:
    std::string_view text(const char* buf, const FieldSpan* spans, int slot, bool& ok);
    uint32_t dim(int slot, std::string_view v);
    bool amount(const char* buf, const FieldSpan* spans, int slot, Amount& out, RowError& err,
                uint64_t line);
    bool day_of(std::string_view v, Day& out, int slot, Day& cache_day, std::string& cache_text);
    bool parse_json_tags(std::string_view json, RowError& err, uint64_t line, int slot);
    bool product_from_json(std::string_view json, std::string_view& name, std::string_view& region,
                           RowError& err, uint64_t line);
    void fail(RowError& err, uint64_t line, int slot, std::string msg) const;

    const Schema& schema_;
    Rollup& out_;
    Period period_override_;
    bool focus_;
    std::vector<std::string> scratch_;      // per slot: unescaped text of quoted fields
    std::vector<uint32_t> last_id_;         // per slot: id of the previous row's value
    Day usage_day_cache_ = 0, period_day_cache_ = 0;
    std::string usage_day_text_, period_day_text_;
    // Tags of the current row as (key id, value id); reused.
    std::vector<std::pair<uint32_t, uint32_t>> row_tags_;
    std::string last_tags_json_;
    std::vector<std::pair<uint32_t, uint32_t>> last_json_tags_;
    std::string last_product_json_;
    std::string product_name_, product_region_;
    std::vector<uint32_t> tag_key_ids_;     // per tag slot: interned normalized key
    simdjson::ondemand::parser json_;
    std::string json_buf_;
};

}  // namespace curcrunch::ingest
