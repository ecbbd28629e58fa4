#pragma once
// Damage found inside a Parquet file. Decoders throw FormatError with what is wrong ("dictionary
// index 70000 out of range (12 entries)"); the column chunk reader and the file reader catch it
// and rethrow it as Error(input) with where it is (file, row group, column, page, row), so the
// innermost code never needs to know its context. Messages never quote raw file bytes.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace curcrunch::ingest::parquet {

class FormatError : public std::runtime_error {
  public:
    explicit FormatError(const std::string& what) : std::runtime_error(what) {}
};

[[noreturn]] inline void fail_format(const std::string& what) {
    throw FormatError(what);
}

// Every length or count read from a file passes through one of these before it is used.
inline void require(bool ok, const char* what) {
    if (!ok) fail_format(what);
}
inline size_t checked_size(int64_t v, uint64_t limit, const char* what) {
    if (v < 0 || static_cast<uint64_t>(v) > limit)
        fail_format(std::string(what) + " " + std::to_string(v) + " is out of range (0.." +
                    std::to_string(limit) + ")");
    return static_cast<size_t>(v);
}

}  // namespace curcrunch::ingest::parquet
