#include "curcrunch/core/sha256.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/file_descriptor.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/core/mapped_read.hpp"
#include "evp_digest.hpp"

namespace curcrunch {

void Sha256::Free::operator()(evp_md_ctx_st* c) const noexcept {
    EVP_MD_CTX_free(c);
}

Sha256::Sha256() : ctx_(evp::new_context(EVP_sha256(), "SHA-256")) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

// Bytes that may not be in the cache (a file's mapping, the page cache behind it) are hashed a
// page at a time, asking for the lines half a page ahead first: the hardware prefetcher stops
// at each 4 KiB page and the page cache's pages are not adjacent in memory, so without this
// every page began with misses that SHA-NI, at about 1.6 cycles a byte, could not hide. The
// prefetch address is formed as an integer: it may lie past the buffer, which a prefetch never
// faults on.
// Bytes read a moment ago are no exception (a chunk of 4 MiB its stream has just parsed,
// ingest/stream_digest.cpp): the chunk is bigger than a core's L2, and may have been parsed on
// the other core. For a while they were hashed without the prefetches, which measured 0.974x and
// 0.961x the wall time of a plain 1 GB ingest on one Intel host; on a later one (SHA-256 at
// 1.9 GB/s in L1, 2 MiB of L2 a core) hashing them without measured 1.19x-1.25x the wall time
// (interleaved whole-process runs, both orders) and a micro-benchmark of 4 MiB chunks, each read
// just before it was hashed, 1.34 GB/s against 1.75 GB/s with them. The loss is small, the gain
// big: every byte is prefetched.
void Sha256::update(const void* data, size_t n) {
    constexpr size_t kPage = 4096, kAhead = 2048;
    const auto* p = static_cast<const unsigned char*>(data);
    while (n > kPage) {
        const uintptr_t next = reinterpret_cast<uintptr_t>(p) + kAhead;
        for (size_t k = 0; k < kPage; k += 64)
            __builtin_prefetch(reinterpret_cast<const void*>(next + k));
        EVP_DigestUpdate(ctx_.get(), p, kPage);
        p += kPage;
        n -= kPage;
    }
    if (n) EVP_DigestUpdate(ctx_.get(), p, n);
}

std::string Sha256::hex_digest() {
    return evp::finish_hex(ctx_.get());
}

std::string Sha256::of(std::string_view s) {
    Sha256 h;
    h.update(s);
    return h.hex_digest();
}

namespace {

// Read into a small buffer from `from` on (the bytes before it are in `h`): for what cannot be
// mapped (a pipe, a device), and as the fallback.
std::string hash_by_reading(const FileDescriptor& f, const std::string& path, Sha256 h,
                            uint64_t from) {
    evp::read_to_end(
        f, path, from, "hashing",
        [](const unsigned char* p, size_t n, void* arg) {
            static_cast<Sha256*>(arg)->update(p, n);
        },
        &h);
    return h.hex_digest();
}

// A read-only mapping of part of a file, unmapped when it goes out of scope.
struct MappedWindow {
    void* p = MAP_FAILED;
    size_t len = 0;
    MappedWindow(int fd, off_t offset, size_t n) : len(n) {
        p = ::mmap(nullptr, n, PROT_READ, MAP_PRIVATE, fd, offset);
    }
    MappedWindow(const MappedWindow&) = delete;
    MappedWindow& operator=(const MappedWindow&) = delete;
    ~MappedWindow() {
        if (p != MAP_FAILED) ::munmap(p, len);
    }
};

// read_mapped()'s reader: Sha256::update owns nothing that a jump out of it would leak.
void update_hash(void* h, const void* bytes, size_t n) {
    static_cast<Sha256*>(h)->update(bytes, n);
}

// A regular file is hashed through its mapping, a window at a time. Measured on a 1 GB file
// in the page cache (one core): read() of 256 KiB at a time 0.76 CPU s (0.18 of it the kernel
// copying), the mapping with update()'s prefetch 0.69 CPU s; the mapping without that
// prefetch 0.89. Unmapping each 16 MiB window keeps the process's resident size from growing
// with the file. The file's size is taken once: bytes appended while it is hashed are not
// hashed (of_unchanged_file catches that change). A file that shrinks under the mapping stops
// the hash (read_mapped): nullopt.
// `h` holds the digest of the file's first `from` bytes (from: 0 or a multiple of kRestAlign,
// so that each window's mapping starts on a page).
std::optional<std::string> hash_file(const std::string& path, const Sha256::Pace& pace, Sha256 h,
                                     uint64_t from) {
    const FileDescriptor f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (f.fd < 0) throw_input(path + ": cannot open for hashing");
    ::posix_fadvise(f.fd, static_cast<off_t>(from), 0, POSIX_FADV_SEQUENTIAL);
    struct stat st {};
    if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
        return hash_by_reading(f, path, std::move(h), from);
    constexpr size_t kWindow = size_t(16) << 20;  // a multiple of every page size
    const auto size = static_cast<size_t>(st.st_size);
    if (from > size) return std::nullopt;  // shorter than the bytes hashed before
    for (size_t at = from; at < size; at += kWindow) {
        if (interrupt_signal() != 0) throw_if_interrupted();
        const size_t n = std::min(kWindow, size - at);
        if (pace) pace(at + n);
        const MappedWindow w(f.fd, static_cast<off_t>(at), n);
        if (w.p == MAP_FAILED) {
            if (at != from) throw_input(path + ": cannot map for hashing: " + std::strerror(errno));
            return hash_by_reading(f, path, std::move(h), from);
        }
        if (!read_mapped(w.p, n, update_hash, &h)) return std::nullopt;
    }
    return h.hex_digest();
}

}  // namespace

std::string Sha256::of_file(const std::string& path) {
    std::optional<std::string> digest = hash_file(path, nullptr, Sha256(), 0);
    if (!digest)
        throw_input(path +
                    ": the file became shorter while it was being hashed (another program is "
                    "changing it), so it has no digest");
    return std::move(*digest);
}

std::string Sha256::of_unchanged_file(const std::string& path, const FileIdentity& read) {
    return of_unchanged_file(path, read, nullptr);
}

std::string Sha256::of_unchanged_file(const std::string& path, const FileIdentity& read,
                                      const Pace& pace) {
    return of_unchanged_file_rest(path, read, Sha256(), 0, pace);
}

std::string Sha256::of_unchanged_file_rest(const std::string& path, const FileIdentity& read,
                                           Sha256 head, uint64_t from, const Pace& pace) {
    if (from % kRestAlign != 0)
        throw Error(ErrorKind::internal,
                    "sha256: the rest of a file must start at a multiple of "
                    "64 KiB, not at " +
                        std::to_string(from));
    auto changed = [&] {
        throw_input(path +
                    ": the file changed while it was being ingested (its device, inode, size "
                    "or modification time differ from when it was parsed), so its digest "
                    "would not be of the bytes read; the store was not changed");
    };
    if (file_identity(path) != read) changed();
    std::optional<std::string> digest = hash_file(path, pace, std::move(head), from);
    if (!digest || file_identity(path) != read) changed();  // no digest: it shrank meanwhile
    return std::move(*digest);
}

}  // namespace curcrunch
