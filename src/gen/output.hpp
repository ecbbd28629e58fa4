#pragma once
// Where generated rows go (internal to src/gen): a file written through a 1 MiB buffer, gzip
// compressed on the way when asked, or the same CSV text handed to a CUR 2.0 Parquet writer;
// and small text files (manifests).
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "curcrunch/core/error.hpp"
#include "curcrunch/gen/cur2_parquet.hpp"

namespace curcrunch::gen {

class Output {
  public:
    // With `parquet`, the CSV text goes to that writer instead (as complete lines: maybe_flush
    // is called between rows).
    Output(const std::string& path, bool gzip, int level,
           std::unique_ptr<Cur2Parquet> parquet = nullptr)
        : gzip_(gzip), parquet_(std::move(parquet)) {
        buf_.reserve(kFlush + 65536);
        if (parquet_) return;
        f_ = std::fopen(path.c_str(), "wb");
        if (!f_) throw_usage(path + ": cannot create");
        if (gzip_ && deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw Error(ErrorKind::internal, "zlib deflateInit2");
    }
    ~Output() {
        if (f_) close();
    }
    std::string& buf() { return buf_; }
    void maybe_flush() {
        if (buf_.size() >= kFlush) flush(false);
    }
    void close() {
        flush(true);
        if (parquet_) {
            parquet_->close();
            parquet_.reset();
            return;
        }
        if (gzip_) deflateEnd(&z_);
        std::fclose(f_);
        f_ = nullptr;
    }
    uint64_t bytes() const { return bytes_ + buf_.size(); }

  private:
    static constexpr size_t kFlush = 1 << 20;
    void flush(bool final) {
        bytes_ += buf_.size();
        if (parquet_) {
            parquet_->add_csv(buf_);
        } else if (!gzip_) {
            std::fwrite(buf_.data(), 1, buf_.size(), f_);
        } else {
            z_.next_in = reinterpret_cast<Bytef*>(buf_.data());
            z_.avail_in = static_cast<uInt>(buf_.size());
            unsigned char out[1 << 16];
            int rc;
            do {
                z_.next_out = out;
                z_.avail_out = sizeof out;
                rc = deflate(&z_, final ? Z_FINISH : Z_NO_FLUSH);
                std::fwrite(out, 1, sizeof out - z_.avail_out, f_);
            } while (z_.avail_out == 0 || (final && rc != Z_STREAM_END));
        }
        buf_.clear();
    }
    std::FILE* f_ = nullptr;
    bool gzip_;
    std::unique_ptr<Cur2Parquet> parquet_;
    z_stream z_{};
    std::string buf_;
    uint64_t bytes_ = 0;
};

void write_text(const std::filesystem::path& p, const std::string& s);

}  // namespace curcrunch::gen
