#include "curcrunch/core/sha256.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"

namespace curcrunch {

void Sha256::Free::operator()(evp_md_ctx_st* c) const noexcept {
    EVP_MD_CTX_free(c);
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
        throw Error(ErrorKind::internal, "OpenSSL: cannot initialise SHA-256");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, size_t n) {
    if (n) EVP_DigestUpdate(ctx_.get(), data, n);
}

std::string Sha256::hex_digest() {
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

std::string Sha256::of(std::string_view s) {
    Sha256 h;
    h.update(s);
    return h.hex_digest();
}

// Hashes through a sliding read-only mapping: no copy into a buffer, and only one window of
// the file is mapped at a time, so the process's resident size does not grow with the file.
std::string Sha256::of_unchanged_file(const std::string& path, const FileIdentity& read) {
    auto check = [&] {
        if (file_identity(path) != read)
            throw_input(path +
                        ": the file changed while it was being ingested (its device, inode, size "
                        "or modification time differ from when it was parsed), so its digest "
                        "would not be of the bytes read; the store was not changed");
    };
    check();
    std::string digest = of_file(path);
    check();
    return digest;
}

std::string Sha256::of_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_input(path + ": cannot open for hashing");
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        throw_input(path + ": cannot stat for hashing");
    }
    constexpr size_t kWindow = size_t(16) << 20;  // a multiple of the page size
    const size_t size = static_cast<size_t>(st.st_size);
    Sha256 h;
    for (size_t off = 0; off < size; off += kWindow) {
        if (interrupt_signal() != 0) {  // an ingest is being stopped: its hashes are not needed
            ::close(fd);
            throw_if_interrupted();
        }
        const size_t n = std::min(kWindow, size - off);
        void* p = ::mmap(nullptr, n, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(off));
        if (p == MAP_FAILED) {
            ::close(fd);
            throw_input(path + ": cannot map for hashing");
        }
        // Two calls: the advice values are codes, not flags (SEQUENTIAL | WILLNEED is WILLNEED).
        ::madvise(p, n, MADV_SEQUENTIAL);
        ::madvise(p, n, MADV_WILLNEED);
        h.update(p, n);
        ::munmap(p, n);
    }
    ::close(fd);
    return h.hex_digest();
}

}  // namespace curcrunch
