#pragma once
// A secret value (secret key, session token, Vault token): kept in memory only, wiped when
// destroyed, never printed. It has no stream operator and no implicit conversion to string, so
// it cannot end up in a log line or an error message by accident.
#include <openssl/crypto.h>

#include <string>
#include <string_view>
#include <utility>

namespace curcrunch {

class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret& o) : value_(o.value_) {}
    Secret(Secret&& o) noexcept : value_(std::move(o.value_)) { o.wipe(); }
    Secret& operator=(Secret o) noexcept {
        wipe();
        value_.swap(o.value_);
        return *this;
    }
    ~Secret() { wipe(); }

    // The only way to read it; name the use at the call site.
    std::string_view reveal() const { return value_; }
    bool empty() const { return value_.empty(); }

  private:
    void wipe() noexcept {
        if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
        value_.clear();
    }
    std::string value_;
};

}  // namespace curcrunch
