#include "curcrunch/ingest/parquet/column_reader.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "curcrunch/ingest/parquet/bit_util.hpp"
#include "curcrunch/ingest/parquet/format_error.hpp"

namespace curcrunch::ingest::parquet {
namespace {

unsigned bit_width(uint32_t max) {
    unsigned w = 0;
    while (max >> w)
        ++w;
    return w;
}

bool is_dictionary_encoding(int32_t e) {
    return e == kPlainDictionary || e == kRleDictionary;
}

}  // namespace

ColumnChunkReader::ColumnChunkReader(const uint8_t* file, uint64_t data_end, const ColumnMeta& meta,
                                     const LeafColumn& leaf, Decompressor& codec,
                                     PageBudget* budget)
    : leaf_(leaf),
      type_(leaf.element.type),
      width_(fixed_width(leaf.element.type, leaf.element.type_length)),
      chunk_values_(static_cast<uint64_t>(meta.num_values)),
      pages_(file, data_end, meta, codec, budget) {
    if (meta.type != type_)
        fail_format(std::string("column chunk type ") + physical_type_name(meta.type) +
                    " differs from the schema's " + physical_type_name(type_));
    if (type_ == PhysicalType::fixed_len_byte_array && width_ == 0)
        fail_format("FIXED_LEN_BYTE_ARRAY column without a positive type_length");
}

void ColumnChunkReader::load_dictionary(const Page& p) {
    const PageHeader& h = p.header;
    if (h.encoding != kPlain && h.encoding != kPlainDictionary)
        fail_format(std::string("dictionary page encoding ") + encoding_name(h.encoding) +
                    " is not supported");
    if (type_ == PhysicalType::boolean) fail_format("BOOLEAN column with a dictionary page");
    // Bound the count by the bytes before sizing anything: a BYTE_ARRAY value takes at least
    // its 4-byte length, a fixed-width value its width.
    const uint64_t per = type_ == PhysicalType::byte_array ? 4 : width_;
    const uint64_t n = static_cast<uint64_t>(h.num_values);
    if (n * per > p.values_size)
        fail_format("dictionary page claims " + std::to_string(n) + " values in " +
                    std::to_string(p.values_size) + " bytes");
    dict_plain_.reset(type_, width_, p.values, p.values_size);
    dict_ = dict_plain_.decode(static_cast<size_t>(n));
    if (dict_.count != n)
        fail_format("dictionary page ends after " + std::to_string(dict_.count) + " of " +
                    std::to_string(n) + " values");
    if (dict_plain_.unread() > 0)  // as a data page's (check_page_end)
        fail_format("dictionary page has " + std::to_string(dict_plain_.unread()) +
                    " bytes left over after its " + std::to_string(n) +
                    " values; its size says more than it holds");
    has_dict_ = true;
    ++dict_version_;
}

void ColumnChunkReader::start_levels(const Page& p, const uint8_t*& values, size_t& size) {
    const PageHeader& h = p.header;
    const unsigned def_w = bit_width(static_cast<uint32_t>(leaf_.max_def));
    const unsigned rep_w = bit_width(static_cast<uint32_t>(leaf_.max_rep));
    const size_t n = static_cast<size_t>(h.num_values);
    def_msb_ = rep_msb_ = false;
    if (static_cast<PageType>(h.type) == PageType::data_v2) {
        if (leaf_.max_rep > 0) rep_dec_.reset(p.rep, p.rep_size, rep_w);
        if (leaf_.max_def > 0) def_dec_.reset(p.def, p.def_size, def_w);
        values = p.values;
        size = p.values_size;
        return;
    }
    const uint8_t* q = p.values;
    const uint8_t* end = p.values + p.values_size;
    auto section = [&](int32_t encoding, unsigned w, RleHybridDecoder& dec, bool& msb,
                       const uint8_t*& msb_data, size_t& msb_size, size_t& msb_pos) {
        if (encoding == kBitPacked) {
            const uint64_t bytes = (static_cast<uint64_t>(n) * w + 7) / 8;
            if (bytes > static_cast<uint64_t>(end - q))
                fail_format("BIT_PACKED levels run past the end of the page");
            msb = true;
            msb_data = q;
            msb_size = static_cast<size_t>(bytes);
            msb_pos = 0;
            q += bytes;
            return;
        }
        if (encoding != kRle)
            fail_format(std::string("level encoding ") + encoding_name(encoding) +
                        " is not supported");
        if (end - q < 4) fail_format("level section length runs past the end of the page");
        const uint32_t len = load_le32(q);
        if (len > static_cast<size_t>(end - q) - 4)
            fail_format("level section of " + std::to_string(len) +
                        " bytes runs past the end of the page");
        dec.reset(q + 4, len, w);
        q += 4 + static_cast<size_t>(len);
    };
    if (leaf_.max_rep > 0)
        section(h.rep_encoding, rep_w, rep_dec_, rep_msb_, rep_msb_data_, rep_msb_size_,
                rep_msb_pos_);
    if (leaf_.max_def > 0)
        section(h.def_encoding, def_w, def_dec_, def_msb_, def_msb_data_, def_msb_size_,
                def_msb_pos_);
    values = q;
    size = static_cast<size_t>(end - q);
}

void ColumnChunkReader::start_values(const uint8_t* data, size_t size) {
    const int32_t e = encoding_;
    const auto wrong_type = [&] {
        fail_format(std::string("encoding ") + encoding_name(e) + " is not valid for " +
                    physical_type_name(type_) + " columns");
    };
    switch (e) {
        case kPlain:
            plain_.reset(type_, width_, data, size);
            return;
        case kPlainDictionary:
        case kRleDictionary: {
            if (!has_dict_) fail_format("dictionary-encoded page without a dictionary page");
            if (size == 0) {
                index_dec_.reset(data, 0, 0);
                return;
            }
            const unsigned w = data[0];
            if (w > 32) fail_format("dictionary index bit width " + std::to_string(w) + " over 32");
            index_dec_.reset(data + 1, size - 1, w);
            return;
        }
        case kRle: {
            if (type_ != PhysicalType::boolean) wrong_type();
            if (size < 4) fail_format("RLE boolean length runs past the end of the page");
            const uint32_t len = load_le32(data);
            if (len > size - 4) fail_format("RLE boolean data runs past the end of the page");
            index_dec_.reset(data + 4, len, 1);
            return;
        }
        case kDeltaBinaryPacked:
            if (type_ != PhysicalType::int32 && type_ != PhysicalType::int64) wrong_type();
            delta_.reset(data, size);
            return;
        case kDeltaLengthByteArray:
            if (type_ != PhysicalType::byte_array) wrong_type();
            delta_length_.reset(data, size);
            return;
        case kDeltaByteArray:
            if (type_ != PhysicalType::byte_array && type_ != PhysicalType::fixed_len_byte_array)
                wrong_type();
            delta_bytes_.reset(data, size);
            return;
        case kByteStreamSplit:
            if (width_ == 0 || type_ == PhysicalType::boolean || type_ == PhysicalType::int96)
                wrong_type();
            if (size % width_ != 0)
                fail_format("BYTE_STREAM_SPLIT data is not a whole number of values");
            split_.reset(width_, data, size, size / width_);
            return;
        default:
            break;
    }
    fail_format(std::string("encoding ") + encoding_name(e) + " (" + std::to_string(e) +
                ") is not supported");
}

bool ColumnChunkReader::load_page() {
    for (;;) {
        pages_.release_consumed();
        if (!pages_.next(page_)) return false;
        const PageType t = static_cast<PageType>(page_.header.type);
        if (t == PageType::dictionary) {
            load_dictionary(page_);
            continue;
        }
        if (page_.header.num_values == 0) continue;
        if (entries_read_ + static_cast<uint64_t>(page_.header.num_values) > chunk_values_)
            fail_format("pages hold more values than the column chunk's " +
                        std::to_string(chunk_values_));
        encoding_ = page_.header.encoding;
        const uint8_t* values = nullptr;
        size_t size = 0;
        start_levels(page_, values, size);
        start_values(values, size);
        page_left_ = static_cast<uint64_t>(page_.header.num_values);
        return true;
    }
}

size_t ColumnChunkReader::decode_levels(size_t n) {
    size_t values = n;
    auto msb = [&](const uint8_t* data, size_t size, size_t& pos, unsigned w,
                   std::vector<uint8_t>& out) {
        // Deprecated and rare: decode from the section start up to pos + n, keep the tail.
        if (msb_tmp_.size() < pos + n) msb_tmp_.resize(pos + n);
        decode_bit_packed_msb(data, size, w, msb_tmp_.data(), pos + n);
        std::memcpy(out.data(), msb_tmp_.data() + pos, n);
        pos += n;
    };
    all_defined_ = false;
    if (leaf_.max_def > 0) {
        const uint8_t max = static_cast<uint8_t>(leaf_.max_def);
        uint32_t level = 0;
        if (!def_msb_ && def_dec_.take_repeat(n, level)) {
            // Writers give a page without nulls one RLE run of the maximum level: the run says
            // it all, and the levels are neither written out nor checked one by one.
            if (level > max) fail_format("definition level above the column's maximum");
            all_defined_ = level == max;
            values = all_defined_ ? n : 0;
            if (!all_defined_) {
                if (def_.size() < n) def_.resize(n);
                std::memset(def_.data(), static_cast<int>(level), n);
            }
        } else {
            if (def_.size() < n) def_.resize(n);
            if (def_msb_)
                msb(def_msb_data_, def_msb_size_, def_msb_pos_,
                    bit_width(static_cast<uint32_t>(leaf_.max_def)), def_);
            else
                def_dec_.decode_exact(def_.data(), n, "definition levels");
            // One pass checks the levels and counts the entries with a value.
            uint8_t bad = 0;
            size_t defined = 0;
            for (size_t i = 0; i < n; ++i) {
                bad |= static_cast<uint8_t>(def_[i] > max);
                defined += def_[i] == max;
            }
            if (bad) fail_format("definition level above the column's maximum");
            values = defined;
        }
    }
    if (leaf_.max_rep > 0) {
        if (rep_.size() < n) rep_.resize(n);
        if (rep_msb_)
            msb(rep_msb_data_, rep_msb_size_, rep_msb_pos_,
                bit_width(static_cast<uint32_t>(leaf_.max_rep)), rep_);
        else
            rep_dec_.decode_exact(rep_.data(), n, "repetition levels");
        const uint8_t max = static_cast<uint8_t>(leaf_.max_rep);
        uint8_t bad = 0;
        for (size_t i = 0; i < n; ++i)
            bad |= static_cast<uint8_t>(rep_[i] > max);
        if (bad) fail_format("repetition level above the column's maximum");
        if (entries_read_ == 0 && n > 0 && rep_[0] != 0)
            fail_format("column chunk starts in the middle of a record");
    }
    return values;
}

ValueRun ColumnChunkReader::decode_values(size_t n) {
    ValueRun r;
    const auto short_page = [&](size_t got) {
        fail_format("page ends after " + std::to_string(got) + " of its values");
    };
    switch (encoding_) {
        case kPlain:
            r = plain_.decode(n);
            break;
        case kRle: {
            if (delta_out_.size() < n) delta_out_.resize(n);
            index_dec_.decode_exact(delta_out_.data(), n, "RLE booleans");
            r.count = n;
            r.fixed = delta_out_.data();
            r.width = 1;
            break;
        }
        case kDeltaBinaryPacked: {
            if (delta_tmp_.size() < n) delta_tmp_.resize(n);
            const size_t got = delta_.decode(delta_tmp_.data(), n);
            if (got != n) short_page(got);
            if (delta_out_.size() < n * width_) delta_out_.resize(n * width_);
            if (width_ == 8) {
                std::memcpy(delta_out_.data(), delta_tmp_.data(), n * 8);
            } else {
                for (size_t i = 0; i < n; ++i) {
                    const uint32_t v = static_cast<uint32_t>(delta_tmp_[i]);
                    std::memcpy(delta_out_.data() + i * 4, &v, 4);
                }
            }
            r.count = n;
            r.fixed = delta_out_.data();
            r.width = width_;
            break;
        }
        case kDeltaLengthByteArray:
        case kDeltaByteArray: {
            if (views_.size() < n) views_.resize(n);
            const size_t got = encoding_ == kDeltaByteArray
                                   ? delta_bytes_.decode(views_.data(), n)
                                   : delta_length_.decode(views_.data(), n);
            if (got != n) short_page(got);
            if (type_ == PhysicalType::fixed_len_byte_array)
                for (size_t i = 0; i < n; ++i)
                    if (views_[i].size() != width_)
                        fail_format("FIXED_LEN_BYTE_ARRAY value of the wrong length");
            r.count = n;
            r.bytes = views_.data();
            break;
        }
        case kByteStreamSplit:
            r = split_.decode(n, type_ == PhysicalType::fixed_len_byte_array);
            break;
        default:
            break;
    }
    if (r.count != n) short_page(r.count);
    return r;
}

// A page's uncompressed size is its levels and values and nothing else (parquet.thrift:
// uncompressed_page_size; V2 adds the level lengths), so bytes left after the page's last value
// are damage: a size that lies, or padding that would have a small file decompress to
// gigabytes. Checked where the end is exact: PLAIN, dictionary indices, BYTE_STREAM_SPLIT and
// RLE levels. The DELTA encodings may end in a partly written block, so they are not.
void ColumnChunkReader::check_page_end() const {
    size_t left = 0;
    const char* what = "values";
    if (!def_msb_ && leaf_.max_def > 0 && def_dec_.unread() > 0) {
        left = def_dec_.unread();
        what = "definition levels";
    } else if (!rep_msb_ && leaf_.max_rep > 0 && rep_dec_.unread() > 0) {
        left = rep_dec_.unread();
        what = "repetition levels";
    } else if (encoding_ == kPlain) {
        left = plain_.unread();
    } else if (is_dictionary_encoding(encoding_)) {
        left = index_dec_.unread();
    } else if (encoding_ == kByteStreamSplit) {
        left = split_.unread();
    }
    if (left > 0)
        fail_format("page has " + std::to_string(left) + " bytes left over after its " + what +
                    "; its size says more than it holds");
}

bool ColumnChunkReader::next(size_t max_entries, ColumnRun& run) {
    {
        if (page_left_ == 0 && !load_page()) {
            if (entries_read_ != chunk_values_)
                fail_format("column chunk ends after " + std::to_string(entries_read_) + " of " +
                            std::to_string(chunk_values_) + " values");
            return false;
        }
        const size_t n = static_cast<size_t>(std::min<uint64_t>(max_entries, page_left_));
        const size_t nv = decode_levels(n);
        run = ColumnRun{};
        run.entries = n;
        run.def = leaf_.max_def > 0 && !all_defined_ ? def_.data() : nullptr;
        run.rep = leaf_.max_rep > 0 ? rep_.data() : nullptr;
        run.values = nv;
        if (nv > 0) {
            if (is_dictionary_encoding(encoding_)) {
                if (indices_.size() < nv) indices_.resize(nv);
                index_dec_.decode_exact(indices_.data(), nv, "dictionary indices");
                // One branch-free pass (a vector compare) clears a run; the maximum, for the
                // message, is only looked for in a damaged one.
                const auto count = static_cast<uint32_t>(std::min<size_t>(dict_.count, UINT32_MAX));
                uint32_t over = 0;
                for (size_t i = 0; i < nv; ++i)
                    over |= static_cast<uint32_t>(indices_[i] >= count);
                uint32_t top = 0;
                if (over)
                    for (size_t i = 0; i < nv; ++i)
                        top = std::max(top, indices_[i]);
                if (top >= dict_.count)
                    fail_format("dictionary index " + std::to_string(top) +
                                " out of range (the dictionary has " + std::to_string(dict_.count) +
                                " entries)");
                run.dictionary = true;
                run.indices = indices_.data();
            } else {
                run.plain = decode_values(nv);
            }
        }
        page_left_ -= n;
        entries_read_ += n;
        if (page_left_ == 0) check_page_end();
        return true;
    }
}

}  // namespace curcrunch::ingest::parquet
