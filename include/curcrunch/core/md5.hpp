#pragma once
// Incremental MD5 over OpenSSL's EVP interface. Not a security digest: only for checking a file
// against a digest someone else computed with it (S3's ETag of a single-part upload).
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace curcrunch {

class Md5 {
  public:
    Md5();  // Error(internal) when OpenSSL offers no MD5 (a FIPS-only provider)
    ~Md5();
    Md5(Md5&&) noexcept;
    Md5& operator=(Md5&&) noexcept;
    void update(const void* data, size_t n);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::string hex_digest();  // finishes the hash; the object must not be updated afterwards

    static std::string of(std::string_view s);
    // Error(input) naming the file when it cannot be read.
    static std::string of_file(const std::string& path);

  private:
    struct Free {
        void operator()(evp_md_ctx_st* c) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, Free> ctx_;
};

}  // namespace curcrunch
