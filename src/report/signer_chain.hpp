#pragma once
// Whether a signer's certificate chains to the trust file (internal to src/report): verified at
// the time the signature claims it was made, with every CA certificate above the signer held to
// the document-signing extended key usage rule (cert_usage.hpp).
//
// The time: a certificate's validity says when its key may sign, not when a signature may be
// checked. A report signed in March by a certificate that expired in June is still the report
// signed in March, and an archive re-checked every year must not see its reports decay. So the
// chain is verified at the signature's claimed signing time: the CMS signingTime attribute when
// present (what most signing tools write), otherwise the signature dictionary's /M (what PAdES
// and curcrunch write); the current time when it claims neither, or claims a time in the
// future. A chain that verifies now is accepted too: a claimed time before the certificate was
// issued is a document date rather than the signing time (billing signs an invoice redrawn
// later with the date it was issued), and the key signs now. The claim is the signer's own word
// (no timestamp authority vouches for it): a key stolen after its certificate expired could
// sign with an earlier date. Revocation is not checked either way.
#include <ctime>
#include <optional>
#include <string>

#include <openssl/cms.h>
#include <openssl/x509.h>

class QPDFObjectHandle;

namespace curcrunch::report {

class TrustStore;

// The signing time `cms` (its first signer's signingTime) or else `sig` (its /M) claims, if any
// can be read.
std::optional<std::time_t> claimed_signing_time(CMS_ContentInfo* cms, QPDFObjectHandle sig);

// "" when `cert` chains to `trust` at `at` or now through CA certificates that may vouch for
// document signers; otherwise why not, as a phrase.
std::string signer_chain_refusal(X509* cert, CMS_ContentInfo* cms, const TrustStore* trust,
                                 std::optional<std::time_t> at);

}  // namespace curcrunch::report
