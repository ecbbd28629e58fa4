#pragma once
// The CRC-32 of a gzip stream's members, checked by the stream's reader instead of by the
// inflate (ByteSource::defer_crc_check says why): csv_stream.cpp feeds it every decompressed
// byte once, in stream order (the header, then each chunk in the pipeline's in-order last
// stage), with the member ends that fall in each piece. A member whose bytes do not give the
// CRC its trailer states ends the ingest, before anything is stored.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "curcrunch/ingest/byte_source.hpp"

namespace curcrunch::ingest {

class MemberCrc {
  public:
    explicit MemberCrc(std::string name) : name_(std::move(name)) {}
    // The next n bytes of the stream (after those of the calls before), and the member ends
    // among them: each end lies in (at, at + n], at being the bytes given so far, in order. Throws
    // Error(input) on a member whose CRC differs.
    void add(const char* p, size_t n, const std::vector<MemberEnd>& ends);
    // After the stream's last byte: throws Error(internal) if bytes were read after the last
    // member end the source reported (every byte of a gzip stream lies in a member).
    void finish() const;

  private:
    std::string name_;
    uint64_t at_ = 0;       // bytes checked so far
    uint64_t begin_ = 0;    // where the current member began
    uint32_t crc_ = 0;      // of the current member's bytes so far
    uint64_t members_ = 0;  // members checked
};

}  // namespace curcrunch::ingest
