#include "curcrunch/report/bounded_sink.hpp"

#include <stdexcept>

namespace curcrunch::report {

void BoundedSink::write(unsigned char const* data, size_t len) {
    if (data_.size() + len > limit_) throw std::length_error("over the limit");
    data_.append(reinterpret_cast<const char*>(data), len);
}

}  // namespace curcrunch::report
