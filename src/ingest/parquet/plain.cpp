#include "curcrunch/ingest/parquet/plain.hpp"

#include <algorithm>
#include <string>

#include "curcrunch/ingest/parquet/bit_util.hpp"

namespace curcrunch::ingest::parquet {

uint32_t fixed_width(PhysicalType t, int32_t type_length) {
    switch (t) {
        case PhysicalType::boolean:
            return 1;
        case PhysicalType::int32:
        case PhysicalType::float32:
            return 4;
        case PhysicalType::int64:
        case PhysicalType::float64:
            return 8;
        case PhysicalType::int96:
            return 12;
        case PhysicalType::fixed_len_byte_array:
            return type_length > 0 ? static_cast<uint32_t>(type_length) : 0;
        case PhysicalType::byte_array:
        case PhysicalType::none:
            break;
    }
    return 0;
}

void PlainDecoder::reset(PhysicalType type, uint32_t width, const uint8_t* data, size_t size) {
    type_ = type;
    width_ = width;
    p_ = data;
    end_ = data + size;
    bit_ = 0;
}

ValueRun PlainDecoder::decode(size_t n) {
    ValueRun r;
    if (type_ == PhysicalType::boolean) {
        const uint64_t avail_bits = static_cast<uint64_t>(end_ - p_) * 8 - bit_;
        n = static_cast<size_t>(std::min<uint64_t>(n, avail_bits));
        if (bools_.size() < n) bools_.resize(n);
        for (size_t i = 0; i < n; ++i, ++bit_)
            bools_[i] = (p_[bit_ >> 3] >> (bit_ & 7)) & 1;
        r.count = n;
        r.fixed = bools_.data();
        r.width = 1;
        return r;
    }
    if (type_ == PhysicalType::byte_array) {
        if (views_.size() < n) views_.resize(n);
        size_t k = 0;
        for (; k < n; ++k) {
            if (end_ - p_ < 4) break;
            const uint32_t len = load_le32(p_);
            if (len > static_cast<size_t>(end_ - p_) - 4)
                fail_format("PLAIN byte array of " + std::to_string(len) +
                            " bytes runs past the end of the page");
            views_[k] = std::string_view(reinterpret_cast<const char*>(p_ + 4), len);
            p_ += 4 + static_cast<size_t>(len);
        }
        r.count = k;
        r.bytes = views_.data();
        return r;
    }
    const size_t avail = width_ ? static_cast<size_t>(end_ - p_) / width_ : 0;
    n = std::min(n, avail);
    if (type_ == PhysicalType::fixed_len_byte_array) {
        if (views_.size() < n) views_.resize(n);
        for (size_t k = 0; k < n; ++k)
            views_[k] = std::string_view(reinterpret_cast<const char*>(p_ + k * width_), width_);
        r.bytes = views_.data();
    } else {
        r.fixed = p_;  // zero copy: the values are read where the page holds them
        r.width = width_;
    }
    r.count = n;
    p_ += n * width_;
    return r;
}

void ByteStreamSplitDecoder::reset(uint32_t width, const uint8_t* data, size_t size, size_t count) {
    if (width == 0 || count > size / width || size != count * width)
        fail_format("BYTE_STREAM_SPLIT data of " + std::to_string(size) + " bytes does not hold " +
                    std::to_string(count) + " values of " + std::to_string(width) + " bytes");
    width_ = width;
    data_ = data;
    count_ = count;
    next_ = 0;
}

ValueRun ByteStreamSplitDecoder::decode(size_t n, bool as_views) {
    n = std::min(n, count_ - next_);
    if (out_.size() < n * width_) out_.resize(n * width_);
    // Stream by stream: each inner loop reads one stream sequentially.
    for (uint32_t k = 0; k < width_; ++k) {
        const uint8_t* s = data_ + static_cast<size_t>(k) * count_ + next_;
        uint8_t* o = out_.data() + k;
        for (size_t i = 0; i < n; ++i)
            o[i * width_] = s[i];
    }
    next_ += n;
    ValueRun r;
    r.count = n;
    if (as_views) {
        if (views_.size() < n) views_.resize(n);
        for (size_t i = 0; i < n; ++i)
            views_[i] =
                std::string_view(reinterpret_cast<const char*>(out_.data() + i * width_), width_);
        r.bytes = views_.data();
    } else {
        r.fixed = out_.data();
        r.width = width_;
    }
    return r;
}

}  // namespace curcrunch::ingest::parquet
