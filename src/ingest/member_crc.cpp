#include "member_crc.hpp"

#include <isa-l/crc.h>

#include "curcrunch/core/error.hpp"

namespace curcrunch::ingest {
namespace {

// ISA-L's CRC-32 of gzip (RFC 1952), continued from `crc` as zlib's crc32() is.
uint32_t crc_of(uint32_t crc, const char* p, size_t n) {
    return n ? crc32_gzip_refl(crc, reinterpret_cast<const unsigned char*>(p), n) : crc;
}

}  // namespace

void MemberCrc::add(const char* p, size_t n, const std::vector<MemberEnd>& ends) {
    const uint64_t stop = at_ + n;
    for (const MemberEnd& e : ends) {
        if (e.end < at_ || e.end > stop)
            throw Error(ErrorKind::internal, name_ + ": gzip member end out of order");
        const size_t part = static_cast<size_t>(e.end - at_);
        crc_ = crc_of(crc_, p, part);
        p += part;
        at_ = e.end;
        ++members_;
        if (crc_ != e.crc)
            throw_input(name_ + ": gzip: CRC or length check failed (member " +
                        std::to_string(members_) + ", decompressed bytes " +
                        std::to_string(begin_) + " to " + std::to_string(e.end) + ")");
        crc_ = 0;
        begin_ = e.end;
    }
    crc_ = crc_of(crc_, p, static_cast<size_t>(stop - at_));
    at_ = stop;
}

void MemberCrc::finish() const {
    if (at_ != begin_)
        throw Error(ErrorKind::internal, name_ + ": gzip: " + std::to_string(at_ - begin_) +
                                             " decompressed bytes after the last member's end");
}

}  // namespace curcrunch::ingest
