// How a row finds its groups (RowDecoder, continued from row_decoder.cpp): the composite of its
// grouping fields and raw tag values is looked up in the rollup's row key index; only a
// composite not seen before interns its strings, parses its tag and cost category JSON, drops
// repeated tag keys, refuses byte order marks inside fields and finds its cost, line-item and
// tag groups.
#include <algorithm>
#include <cstring>

#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/ingest/composite_hash.hpp"
#include "curcrunch/ingest/row_decoder.hpp"
#include "json_parser.hpp"

namespace curcrunch::ingest {
namespace {

// memcpy for the short fields of a composite (account ids, codes, regions: mostly under 16
// bytes), inline: two overlapping moves instead of a call into the library per field.
inline void copy_short(char* dst, const char* src, size_t n) {
    if (n > 16) {
        std::memcpy(dst, src, n);
    } else if (n >= 8) {
        std::memcpy(dst, src, 8);
        std::memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
        std::memcpy(dst, src, 4);
        std::memcpy(dst + n - 4, src + n - 4, 4);
    } else if (n > 0) {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

}  // namespace

bool RowDecoder::parse_json_tags(std::string_view json, RowError& err, uint64_t line, int slot) {
    const bool cost_categories = slot == kCostCategoryJson;
    json_buf_.assign(json.data(), json.size());
    json_buf_.append(simdjson::SIMDJSON_PADDING, ' ');
    simdjson::padded_string_view psv(json_buf_.data(), json.size(), json_buf_.size());
    auto bad = [&](const char* what) {
        fail(err, line, slot, std::string("invalid JSON map: ") + what);
        return false;
    };
    simdjson::ondemand::document doc;
    if (json_parser().parser.iterate(psv).get(doc)) return bad("cannot parse");
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj)) return bad("not an object");
    for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) return bad("bad key");
        std::string nk =
            cost_categories ? normalize_cost_category_key(key) : normalize_tag_key(key);
        if (nk.empty()) continue;
        uint32_t kid = out_.pool.intern(nk);
        simdjson::ondemand::value val;
        if (field.value().get(val)) return bad("bad value");
        simdjson::ondemand::json_type t;
        if (val.type().get(t)) return bad("bad value");
        std::string_view sv;
        if (t == simdjson::ondemand::json_type::string) {
            if (val.get_string().get(sv)) return bad("bad string");
        } else if (t == simdjson::ondemand::json_type::null) {
            continue;
        } else {
            sv = val.raw_json_token();
            while (!sv.empty() && (sv.back() == ' ' || sv.back() == '\n'))
                sv.remove_suffix(1);
        }
        if (sv.empty()) continue;
        row_tags_.emplace_back(kid, out_.pool.intern(sv));
    }
    return true;
}

bool RowDecoder::product_from_json(std::string_view json, std::string_view& name,
                                   std::string_view& region, RowError& err, uint64_t line) {
    if (json != last_product_json_) {
        product_name_.clear();
        product_region_.clear();
        json_buf_.assign(json.data(), json.size());
        json_buf_.append(simdjson::SIMDJSON_PADDING, ' ');
        simdjson::padded_string_view psv(json_buf_.data(), json.size(), json_buf_.size());
        simdjson::ondemand::document doc;
        simdjson::ondemand::object obj;
        if (json_parser().parser.iterate(psv).get(doc) || doc.get_object().get(obj)) {
            fail(err, line, kProductJson, "invalid JSON product map");
            return false;
        }
        for (auto field : obj) {
            std::string_view key, v;
            if (field.unescaped_key().get(key)) break;
            if (key != "product_name" && key != "region" && key != "region_code") continue;
            if (field.value().get_string().get(v)) continue;
            if (key == "product_name")
                product_name_.assign(v);
            else if (product_region_.empty() || key == "region_code")
                product_region_.assign(v);
        }
        last_product_json_.assign(json);
    }
    if (name.empty()) name = product_name_;
    if (region.empty()) region = product_region_;
    return true;
}

// A row has one value per tag key. Two tag columns can normalize to the same key
// ("user:Cost-Center" and "user:Cost_Center"), and a JSON map can repeat a key: the first
// non-empty value (in header order, then map order) counts, so no row is counted twice under
// one key.
void RowDecoder::drop_repeated_tag_keys() {
    if (row_tags_.size() < 2) return;
    if (++tag_stamp_ == 0) {  // wrapped: forget every old stamp
        std::fill(key_stamp_.begin(), key_stamp_.end(), 0u);
        tag_stamp_ = 1;
    }
    size_t kept = 0;
    for (const auto& t : row_tags_) {
        if (t.first >= key_stamp_.size()) key_stamp_.resize(t.first + 1, 0);
        if (key_stamp_[t.first] == tag_stamp_) continue;
        key_stamp_[t.first] = tag_stamp_;
        row_tags_[kept++] = t;
    }
    row_tags_.resize(kept);
}

// A byte order mark belongs at the start of a file only; inside a field it is what is left of a
// concatenated file, and would become part of an account id or a tag value. Only the fields
// of a new composite are looked at (a composite seen before passed this check).
bool RowDecoder::check_no_bom(const std::string_view* dims, std::string_view tags_json,
                              std::string_view categories_json, const char* buf,
                              const FieldSpan* sp, RowError& err, uint64_t line) {
    static constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (composite().find(kBom) == std::string_view::npos) return true;  // the common case
    // The slot each of new_composite's dims comes from (add_row lists them in this order).
    static constexpr int kDimSlots[kComposite] = {
        kPayer,         kUsageAccount,  kProductCode,  kProductName, kUsageType,
        kOperation,     kRegion,        kLineItemType, kPricingTerm, kCurrency,
        kBillingEntity, kCommitmentArn, kDescription,  kUnit};
    int slot = -1;
    for (int d = 0; d < kComposite && slot < 0; ++d)
        if (dims[d].find(kBom) != std::string_view::npos) slot = kDimSlots[d];
    for (size_t i = 0; i < tag_key_ids_.size() && slot < 0; ++i) {
        bool ok = true;
        if (text(buf, sp, kFixedSlots + static_cast<int>(i), ok).find(kBom) !=
            std::string_view::npos)
            slot = kFixedSlots + static_cast<int>(i);
    }
    if (slot < 0) slot = tags_json.find(kBom) != std::string_view::npos ? kTagsJson : -1;
    if (slot < 0 && categories_json.find(kBom) != std::string_view::npos) slot = kCostCategoryJson;
    if (slot < 0) return true;  // the bytes were in the composite's binary length prefixes
    fail(err, line, slot,
         "byte order mark (U+FEFF) inside a field (files joined together?); it would become "
         "part of the value");
    return false;
}

// The payer keys the row's unit, which an ingest replaces whole: a value that is not an account
// (a spreadsheet's 8.36060457634E11 for 836060457634, an empty field in a file that has the
// column) made a unit of its own, which no later delivery of the real payer replaces, so a
// corrected file still left the wrong rows in every total. AWS's dialects carry twelve digits;
// FOCUS's BillingAccountId is any provider's id (an Azure path), required but free-form. Checked
// once per new composite, not per row.
bool RowDecoder::check_payer(std::string_view payer, RowError& err, uint64_t line) const {
    if (!schema_.has(kPayer)) return true;  // no payer column: the file's fallback, or none
    if (payer.empty()) {
        fail(err, line, kPayer, "empty payer account id");
        return false;
    }
    if (focus_) return true;
    bool digits = payer.size() == 12;
    for (char c : payer)
        digits = digits && c >= '0' && c <= '9';
    if (!digits)
        fail(err, line, kPayer,
             "not an AWS account id (12 digits): '" + shown_text(payer, 40) + "'");
    return digits;
}

// Amounts in two currencies are never added together (store/currency_scope.hpp), so the
// currency names a row's money as much as its payer names its unit: a damaged code ("U[D",
// "usd") would become a currency of its own that every total then refuses to mix with USD.
// AWS's dialects and FOCUS write ISO 4217 codes, three capital letters; an empty value is a
// file without the column's information and reads as USD, as before. Checked once per new
// composite, not per row.
bool RowDecoder::check_currency(std::string_view currency, RowError& err, uint64_t line) const {
    if (currency.empty()) return true;
    bool letters = currency.size() == 3;
    for (char c : currency)
        letters = letters && c >= 'A' && c <= 'Z';
    if (!letters)
        fail(err, line, kCurrency,
             "not a currency code (ISO 4217: three capital letters): '" + shown_text(currency, 40) +
                 "'");
    return letters;
}

RowKeyIndex::Ref RowDecoder::new_composite(const char* buf, const FieldSpan* sp,
                                           const std::string_view* dims, std::string_view tags_json,
                                           std::string_view categories_json, Period period, Day day,
                                           uint64_t hash, RowError& err, uint64_t line) {
    row_tags_.clear();
    for (size_t i = 0; i < tag_key_ids_.size(); ++i) {
        const int slot = kFixedSlots + static_cast<int>(i);
        bool ok = true;
        std::string_view tv = text(buf, sp, slot, ok);
        if (!tv.empty()) row_tags_.emplace_back(tag_key_ids_[i], out_.pool.intern(tv));
    }
    if (!tags_json.empty() && !parse_json_tags(tags_json, err, line, kTagsJson)) return 0;
    if (!categories_json.empty() && !parse_json_tags(categories_json, err, line, kCostCategoryJson))
        return 0;
    drop_repeated_tag_keys();
    if (!check_no_bom(dims, tags_json, categories_json, buf, sp, err, line)) return 0;
    if (!check_payer(dims[kDimPayer], err, line)) return 0;
    if (!check_currency(dims[kDimCurrency], err, line)) return 0;

    CostKey ck;
    ck.period = period;
    ck.day = day;
    for (int d = 0; d < kCostDims; ++d)
        ck.dim[d] = out_.pool.intern(dims[d]);
    LineKey lk{period,
               day,
               ck.dim[kDimPayer],
               ck.dim[kDimUsageAccount],
               ck.dim[kDimProductCode],
               ck.dim[kDimUsageType],
               ck.dim[kDimLineItemType],
               out_.pool.intern(dims[kCostDims]),
               out_.pool.intern(dims[kCostDims + 1]),
               ck.dim[kDimCurrency]};
    tag_index_.clear();
    bool tagged = false;
    for (const auto& t : row_tags_) {
        TagKey tk{period,
                  day,
                  ck.dim[kDimPayer],
                  ck.dim[kDimUsageAccount],
                  ck.dim[kDimProductCode],
                  t.first,
                  t.second,
                  ck.dim[kDimCurrency]};
        tag_index_.push_back(out_.tags.index_of(tk));
        if (is_user_tag_key(out_.pool.at(t.first))) tagged = true;
    }
    RowKeyIndex::Groups g;
    g.cost = out_.cost.index_of(ck);
    g.line = out_.lines.index_of(lk);
    g.tag_begin = out_.row_keys.add_tag_groups(tag_index_.data(), tag_index_.size());
    g.tag_count = static_cast<uint32_t>(tag_index_.size());
    g.tagged = tagged;
    return out_.row_keys.insert(composite(), hash, g);
}

// The composite of every grouping field (and the raw tag values) finds all group entries at
// once; only a composite not seen before interns strings or parses tag JSON.
RowKeyIndex::Ref RowDecoder::resolve_composite(const char* buf, const FieldSpan* sp,
                                               const std::string_view* dims, Period period, Day day,
                                               RowError& err, uint64_t line) {
    // The parts first (a text can be malformed), then their total size, so the buffer kept
    // across rows is checked once per row and the parts are written through one pointer.
    composite_parts_.assign(dims, dims + kComposite);
    for (size_t i = 0; i < tag_key_ids_.size(); ++i) {
        const int slot = kFixedSlots + static_cast<int>(i);
        bool ok2 = true;
        composite_parts_.push_back(text(buf, sp, slot, ok2));
        if (!ok2) {
            fail(err, line, slot, "malformed quoted field");
            return 0;
        }
    }
    std::string_view tags_json;
    if (schema_.has(kTagsJson)) {
        bool ok2 = true;
        tags_json = text(buf, sp, kTagsJson, ok2);
        if (!ok2) {
            fail(err, line, kTagsJson, "malformed quoted field");
            return 0;
        }
        if (tags_json == "{}") tags_json = {};
        composite_parts_.push_back(tags_json);
    }
    std::string_view categories_json;
    if (schema_.has(kCostCategoryJson)) {
        bool ok2 = true;
        categories_json = text(buf, sp, kCostCategoryJson, ok2);
        if (!ok2) {
            fail(err, line, kCostCategoryJson, "malformed quoted field");
            return 0;
        }
        if (categories_json == "{}") categories_json = {};
        composite_parts_.push_back(categories_json);
    }
    // Each part is a 32-bit length and its bytes; a field is far below 4 GiB (a chunk is).
    size_t need = sizeof period + sizeof day;
    for (std::string_view part : composite_parts_)
        need += sizeof(uint32_t) + part.size();
    if (need + kCompositeHashSlack > composite_.size())
        composite_.resize(2 * need + kCompositeHashSlack);
    char* out = composite_.data();
    std::memcpy(out, &period, sizeof period);
    std::memcpy(out + sizeof period, &day, sizeof day);
    out += sizeof period + sizeof day;
    for (std::string_view part : composite_parts_) {
        const uint32_t n = static_cast<uint32_t>(part.size());
        std::memcpy(out, &n, sizeof n);
        copy_short(out + sizeof n, part.data(), part.size());
        out += sizeof n + part.size();
    }
    composite_len_ = need;
    const uint64_t h = composite_hash(composite_.data(), composite_len_);
    if (RowKeyIndex::Ref found = out_.row_keys.find(composite(), h)) return found;
    return new_composite(buf, sp, dims, tags_json, categories_json, period, day, h, err, line);
}

}  // namespace curcrunch::ingest
