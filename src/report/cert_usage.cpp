#include "curcrunch/report/cert_usage.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <memory>

namespace curcrunch::report {
namespace {

struct EkuListFree {
    void operator()(EXTENDED_KEY_USAGE* e) const noexcept { EXTENDED_KEY_USAGE_free(e); }
};
using EkuListPtr = std::unique_ptr<EXTENDED_KEY_USAGE, EkuListFree>;

constexpr std::array<const char*, 4> kDocumentSigningEkus = {
    "1.3.6.1.5.5.7.3.4",     // emailProtection
    "1.3.6.1.5.5.7.3.36",    // documentSigning
    "1.2.840.113583.1.1.5",  // Adobe Authentic Documents Trust
    "2.5.29.37.0"};          // anyExtendedKeyUsage

std::string eku_oid_text(const ASN1_OBJECT* o, bool numeric) {
    char buf[128];
    const int n = OBJ_obj2txt(buf, sizeof buf, o, numeric ? 1 : 0);
    return n > 0 ? std::string(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1))
                 : std::string("?");
}

}  // namespace

std::string signing_use_refusal(X509* cert) {
    if (!cert) return "no certificate";
    // X509_get_key_usage caches the decoded extensions; a certificate whose extensions do not
    // decode is flagged invalid there, and a malformed restriction is no permission.
    const uint32_t usage = X509_get_key_usage(cert);
    if (X509_get_extension_flags(cert) & EXFLAG_INVALID) {
        ERR_clear_error();
        return "the certificate's extensions cannot be read";
    }
    if (usage != UINT32_MAX && !(usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
        return "the certificate's key usage does not allow digital signatures";
    return signing_eku_refusal(cert);
}

std::string signing_eku_refusal(X509* cert) {
    if (!cert) return "no certificate";
    int critical = -1;
    EkuListPtr ekus(static_cast<EXTENDED_KEY_USAGE*>(
        X509_get_ext_d2i(cert, NID_ext_key_usage, &critical, nullptr)));
    if (!ekus) {
        ERR_clear_error();
        // -1: no such extension; anything else: present but unreadable or repeated.
        return critical == -1 ? "" : "the certificate's extended key usage cannot be read";
    }
    std::string named;
    for (int i = 0; i < sk_ASN1_OBJECT_num(ekus.get()); ++i) {
        const ASN1_OBJECT* o = sk_ASN1_OBJECT_value(ekus.get(), i);
        const std::string oid = eku_oid_text(o, true);
        for (const char* allowed : kDocumentSigningEkus)
            if (oid == allowed) return "";
        named += (named.empty() ? "" : ", ") + eku_oid_text(o, false);
    }
    return "the certificate's extended key usage (" + named + ") does not allow signing documents";
}

}  // namespace curcrunch::report
