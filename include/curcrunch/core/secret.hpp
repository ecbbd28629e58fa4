#pragma once
// A secret value (secret key, session token, Vault token, AppRole role_id and secret_id): kept
// in memory only, wiped when destroyed, never printed. It has no stream operator and no implicit
// conversion to string, so it cannot end up in a log line or an error message by accident.
//
// Nor can a service put it there: a proxy or an S3-compatible store may quote a request's
// session token back in its error message, which curcrunch shows, logs and stores. So every
// Secret alive in the process is known to without_held_secrets(), which shown_text() applies to
// all outside text it quotes (core/shown_text.hpp): the values themselves are blanked, whatever
// words surround them. The list is the one process-wide registry besides the logger; it holds
// pointers to the live Secret objects, not copies of their values, and links them through the
// objects themselves, so that enrolling one never allocates (moves stay noexcept).
#include <openssl/crypto.h>

#include <string>
#include <string_view>

namespace curcrunch {

class Secret {
  public:
    Secret() noexcept;
    explicit Secret(std::string value) noexcept;
    Secret(const Secret& o);
    Secret(Secret&& o) noexcept;
    Secret& operator=(Secret o) noexcept;
    ~Secret();

    // The only way to read it; name the use at the call site.
    std::string_view reveal() const { return value_; }
    bool empty() const { return value_.empty(); }

  private:
    friend struct HeldSecrets;
    void wipe() noexcept {
        if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
        value_.clear();
    }
    std::string value_;
    // Neighbours in the registry of live secrets (secret.cpp); changed only under its lock.
    Secret* prev_ = nullptr;
    Secret* next_ = nullptr;
};

// Values shorter than this are not blanked: they would match ordinary words and numbers, and
// no credential curcrunch handles is that short (an access key's secret has 40 characters, an
// AppRole secret_id 36, a Vault token 28 and more).
constexpr size_t kShortestHiddenSecret = 8;

// `text` with every occurrence of a value some live Secret holds (of kShortestHiddenSecret bytes
// or more) replaced by "(not shown)". Thread-safe.
std::string without_held_secrets(std::string_view text);

}  // namespace curcrunch
