#pragma once
// PDF digital signatures, PAdES baseline B-B (ETSI EN 319 142-1) over ISO 32000-2 12.8:
// a signature dictionary (/Filter /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached, /M, a
// DocMDP transform that allows form filling and further signatures only) in an invisible
// signature field on page 1; its /ByteRange covers the whole file except the /Contents hex
// string, which holds a detached CMS SignedData (SHA-256) whose signed attributes are exactly
// content-type, message-digest and signing-certificate-v2 (no signing-time: PAdES takes the
// claimed time from /M). The signer's certificate and any chain given with it travel in the
// CMS.
//
// Signing happens inside the qpdf finishing pass: add_signature_field() adds the dictionary
// with a /Contents placeholder of zeros, QPDFWriter writes the file (signature dictionaries are
// never put in object streams or encrypted), and fill_signature() patches /ByteRange and
// /Contents in place, so no byte outside /Contents changes after the digest is taken.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "curcrunch/core/secret.hpp"

class QPDF;

namespace curcrunch::report {

class SigningKey {
  public:
    // `cert_path`: PEM, the signer's certificate first, then any intermediate certificates.
    // `key_path`: PEM private key, optionally encrypted (then `passphrase` opens it).
    // Throws Error(usage) naming the file for anything unreadable, a key that does not match
    // the certificate, or a certificate that is expired, not yet valid or not for signing.
    static SigningKey load(const std::string& cert_path, const std::string& key_path,
                           const std::optional<Secret>& passphrase);
    ~SigningKey();
    SigningKey(SigningKey&&) noexcept;
    SigningKey& operator=(SigningKey&&) noexcept;

    // The certificate's subject, RFC 2253 ("CN=...,O=...").
    const std::string& subject() const;
    // DER CMS SignedData, detached, over `head` followed by `tail`.
    std::string sign(std::string_view head, std::string_view tail) const;

  private:
    struct Impl;
    explicit SigningKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Reads a passphrase file (its first line) for --sign-key-pass-file.
Secret read_passphrase_file(const std::string& path);

// Adds the signature field and its dictionary (with placeholders) to `q`, dated `pdf_date`
// (D:YYYYMMDDHHmmSSZ).
void add_signature_field(QPDF& q, const SigningKey& key, const std::string& reason,
                         const std::string& pdf_date);
// Fills the placeholders of the file QPDFWriter wrote from that document.
void fill_signature(std::string& pdf, const SigningKey& key);

}  // namespace curcrunch::report
