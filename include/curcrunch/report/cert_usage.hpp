#pragma once
// Whether a certificate may sign documents: the one rule `report --sign-cert` applies before
// signing and import-pdf applies to every signer it verifies, so a key the trust file chains to
// but that was issued for something else (a TLS server's) never makes a report "valid".
//
// A keyUsage extension, when present, must include digitalSignature or nonRepudiation
// (RFC 5280 4.2.1.3). An extendedKeyUsage extension, when present, must include one of
// emailProtection (1.3.6.1.5.5.7.3.4, what S/MIME and most document-signing certificates
// carry), documentSigning (1.3.6.1.5.5.7.3.36, RFC 9336), Adobe Authentic Documents Trust
// (1.2.840.113583.1.1.5) or anyExtendedKeyUsage (RFC 5280 4.2.1.12). A certificate without
// either extension is not restricted. Every CA certificate of the verified chain that carries
// an extendedKeyUsage must allow the same (signer_chain.cpp).
#include <openssl/x509.h>

#include <string>

namespace curcrunch::report {

// "" when `cert` may sign documents; otherwise why not, as a phrase ("the certificate's key
// usage does not allow digital signatures").
std::string signing_use_refusal(X509* cert);

// The extendedKeyUsage half of that rule alone: what a CA certificate above the signer must
// meet when it carries the extension, since a CA whose use is restricted (to TLS servers, say)
// cannot vouch for a document signer (RFC 5280 4.2.1.12 leaves chaining the restriction to the
// application; OpenSSL checks it only for a purpose it is told, and document signing is none
// of its purposes).
std::string signing_eku_refusal(X509* cert);

}  // namespace curcrunch::report
