#include "evp_digest.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"

namespace curcrunch::evp {

EVP_MD_CTX* new_context(const EVP_MD* md, const char* name) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx || !md || EVP_DigestInit_ex(ctx, md, nullptr) != 1) {
        EVP_MD_CTX_free(ctx);
        throw Error(ErrorKind::internal, std::string("OpenSSL: cannot initialise ") + name);
    }
    return ctx;
}

std::string finish_hex(EVP_MD_CTX* ctx) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    static const char* kHex = "0123456789abcdef";
    std::string out(len * 2, '0');
    for (unsigned i = 0; i < len; ++i) {
        out[2 * i] = kHex[md[i] >> 4];
        out[2 * i + 1] = kHex[md[i] & 15];
    }
    return out;
}

void read_to_end(const FileDescriptor& f, const std::string& path, uint64_t from, const char* what,
                 void (*consume)(const unsigned char*, size_t, void*), void* arg) {
    constexpr size_t kBuffer = size_t(256) << 10;
    const std::unique_ptr<unsigned char[]> buf(new unsigned char[kBuffer]);
    const auto fail = [&] {
        throw_input(path + ": cannot read for " + what + ": " + std::strerror(errno));
    };
    if (from > 0 && ::lseek(f.fd, static_cast<off_t>(from), SEEK_SET) != static_cast<off_t>(from))
        fail();
    for (;;) {
        if (interrupt_signal() != 0) throw_if_interrupted();  // its digest is not needed now
        const ssize_t n = ::read(f.fd, buf.get(), kBuffer);
        if (n == 0) return;
        if (n < 0) {
            if (errno == EINTR) continue;
            fail();
        }
        consume(buf.get(), static_cast<size_t>(n), arg);
    }
}

}  // namespace curcrunch::evp
