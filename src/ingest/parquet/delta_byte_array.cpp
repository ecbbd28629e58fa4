#include "curcrunch/ingest/parquet/delta_byte_array.hpp"

#include <algorithm>
#include <cstring>

#include "curcrunch/ingest/parquet/format_error.hpp"

namespace curcrunch::ingest::parquet {

void DeltaLengthByteArrayDecoder::reset(const uint8_t* data, size_t size) {
    lengths_.reset(data, size);
    bytes_ = lengths_.end_of_values();
    end_ = data + size;
}

size_t DeltaLengthByteArrayDecoder::decode(std::string_view* out, size_t n) {
    size_t done = 0;
    while (done < n) {
        const size_t want = std::min<size_t>(n - done, 256);
        const size_t got = lengths_.decode(len_buf_, want);
        if (got == 0) break;
        for (size_t i = 0; i < got; ++i) {
            const int64_t len = len_buf_[i];
            if (len < 0 || static_cast<uint64_t>(len) > static_cast<uint64_t>(end_ - bytes_))
                fail_format("DELTA_LENGTH_BYTE_ARRAY value length " + std::to_string(len) +
                            " runs past the end of the page");
            out[done + i] =
                std::string_view(reinterpret_cast<const char*>(bytes_), static_cast<size_t>(len));
            bytes_ += len;
        }
        done += got;
    }
    return done;
}

void DeltaByteArrayDecoder::reset(const uint8_t* data, size_t size) {
    prefixes_.reset(data, size);
    const uint8_t* suffix_start = prefixes_.end_of_values();
    suffixes_.reset(suffix_start, static_cast<size_t>(data + size - suffix_start));
    if (suffixes_.total() != prefixes_.total())
        fail_format("DELTA_BYTE_ARRAY has " + std::to_string(prefixes_.total()) + " prefixes but " +
                    std::to_string(suffixes_.total()) + " suffixes");
    last_.clear();
    expanded_ = 0;
}

size_t DeltaByteArrayDecoder::decode(std::string_view* out, size_t n) {
    // Rebuild into arena_ first, then hand out views: the arena may move while it grows.
    arena_.clear();
    size_t done = 0;
    spans_.clear();
    while (done < n) {
        const size_t want = std::min<size_t>(n - done, 256);
        const size_t got = prefixes_.decode(prefix_buf_, want);
        if (got == 0) break;
        if (suffixes_.decode(suffix_buf_, got) != got)
            fail_format("DELTA_BYTE_ARRAY suffixes end before the prefixes");
        for (size_t i = 0; i < got; ++i) {
            const int64_t pre = prefix_buf_[i];
            if (pre < 0 || static_cast<uint64_t>(pre) > last_.size())
                fail_format("DELTA_BYTE_ARRAY prefix length " + std::to_string(pre) +
                            " is longer than the previous value");
            const std::string_view suf = suffix_buf_[i];
            expanded_ += static_cast<uint64_t>(pre) + suf.size();
            if (expanded_ > kMaxExpandedBytes)
                fail_format("DELTA_BYTE_ARRAY page expands past 256 MiB");
            last_.resize(static_cast<size_t>(pre));
            last_.append(suf);
            spans_.emplace_back(arena_.size(), last_.size());
            arena_.insert(arena_.end(), last_.begin(), last_.end());
        }
        done += got;
    }
    for (size_t i = 0; i < done; ++i)
        out[i] = std::string_view(arena_.data() + spans_[i].first, spans_[i].second);
    return done;
}

}  // namespace curcrunch::ingest::parquet
