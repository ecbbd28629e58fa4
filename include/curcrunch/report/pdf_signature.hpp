#pragma once
// Verifying the digital signatures of a PDF at import (ISO 32000-2 12.8, PAdES): for each
// signature field, the /ByteRange must start at byte 0 and leave out exactly its /Contents hex
// string, some signature must reach the end of the file (nothing appended after signing), the
// CMS must verify over those bytes (message digest and signature value), and the signer's
// certificate must be one for signing documents (cert_usage.hpp) and chain to the trust file
// given.
//
// Outcomes: unsigned; valid (all of it); untrusted (the bytes are as signed, but the
// certificate is not for signing documents or does not chain to the trust file, no trust file
// was given, or the signature format is one curcrunch does not verify); broken (anything else:
// the file changed after signing, or the signature does not match it).
#include <memory>
#include <string>
#include <string_view>

#include <openssl/x509.h>

class QPDF;

namespace curcrunch::report {

// A PEM bundle of trusted (root or intermediate) certificates.
class TrustStore {
  public:
    // Throws Error(usage) naming the file when it cannot be read or holds no certificate.
    static TrustStore load(const std::string& pem_path);
    ~TrustStore();
    TrustStore(TrustStore&&) noexcept;
    TrustStore& operator=(TrustStore&&) noexcept;
    X509_STORE* get() const { return store_; }

  private:
    explicit TrustStore(X509_STORE* s) : store_(s) {}
    X509_STORE* store_ = nullptr;
};

enum class SignatureState { none, valid, untrusted, broken };
// "unsigned", "valid", "untrusted", "broken": the words import-pdf prints and stores.
const char* signature_state_name(SignatureState s);

struct SignatureCheck {
    SignatureState state = SignatureState::none;
    int signatures = 0;
    std::string signer;  // subject of the signer of the last signature checked
    std::string detail;  // why it is broken or untrusted
};

// `file` is the bytes `q` was read from.
SignatureCheck check_signatures(QPDF& q, std::string_view file, const TrustStore* trust);

// Whether the detached CMS SignedData `der` verifies over `head` followed by `tail` (message
// digest and signature value; the certificate is not judged). `why` says what failed.
bool cms_signature_intact(std::string_view der, std::string_view head, std::string_view tail,
                          std::string* why);

}  // namespace curcrunch::report
