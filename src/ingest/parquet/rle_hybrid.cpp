#include "curcrunch/ingest/parquet/rle_hybrid.hpp"

#include <algorithm>
#include <string>

#include "curcrunch/ingest/parquet/bit_util.hpp"

namespace curcrunch::ingest::parquet {

void RleHybridDecoder::reset(const uint8_t* data, size_t size, unsigned width) {
    if (width > 32) fail_format("RLE bit width " + std::to_string(width) + " is over 32");
    p_ = data;
    end_ = data + size;
    width_ = width;
    repeat_left_ = packed_left_ = 0;
}

size_t RleHybridDecoder::unread() const {
    // A few bytes only: zeros read as empty runs too, and a page padded with megabytes of them
    // is what this check is for.
    constexpr size_t kEmptyRunBytes = 8;
    const uint8_t* q = p_;
    while (q < end_) {
        if (static_cast<size_t>(q - p_) >= kEmptyRunBytes) return static_cast<size_t>(end_ - p_);
        const uint8_t* at = q;
        uint64_t header = 0;
        for (unsigned shift = 0; q < end_ && shift < 64; shift += 7) {
            const uint8_t b = *q++;
            header |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) break;
        }
        if ((header >> 1) != 0) return static_cast<size_t>(end_ - at);
        if (!(header & 1)) q += std::min<size_t>((width_ + 7) / 8, static_cast<size_t>(end_ - q));
    }
    return 0;
}

bool RleHybridDecoder::next_run() {
    if (p_ >= end_) return false;
    const uint64_t header = read_uleb(p_, end_, "RLE run header");
    const uint64_t count = header >> 1;
    if (header & 1) {
        // Bit-packed: count groups of 8 values. A final run may be cut short by the end of
        // the data (some writers do not pad it); only whole values that are there count.
        const uint64_t avail = static_cast<uint64_t>(end_ - p_);
        uint64_t bytes = count * width_;  // count < 2^63, width <= 32: see the check below
        if (count > (uint64_t(1) << 40)) fail_format("RLE bit-packed run count is absurd");
        if (bytes > avail) bytes = avail;
        packed_ = p_;
        packed_end_ = p_ + bytes;
        packed_next_ = 0;
        packed_left_ = width_ == 0 ? count * 8 : std::min<uint64_t>(count * 8, bytes * 8 / width_);
        p_ += bytes;
        if (packed_left_ == 0 && count != 0 && width_ != 0)
            fail_format("RLE bit-packed run runs past the end of the page");
    } else {
        const unsigned nbytes = (width_ + 7) / 8;
        if (static_cast<size_t>(end_ - p_) < nbytes)
            fail_format("RLE run value runs past the end of the page");
        uint32_t v = 0;
        for (unsigned i = 0; i < nbytes; ++i)
            v |= static_cast<uint32_t>(p_[i]) << (8 * i);
        p_ += nbytes;
        if (width_ < 32 && (v >> width_) != 0)
            fail_format("RLE run value does not fit its bit width");
        repeat_value_ = v;
        repeat_left_ = count;
    }
    return true;
}

template <class T>
size_t RleHybridDecoder::decode_into(T* out, size_t n) {
    size_t done = 0;
    while (done < n) {
        if (repeat_left_ > 0) {
            const size_t k = static_cast<size_t>(std::min<uint64_t>(repeat_left_, n - done));
            std::fill(out + done, out + done + k, static_cast<T>(repeat_value_));
            repeat_left_ -= k;
            done += k;
        } else if (packed_left_ > 0) {
            const size_t k = static_cast<size_t>(std::min<uint64_t>(packed_left_, n - done));
            unpack32(packed_, packed_end_, packed_next_, k, width_, out + done);
            packed_next_ += k;
            packed_left_ -= k;
            done += k;
        } else if (!next_run()) {
            break;
        }
    }
    return done;
}

bool RleHybridDecoder::take_repeat(size_t n, uint32_t& value) {
    // A run header read here is the one decode_into would read next: nothing is lost if the
    // run turns out to be bit-packed or too short.
    if (repeat_left_ == 0 && packed_left_ == 0 && !next_run()) return false;
    if (repeat_left_ < n) return false;
    repeat_left_ -= n;
    value = repeat_value_;
    return true;
}

template <class T>
void RleHybridDecoder::decode_exact(T* out, size_t n, const char* what) {
    if (decode_into(out, n) != n)
        fail_format(std::string(what) + ": RLE data ends before all values were decoded");
}

template size_t RleHybridDecoder::decode_into<uint32_t>(uint32_t*, size_t);
template size_t RleHybridDecoder::decode_into<uint8_t>(uint8_t*, size_t);
template void RleHybridDecoder::decode_exact<uint32_t>(uint32_t*, size_t, const char*);
template void RleHybridDecoder::decode_exact<uint8_t>(uint8_t*, size_t, const char*);

void decode_bit_packed_msb(const uint8_t* data, size_t size, unsigned width, uint8_t* out,
                           size_t n) {
    if (width > 8) fail_format("BIT_PACKED level width over 8");
    if ((static_cast<uint64_t>(n) * width + 7) / 8 > size)
        fail_format("BIT_PACKED levels run past the end of the page");
    uint64_t bit = 0;
    for (size_t i = 0; i < n; ++i) {
        unsigned v = 0;
        for (unsigned b = 0; b < width; ++b, ++bit)
            v = (v << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
        out[i] = static_cast<uint8_t>(v);
    }
}

}  // namespace curcrunch::ingest::parquet
