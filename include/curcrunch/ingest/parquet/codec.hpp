#pragma once
// Page decompression for the codecs Parquet writers use: SNAPPY (the default of parquet-mr,
// Spark and AWS), ZSTD, GZIP, BROTLI, LZ4_RAW and the deprecated LZ4 (Hadoop framing, with a
// raw-block fallback as Arrow does). The caller knows the exact decompressed size from the page
// header, so every codec must produce exactly that many bytes or the page is damaged.
// One Decompressor per worker: it keeps the zstd and zlib contexts between pages.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "curcrunch/ingest/stage_stats.hpp"

namespace curcrunch::ingest::parquet {

class Decompressor {
  public:
    Decompressor();
    ~Decompressor();
    Decompressor(const Decompressor&) = delete;
    Decompressor& operator=(const Decompressor&) = delete;

    // Decompresses `src` into exactly `dst_size` bytes at `dst`. Throws FormatError naming the
    // codec when the data is corrupt or its size differs; an unsupported codec is a FormatError
    // too.
    void decompress(int32_t codec, const uint8_t* src, size_t src_size, uint8_t* dst,
                    size_t dst_size);

    static bool supported(int32_t codec);

    // `ingest --stats`: each page's decompression moves from the running decode stage to the
    // read/inflate one (one clock read per page, and only when stats are on).
    void set_stats(StageStats* stats) { stats_ = stats; }

  private:
    void decompress_page(int32_t codec, const uint8_t* src, size_t src_size, uint8_t* dst,
                         size_t dst_size);

    StageStats* stats_ = nullptr;
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace curcrunch::ingest::parquet
