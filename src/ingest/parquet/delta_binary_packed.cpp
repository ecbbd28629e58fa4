#include "curcrunch/ingest/parquet/delta_binary_packed.hpp"

#include <algorithm>
#include <string>

#include "curcrunch/ingest/parquet/bit_util.hpp"

namespace curcrunch::ingest::parquet {

void DeltaBinaryPackedDecoder::reset(const uint8_t* data, size_t size) {
    begin_ = p_ = data;
    end_ = data + size;
    block_size_ = read_uleb(p_, end_, "DELTA_BINARY_PACKED header");
    miniblocks_ = read_uleb(p_, end_, "DELTA_BINARY_PACKED header");
    total_ = read_uleb(p_, end_, "DELTA_BINARY_PACKED header");
    last_ = static_cast<uint64_t>(zigzag(read_uleb(p_, end_, "DELTA_BINARY_PACKED header")));
    if (block_size_ == 0 || block_size_ % 128 != 0 || block_size_ > kMaxBlockSize ||
        miniblocks_ == 0 || block_size_ % miniblocks_ != 0 || (block_size_ / miniblocks_) % 32 != 0)
        fail_format("DELTA_BINARY_PACKED header has an invalid block size " +
                    std::to_string(block_size_) + " / " + std::to_string(miniblocks_) +
                    " miniblocks");
    per_mini_ = block_size_ / miniblocks_;
    // Each value after the first needs at least... nothing (width 0), but each block needs at
    // least a min-delta byte and its widths, so a count beyond this is damage.
    const uint64_t max_blocks = static_cast<uint64_t>(end_ - p_) / (1 + miniblocks_) + 1;
    if (total_ > 0 && (total_ - 1) / block_size_ > max_blocks)
        fail_format("DELTA_BINARY_PACKED claims " + std::to_string(total_) +
                    " values, more than its bytes can hold");
    produced_ = 0;
    first_pending_ = total_ > 0;
    mini_index_ = miniblocks_;  // no block loaded yet
    mini_pos_ = mini_len_ = 0;
    if (mini_.size() < per_mini_) mini_.resize(per_mini_);
}

bool DeltaBinaryPackedDecoder::next_block() {
    min_delta_ = static_cast<uint64_t>(zigzag(read_uleb(p_, end_, "DELTA_BINARY_PACKED block")));
    if (static_cast<uint64_t>(end_ - p_) < miniblocks_)
        fail_format("DELTA_BINARY_PACKED block widths run past the end of the page");
    widths_ = p_;
    p_ += miniblocks_;
    mini_index_ = 0;
    return true;
}

// Unpacks the next miniblock's deltas (only as many as values remain) into mini_.
void DeltaBinaryPackedDecoder::load_miniblock() {
    if (mini_index_ >= miniblocks_) next_block();
    const unsigned width = widths_[mini_index_++];
    if (width > 64) fail_format("DELTA_BINARY_PACKED miniblock bit width over 64");
    const uint64_t want = std::min<uint64_t>(per_mini_, total_ - produced_);
    const uint64_t full = per_mini_ * width / 8;
    const uint64_t needed = (want * width + 7) / 8;
    const uint64_t avail = static_cast<uint64_t>(end_ - p_);
    if (needed > avail) fail_format("DELTA_BINARY_PACKED miniblock runs past the end of the page");
    const uint8_t* data = p_;
    const uint8_t* data_end = p_ + std::min(full, avail);
    if (width <= 32) {
        unpack32(data, data_end, 0, static_cast<size_t>(want), width, mini_.data());
    } else {
        for (uint64_t k = 0; k < want; ++k)
            mini_[k] = unpack_one(data, data_end, k, width);
    }
    p_ = data_end;
    mini_pos_ = 0;
    mini_len_ = static_cast<size_t>(want);
}

size_t DeltaBinaryPackedDecoder::decode(int64_t* out, size_t n) {
    size_t done = 0;
    if (n > 0 && first_pending_) {
        out[done++] = static_cast<int64_t>(last_);
        first_pending_ = false;
        ++produced_;
    }
    while (done < n && produced_ < total_) {
        if (mini_pos_ == mini_len_) load_miniblock();
        const size_t k = std::min(n - done, mini_len_ - mini_pos_);
        uint64_t v = last_;
        const uint64_t md = min_delta_;
        const uint64_t* d = mini_.data() + mini_pos_;
        for (size_t i = 0; i < k; ++i) {
            v += md + d[i];  // wraps modulo 2^64, as the encoding defines
            out[done + i] = static_cast<int64_t>(v);
        }
        last_ = v;
        mini_pos_ += k;
        done += k;
        produced_ += k;
    }
    return done;
}

const uint8_t* DeltaBinaryPackedDecoder::end_of_values() const {
    const uint8_t* p = p_;
    if (total_ <= 1) return p;
    uint64_t left = total_ - 1;
    while (left > 0) {
        read_uleb(p, end_, "DELTA_BINARY_PACKED block");
        if (static_cast<uint64_t>(end_ - p) < miniblocks_)
            fail_format("DELTA_BINARY_PACKED block widths run past the end of the page");
        const uint8_t* widths = p;
        p += miniblocks_;
        for (uint64_t m = 0; m < miniblocks_ && left > 0; ++m) {
            const uint64_t w = widths[m];
            if (w > 64) fail_format("DELTA_BINARY_PACKED miniblock bit width over 64");
            const uint64_t bytes = per_mini_ * w / 8;
            if (bytes > static_cast<uint64_t>(end_ - p))
                fail_format("DELTA_BINARY_PACKED miniblock runs past the end of the page");
            p += bytes;
            left -= std::min(left, per_mini_);
        }
    }
    return p;
}

}  // namespace curcrunch::ingest::parquet
