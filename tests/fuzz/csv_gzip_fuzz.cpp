// libFuzzer harness: gzip input. The first byte chooses how the rest becomes a file: bit 0
// set, the rest is written as it is (raw gzip or zip bytes: the decoders' error paths);
// otherwise the rest, a CSV, is compressed into two gzip members and the file cut after a
// number of bytes taken from the second byte (0: not cut). Bit 1 chooses zlib over ISA-L.
#include <zlib.h>

#include "ingest_fuzz.hpp"

namespace {

std::string gzip_member(std::string_view in) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, in.size()) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace curcrunch::fuzz;
    if (size < 2) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
    std::string file;
    if (data[0] & 1) {
        file.assign(rest);
    } else {
        const size_t half = rest.size() / 2;
        file = gzip_member(rest.substr(0, half)) + gzip_member(rest.substr(half));
        if (data[1] != 0 && data[1] < file.size()) file.resize(file.size() - data[1]);
    }
    ingest_file(scratch().write("input.csv.gz", file), (data[0] & 2) != 0);
    return 0;
}
