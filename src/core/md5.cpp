#include "curcrunch/core/md5.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/file_descriptor.hpp"

namespace curcrunch {

void Md5::Free::operator()(evp_md_ctx_st* c) const noexcept {
    EVP_MD_CTX_free(c);
}

Md5::Md5() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr) != 1)
        throw Error(ErrorKind::internal, "OpenSSL: cannot initialise MD5");
}
Md5::~Md5() = default;
Md5::Md5(Md5&&) noexcept = default;
Md5& Md5::operator=(Md5&&) noexcept = default;

void Md5::update(const void* data, size_t n) {
    if (n) EVP_DigestUpdate(ctx_.get(), data, n);
}

std::string Md5::hex_digest() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    static const char* kHex = "0123456789abcdef";
    std::string out(len * 2, '0');
    for (unsigned i = 0; i < len; ++i) {
        out[2 * i] = kHex[md[i] >> 4];
        out[2 * i + 1] = kHex[md[i] & 15];
    }
    return out;
}

std::string Md5::of(std::string_view s) {
    Md5 h;
    h.update(s);
    return h.hex_digest();
}

std::string Md5::of_file(const std::string& path) {
    const FileDescriptor f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (f.fd < 0) throw_input(path + ": cannot open for its MD5: " + std::strerror(errno));
    Md5 h;
    std::vector<unsigned char> buf(size_t(1) << 20);
    for (;;) {
        const ssize_t n = ::read(f.fd, buf.data(), buf.size());
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_input(path + ": cannot read for its MD5: " + std::strerror(errno));
        }
        h.update(buf.data(), static_cast<size_t>(n));
    }
    return h.hex_digest();
}

}  // namespace curcrunch
