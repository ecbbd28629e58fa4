#pragma once
// Verifying the digital signatures of a PDF at import (ISO 32000-2 12.8, PAdES): for each
// signature field, the /ByteRange must start at byte 0 and leave out exactly its /Contents hex
// string, the last signature must reach the end of the file (nothing appended after signing),
// the CMS must verify over those bytes (message digest and signature value), and the signer's
// certificate must be one for signing documents (cert_usage.hpp) and chain to the trust file
// given, at the signing time the signature claims (src/report/signer_chain.hpp says why).
//
// The first signature — the one over the earliest revision — is the document's; later ones
// (an auditor's countersignature) are appended revisions, which may have changed what the file
// shows: the caller compares the signed revision with the file (pdf_revision.hpp).
//
// Outcomes: unsigned; valid (every signature); untrusted (the bytes are as signed, but a
// certificate does not chain to the trust file or is not for signing, no trust file was given,
// or a signature's format is one curcrunch does not verify — such a signature never makes a
// file valid); broken (anything else: bytes after the last signature, or a signature that does
// not match the bytes it covers).
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
    std::string signer;  // subject of the first signature's signer (the document's)
    std::string detail;  // why it is broken or untrusted
    // The length of the revision the first signature covers; less than the file when later
    // revisions (further signatures, or edits) were appended. pdf_revision.hpp compares them.
    size_t signed_bytes = 0;
    std::string later_signers;  // subjects of the signatures over later revisions
};

// `file` is the bytes `q` was read from.
SignatureCheck check_signatures(QPDF& q, std::string_view file, const TrustStore* trust);

// Whether the detached CMS SignedData `der` verifies over `head` followed by `tail` (message
// digest and signature value; the certificate is not judged). `why` says what failed.
bool cms_signature_intact(std::string_view der, std::string_view head, std::string_view tail,
                          std::string* why);

}  // namespace curcrunch::report
