#include "signer_chain.hpp"

#include <openssl/err.h>
#include <qpdf/QPDFObjectHandle.hh>

#include <cctype>
#include <ctime>

#include "curcrunch/report/cert_usage.hpp"
#include "curcrunch/report/openssl_handles.hpp"
#include "curcrunch/report/pdf_signature.hpp"

namespace curcrunch::report {
namespace {

std::optional<std::time_t> signer_chain_tm_seconds(std::tm& tm, long offset_seconds) {
    // timegm normalises out-of-range fields; a date that does not round-trip is not a date.
    const std::tm asked = tm;
    const std::time_t t = timegm(&tm);
    if (t == static_cast<std::time_t>(-1) || tm.tm_mday != asked.tm_mday ||
        tm.tm_mon != asked.tm_mon || tm.tm_hour != asked.tm_hour)
        return std::nullopt;
    return t - offset_seconds;
}

// A PDF date (ISO 32000-2 7.9.4): D:YYYYMMDDHHmmSSOHH'mm', every part after the year optional.
std::optional<std::time_t> signer_chain_pdf_date(const std::string& s) {
    size_t i = s.rfind("D:", 0) == 0 ? 2 : 0;
    auto digits = [&](size_t n, int fallback, int lo, int hi) -> std::optional<int> {
        if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return fallback;
        if (i + n > s.size()) return std::nullopt;
        int v = 0;
        for (size_t k = 0; k < n; ++k, ++i) {
            if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        if (v < lo || v > hi) return std::nullopt;
        return v;
    };
    auto year = digits(4, -1, 1900, 9999);
    if (!year || *year < 0) return std::nullopt;
    auto mon = digits(2, 1, 1, 12), day = digits(2, 1, 1, 31), hour = digits(2, 0, 0, 23),
         min = digits(2, 0, 0, 59), sec = digits(2, 0, 0, 59);
    if (!mon || !day || !hour || !min || !sec) return std::nullopt;
    long offset = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        const int sign = s[i++] == '-' ? -1 : 1;
        auto oh = digits(2, 0, 0, 23);
        if (i < s.size() && s[i] == '\'') ++i;
        auto om = digits(2, 0, 0, 59);
        if (!oh || !om) return std::nullopt;
        offset = sign * (*oh * 3600L + *om * 60L);
    }
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *mon - 1;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *min;
    tm.tm_sec = *sec;
    return signer_chain_tm_seconds(tm, offset);
}

std::optional<std::time_t> signer_chain_cms_time(CMS_ContentInfo* cms) {
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
    if (!infos || sk_CMS_SignerInfo_num(infos) < 1) return std::nullopt;
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
    const int at = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (at < 0) return std::nullopt;
    const ASN1_TYPE* v = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, at), 0);
    if (!v || (v->type != V_ASN1_UTCTIME && v->type != V_ASN1_GENERALIZEDTIME)) return std::nullopt;
    std::tm tm{};
    if (ASN1_TIME_to_tm(v->value.utctime, &tm) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    return signer_chain_tm_seconds(tm, 0);
}

std::string signer_chain_utc_text(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool signer_chain_dated(int err) {
    return err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID;
}

// X509_V_OK when `cert` chains to `trust` at `at`; otherwise the verification error, or
// X509_V_OK with `refused` set: the chain verified, but a CA in it may not vouch for document
// signers, or the check itself failed.
int signer_chain_verify(X509* cert, STACK_OF(X509) * extra, const TrustStore* trust, std::time_t at,
                        std::string& refused) {
    refused.clear();
    StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), trust->get(), cert, extra) != 1) {
        refused = openssl_errors("cannot check the certificate");
        return X509_V_OK;
    }
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), at);
    if (X509_verify_cert(ctx.get()) != 1) {
        ERR_clear_error();
        return X509_STORE_CTX_get_error(ctx.get());
    }
    // The signer itself is judged by signing_use_refusal; the CAs above it by their EKU.
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
    for (int i = 1; chain && i < sk_X509_num(chain); ++i) {
        X509* ca = sk_X509_value(chain, i);
        if (std::string why = signing_eku_refusal(ca); !why.empty()) {
            refused = "its issuing CA " + subject_of(ca) + " may not vouch for document signers (" +
                      why + ")";
            break;
        }
    }
    return X509_V_OK;
}

}  // namespace

std::optional<std::time_t> claimed_signing_time(CMS_ContentInfo* cms, QPDFObjectHandle sig) {
    if (auto t = signer_chain_cms_time(cms)) return t;
    QPDFObjectHandle m = sig.isDictionary() ? sig.getKey("/M") : QPDFObjectHandle::newNull();
    if (m.isString()) return signer_chain_pdf_date(m.getUTF8Value());
    return std::nullopt;
}

std::string signer_chain_refusal(X509* cert, CMS_ContentInfo* cms, const TrustStore* trust,
                                 std::optional<std::time_t> at) {
    if (!trust) return "no --trust-file was given to check the certificate against";
    const std::time_t now = std::time(nullptr);
    X509StackPtr extra(CMS_get1_certs(cms));
    std::string refused;
    int err = X509_V_OK;
    // A claim of a time to come is no reason to accept a certificate not yet valid.
    const bool claimed = at && *at <= now;
    if (claimed) err = signer_chain_verify(cert, extra.get(), trust, *at, refused);
    // A certificate valid now that was not at the claimed time signed a document dated before
    // it (billing dates an invoice's signature by the invoice): its key signs now, so it does.
    if (!claimed || signer_chain_dated(err)) {
        std::string now_refused;
        const int now_err = signer_chain_verify(cert, extra.get(), trust, now, now_refused);
        if (now_err == X509_V_OK || !claimed) {
            err = now_err;
            refused = now_refused;
        }
    }
    if (err == X509_V_OK || !refused.empty()) return refused;
    const std::string when = !signer_chain_dated(err) ? ""
                             : claimed
                                 ? " at the claimed signing time " + signer_chain_utc_text(*at)
                             : at ? ", checked now: the claimed signing time " +
                                        signer_chain_utc_text(*at) + " is to come"
                                  : ", checked now: the signature claims no signing time";
    return std::string("the certificate does not chain to the trust file (") +
           X509_verify_cert_error_string(err) + when + ")";
}

}  // namespace curcrunch::report
