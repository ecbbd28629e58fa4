#pragma once
// A qpdf pipeline that feeds what passes through it into a SHA-256, so stream data is hashed
// without being held in memory.
#include <qpdf/Pipeline.hh>

#include <cstdint>
#include <stdexcept>

#include "curcrunch/core/sha256.hpp"

namespace curcrunch::report {

// With a limit, more bytes than it throws std::length_error, and over_limit() says so after
// the call even when the PDF library caught that and only reported the stream unreadable.
class HashPipeline : public Pipeline {
  public:
    explicit HashPipeline(Sha256& h, uint64_t limit = UINT64_MAX)
        : Pipeline("sha256", nullptr), h_(h), left_(limit) {}
    void write(unsigned char const* data, size_t len) override {
        if (len > left_) {
            over_ = true;
            throw std::length_error("more data than the limit");
        }
        left_ -= len;
        h_.update(data, len);
    }
    void finish() override {}
    bool over_limit() const { return over_; }

  private:
    Sha256& h_;
    uint64_t left_;
    bool over_ = false;
};

}  // namespace curcrunch::report
