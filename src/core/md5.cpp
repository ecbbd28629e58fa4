#include "curcrunch/core/md5.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/file_descriptor.hpp"
#include "evp_digest.hpp"

namespace curcrunch {

void Md5::Free::operator()(evp_md_ctx_st* c) const noexcept {
    EVP_MD_CTX_free(c);
}

Md5::Md5() : ctx_(evp::new_context(EVP_md5(), "MD5")) {}
Md5::~Md5() = default;
Md5::Md5(Md5&&) noexcept = default;
Md5& Md5::operator=(Md5&&) noexcept = default;

void Md5::update(const void* data, size_t n) {
    if (n) EVP_DigestUpdate(ctx_.get(), data, n);
}

std::string Md5::hex_digest() {
    return evp::finish_hex(ctx_.get());
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
    evp::read_to_end(
        f, path, 0, "its MD5",
        [](const unsigned char* p, size_t n, void* arg) { static_cast<Md5*>(arg)->update(p, n); },
        &h);
    return h.hex_digest();
}

}  // namespace curcrunch
