#include "curcrunch/ingest/parquet/codec.hpp"

#include <brotli/decode.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <string>

#include "curcrunch/ingest/parquet/format_error.hpp"
#include "curcrunch/ingest/parquet/metadata.hpp"

namespace curcrunch::ingest::parquet {

struct Decompressor::State {
    ZSTD_DCtx* zstd = nullptr;
    z_stream z{};
    bool z_ready = false;
    ~State() {
        if (zstd) ZSTD_freeDCtx(zstd);
        if (z_ready) inflateEnd(&z);
    }
};

Decompressor::Decompressor() : s_(std::make_unique<State>()) {}
Decompressor::~Decompressor() = default;

bool Decompressor::supported(int32_t codec) {
    switch (static_cast<Codec>(codec)) {
        case Codec::uncompressed:
        case Codec::snappy:
        case Codec::gzip:
        case Codec::brotli:
        case Codec::lz4:
        case Codec::zstd:
        case Codec::lz4_raw:
            return true;
        case Codec::lzo:
            break;
    }
    return false;
}

namespace {

[[noreturn]] void corrupt(int32_t codec, const std::string& why) {
    fail_format(std::string("corrupt ") + codec_name(codec) + " data: " + why);
}

void size_mismatch(int32_t codec, size_t got, size_t want) {
    if (got != want)
        corrupt(codec, "decompressed to " + std::to_string(got) + " bytes, the page header says " +
                           std::to_string(want));
}

// Hadoop's LZ4 framing: [uncompressed size BE32][compressed size BE32][block] repeated.
bool lz4_hadoop(const uint8_t* src, size_t n, uint8_t* dst, size_t cap) {
    size_t out = 0;
    while (n > 0) {
        if (n < 8) return false;
        const uint32_t raw =
            static_cast<uint32_t>(src[0]) << 24 | src[1] << 16 | src[2] << 8 | src[3];
        const uint32_t comp =
            static_cast<uint32_t>(src[4]) << 24 | src[5] << 16 | src[6] << 8 | src[7];
        src += 8;
        n -= 8;
        if (comp > n || raw > cap - out || comp > INT32_MAX || raw > INT32_MAX) return false;
        const int got = LZ4_decompress_safe(reinterpret_cast<const char*>(src),
                                            reinterpret_cast<char*>(dst + out),
                                            static_cast<int>(comp), static_cast<int>(raw));
        if (got < 0 || static_cast<uint32_t>(got) != raw) return false;
        out += raw;
        src += comp;
        n -= comp;
    }
    return out == cap;
}

}  // namespace

void Decompressor::decompress(int32_t codec, const uint8_t* src, size_t n, uint8_t* dst,
                              size_t want) {
    // Inside the row group's decode timer, which this one pauses.
    StageTimer t(stats_, Stage::read);
    decompress_page(codec, src, n, dst, want);
}

void Decompressor::decompress_page(int32_t codec, const uint8_t* src, size_t n, uint8_t* dst,
                                   size_t want) {
    switch (static_cast<Codec>(codec)) {
        case Codec::uncompressed:
            size_mismatch(codec, n, want);
            if (n) std::memcpy(dst, src, n);
            return;
        case Codec::snappy: {
            size_t len = 0;
            const char* s = reinterpret_cast<const char*>(src);
            if (!snappy::GetUncompressedLength(s, n, &len)) corrupt(codec, "bad length header");
            size_mismatch(codec, len, want);
            if (!snappy::RawUncompress(s, n, reinterpret_cast<char*>(dst)))
                corrupt(codec, "cannot decompress");
            return;
        }
        case Codec::zstd: {
            if (!s_->zstd) s_->zstd = ZSTD_createDCtx();
            if (!s_->zstd) throw std::bad_alloc();
            const size_t got = ZSTD_decompressDCtx(s_->zstd, dst, want, src, n);
            if (ZSTD_isError(got)) corrupt(codec, ZSTD_getErrorName(got));
            size_mismatch(codec, got, want);
            return;
        }
        case Codec::gzip: {
            z_stream& z = s_->z;
            if (!s_->z_ready) {
                if (inflateInit2(&z, 15 + 32) != Z_OK) throw std::bad_alloc();
                s_->z_ready = true;
            } else {
                inflateReset(&z);
            }
            if (n > UINT32_MAX || want > UINT32_MAX) corrupt(codec, "page too large");
            z.next_in = const_cast<Bytef*>(src);
            z.avail_in = static_cast<uInt>(n);
            z.next_out = dst;
            z.avail_out = static_cast<uInt>(want);
            int rc = inflate(&z, Z_FINISH);
            if (rc != Z_STREAM_END) {
                if (rc == Z_BUF_ERROR && z.avail_out == 0)
                    corrupt(codec, "decompresses to more bytes than the page header says");
                corrupt(codec, z.msg ? z.msg : "cannot inflate");
            }
            size_mismatch(codec, want - z.avail_out, want);
            return;
        }
        case Codec::brotli: {
            size_t out = want;
            if (BrotliDecoderDecompress(n, src, &out, dst) != BROTLI_DECODER_RESULT_SUCCESS)
                corrupt(codec, "cannot decompress");
            size_mismatch(codec, out, want);
            return;
        }
        case Codec::lz4_raw: {
            if (n > INT32_MAX || want > INT32_MAX) corrupt(codec, "page too large");
            const int got = LZ4_decompress_safe(reinterpret_cast<const char*>(src),
                                                reinterpret_cast<char*>(dst), static_cast<int>(n),
                                                static_cast<int>(want));
            if (got < 0) corrupt(codec, "cannot decompress");
            size_mismatch(codec, static_cast<size_t>(got), want);
            return;
        }
        case Codec::lz4: {
            if (lz4_hadoop(src, n, dst, want)) return;
            if (n > INT32_MAX || want > INT32_MAX) corrupt(codec, "page too large");
            const int got = LZ4_decompress_safe(reinterpret_cast<const char*>(src),
                                                reinterpret_cast<char*>(dst), static_cast<int>(n),
                                                static_cast<int>(want));
            if (got < 0) corrupt(codec, "cannot decompress");
            size_mismatch(codec, static_cast<size_t>(got), want);
            return;
        }
        case Codec::lzo:
            break;
    }
    fail_format(std::string("compression codec ") + codec_name(codec) + " (" +
                std::to_string(codec) + ") is not supported");
}

}  // namespace curcrunch::ingest::parquet
