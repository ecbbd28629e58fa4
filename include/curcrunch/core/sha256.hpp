#pragma once
// Incremental SHA-256 over OpenSSL's EVP interface (uses SHA extensions where the CPU has them).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "curcrunch/core/file_identity.hpp"

struct evp_md_ctx_st;

namespace curcrunch {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    void update(const void* data, size_t n);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::string hex_digest();  // finishes the hash; the object must not be updated afterwards

    static std::string of(std::string_view s);
    static std::string of_file(const std::string& path);
    // The same for a file read before, whose digest must be of the bytes that were read: the
    // file at `path` must still be the one `read` describes (device, inode, size, modification
    // time) before and after it is hashed, else Error(input) says it changed.
    static std::string of_unchanged_file(const std::string& path, const FileIdentity& read);
    // Called before each 16 MiB window of a regular file is mapped for its digest, with the
    // offset where the window ends; it may block, to keep the digest behind another reader of
    // the file. (What cannot be mapped is read without it.)
    using Pace = std::function<void(uint64_t end)>;
    static std::string of_unchanged_file(const std::string& path, const FileIdentity& read,
                                         const Pace& pace);
    // The digest of the same file, `head` having hashed its first `from` bytes already: the
    // rest is read from `from` on. `from` must be a multiple of kRestAlign (a window's mapping
    // starts there, and every page size divides it), else Error(internal).
    static constexpr uint64_t kRestAlign = uint64_t(64) << 10;
    static std::string of_unchanged_file_rest(const std::string& path, const FileIdentity& read,
                                              Sha256 head, uint64_t from, const Pace& pace);

  private:
    struct Free {
        void operator()(evp_md_ctx_st* c) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, Free> ctx_;
};

}  // namespace curcrunch
