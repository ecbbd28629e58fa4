#pragma once
// A qpdf pipeline that feeds what passes through it into a SHA-256, so stream data is hashed
// without being held in memory.
#include <qpdf/Pipeline.hh>

#include "curcrunch/core/sha256.hpp"

namespace curcrunch::report {

class HashPipeline : public Pipeline {
  public:
    explicit HashPipeline(Sha256& h) : Pipeline("sha256", nullptr), h_(h) {}
    void write(unsigned char const* data, size_t len) override { h_.update(data, len); }
    void finish() override {}

  private:
    Sha256& h_;
};

}  // namespace curcrunch::report
