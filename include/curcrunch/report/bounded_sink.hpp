#pragma once
// A qpdf pipeline that collects decoded stream data and gives up past a limit (throws
// std::length_error), so a small compressed stream cannot expand into gigabytes.
#include <cstddef>
#include <string>

#include <qpdf/Pipeline.hh>

namespace curcrunch::report {

class BoundedSink : public Pipeline {
  public:
    explicit BoundedSink(size_t limit) : Pipeline("bounded sink", nullptr), limit_(limit) {}
    void write(unsigned char const* data, size_t len) override;
    void finish() override {}
    std::string& data() { return data_; }

  private:
    size_t limit_;
    std::string data_;
};

}  // namespace curcrunch::report
