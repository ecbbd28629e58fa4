#include "curcrunch/report/pdf_signature.hpp"

#include <openssl/err.h>
#include <qpdf/QPDF.hh>

#include <algorithm>
#include <climits>
#include <set>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/cert_usage.hpp"
#include "curcrunch/report/openssl_handles.hpp"
#include "signer_chain.hpp"

namespace curcrunch::report {
namespace {

struct Verified {
    bool intact = false;
    std::string why, signer;
    X509* signer_cert = nullptr;  // owned by the CMS structure
};

// Verifies `der` over head + tail; keeps the CMS alive in `holder` so the signer certificate
// can be judged afterwards.
Verified verify_cms(std::string_view der, std::string_view head, std::string_view tail,
                    CmsPtr& holder) {
    Verified v;
    if (der.size() > static_cast<size_t>(LONG_MAX) ||
        head.size() + tail.size() > static_cast<size_t>(INT_MAX)) {
        v.why = "too large";
        return v;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    holder.reset(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
    if (!holder) {
        v.why = "the signature is not a CMS structure (" + openssl_errors("unreadable") + ")";
        return v;
    }
    // Zero padding after the DER is normal (the placeholder was larger); anything else is not.
    for (const auto* q = p; q < reinterpret_cast<const unsigned char*>(der.data()) + der.size();
         ++q)
        if (*q != 0) {
            v.why = "bytes after the CMS structure in /Contents";
            return v;
        }
    std::string data;
    data.reserve(head.size() + tail.size());
    data.append(head).append(tail);
    BioPtr in(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (CMS_verify(holder.get(), nullptr, nullptr, in.get(), nullptr,
                   CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
        v.why = openssl_errors("the signature does not match the signed bytes");
        if (v.why.find("digest failure") != std::string::npos ||
            v.why.find("verification failure") != std::string::npos)
            v.why = "the signed bytes were changed (" + v.why + ")";
        return v;
    }
    // A new stack of certificates the CMS structure owns: free the stack only.
    STACK_OF(X509)* signers = CMS_get0_signers(holder.get());
    if (signers && sk_X509_num(signers) > 0) v.signer_cert = sk_X509_value(signers, 0);
    sk_X509_free(signers);
    v.signer = subject_of(v.signer_cert);
    v.intact = v.signer_cert != nullptr;
    if (!v.intact) v.why = "no signer certificate in the signature";
    return v;
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

// The signature dictionaries of the document's signature fields (/FT /Sig, inherited through
// /Kids), with a bound on depth and a guard against loops.
void collect(QPDFObjectHandle node, bool sig_type, int depth, std::set<QPDFObjGen>& seen,
             std::vector<QPDFObjectHandle>& out) {
    if (depth > 32 || !node.isDictionary()) return;
    if (node.isIndirect() && !seen.insert(node.getObjGen()).second) return;
    QPDFObjectHandle ft = node.getKey("/FT");
    if (ft.isName()) sig_type = ft.getName() == "/Sig";
    QPDFObjectHandle v = node.getKey("/V");
    if (sig_type && v.isDictionary()) out.push_back(v);
    QPDFObjectHandle kids = node.getKey("/Kids");
    if (kids.isArray())
        for (int i = 0; i < kids.getArrayNItems(); ++i)
            collect(kids.getArrayItem(i), sig_type, depth + 1, seen, out);
}

struct OneSignature {
    SignatureState state = SignatureState::broken;
    long long covers = 0;  // the bytes of the revision it signs: /ByteRange's end
    std::string signer, detail;
};

OneSignature check_one(QPDFObjectHandle sig, std::string_view file, const TrustStore* trust) {
    OneSignature r;
    QPDFObjectHandle range = sig.getKey("/ByteRange");
    if (!range.isArray() || range.getArrayNItems() != 4) {
        r.detail = "its /ByteRange is not four numbers";
        return r;
    }
    long long v[4];
    for (int i = 0; i < 4; ++i) {
        QPDFObjectHandle x = range.getArrayItem(i);
        if (!x.isInteger() || x.getIntValue() < 0) {
            r.detail = "its /ByteRange is not four non-negative integers";
            return r;
        }
        v[i] = x.getIntValue();
    }
    const auto size = static_cast<long long>(file.size());
    if (v[0] != 0 || v[1] <= 0 || v[2] <= v[1] + 1 || v[3] < 0 || v[2] > size ||
        v[3] > size - v[2]) {
        r.detail = "its /ByteRange does not describe this file";
        return r;
    }
    r.covers = v[2] + v[3];
    // The gap must be exactly the /Contents hex string, delimiters included.
    const size_t a = static_cast<size_t>(v[1]), b = static_cast<size_t>(v[2]);
    if (file[a] != '<' || file[b - 1] != '>') {
        r.detail = "the bytes its /ByteRange leaves out are not its /Contents";
        return r;
    }
    std::string der;
    der.reserve((b - a) / 2);
    int nibble = -1;
    for (size_t i = a + 1; i + 1 < b; ++i) {
        const char c = file[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (!is_hex(c)) {
            r.detail = "the bytes its /ByteRange leaves out are not a hex string";
            return r;
        }
        if (nibble < 0) {
            nibble = hex_value(c);
        } else {
            der.push_back(static_cast<char>(nibble * 16 + hex_value(c)));
            nibble = -1;
        }
    }
    QPDFObjectHandle contents = sig.getKey("/Contents");
    if (!contents.isString() || contents.getStringValue() != der) {
        r.detail = "its /Contents is not the hex string its /ByteRange leaves out";
        return r;
    }
    QPDFObjectHandle sub = sig.getKey("/SubFilter");
    const std::string format = sub.isName() ? sub.getName() : "(none)";
    if (format != "/ETSI.CAdES.detached" && format != "/adbe.pkcs7.detached") {
        r.state = SignatureState::untrusted;
        r.detail = "signature format " + format + " is not verified by curcrunch";
        return r;
    }
    CmsPtr cms;
    Verified ok =
        verify_cms(der, file.substr(0, a), file.substr(b, static_cast<size_t>(v[3])), cms);
    if (!ok.intact) {
        r.detail = ok.why;
        return r;
    }
    r.signer = ok.signer;
    r.detail = signing_use_refusal(ok.signer_cert);
    if (r.detail.empty())
        r.detail = signer_chain_refusal(ok.signer_cert, cms.get(), trust,
                                        claimed_signing_time(cms.get(), sig));
    r.state = r.detail.empty() ? SignatureState::valid : SignatureState::untrusted;
    return r;
}

}  // namespace

TrustStore TrustStore::load(const std::string& pem_path) {
    StorePtr s(X509_STORE_new());
    if (!s || X509_STORE_load_file(s.get(), pem_path.c_str()) != 1) {
        ERR_clear_error();
        throw_usage("--trust-file " + pem_path + ": cannot read PEM certificates from it");
    }
    STACK_OF(X509_OBJECT)* objs = X509_STORE_get0_objects(s.get());
    if (!objs || sk_X509_OBJECT_num(objs) == 0)
        throw_usage("--trust-file " + pem_path + ": no certificate in it");
    return TrustStore(s.release());
}

TrustStore::~TrustStore() {
    X509_STORE_free(store_);
}
TrustStore::TrustStore(TrustStore&& o) noexcept : store_(o.store_) {
    o.store_ = nullptr;
}
TrustStore& TrustStore::operator=(TrustStore&& o) noexcept {
    std::swap(store_, o.store_);
    return *this;
}

const char* signature_state_name(SignatureState s) {
    switch (s) {
        case SignatureState::none:
            return "unsigned";
        case SignatureState::valid:
            return "valid";
        case SignatureState::untrusted:
            return "untrusted";
        case SignatureState::broken:
            return "broken";
    }
    return "unsigned";
}

bool cms_signature_intact(std::string_view der, std::string_view head, std::string_view tail,
                          std::string* why) {
    CmsPtr holder;
    Verified v = verify_cms(der, head, tail, holder);
    if (why) *why = v.why;
    return v.intact;
}

SignatureCheck check_signatures(QPDF& q, std::string_view file, const TrustStore* trust) {
    SignatureCheck out;
    QPDFObjectHandle form = q.getRoot().getKey("/AcroForm");
    if (!form.isDictionary()) return out;
    QPDFObjectHandle fields = form.getKey("/Fields");
    if (!fields.isArray()) return out;
    std::set<QPDFObjGen> seen;
    std::vector<QPDFObjectHandle> sigs;
    for (int i = 0; i < fields.getArrayNItems(); ++i)
        collect(fields.getArrayItem(i), false, 0, seen, sigs);
    if (sigs.empty()) return out;
    out.signatures = static_cast<int>(sigs.size());
    std::vector<OneSignature> checked;
    for (const auto& sig : sigs) {
        checked.push_back(check_one(sig, file, trust));
        if (checked.back().state == SignatureState::broken) {
            out.state = SignatureState::broken;
            out.detail = checked.back().detail;
            return out;
        }
    }
    // The first signature is the one over the earliest revision: the document as issued. A
    // signature appended later covers that revision and more, never less, so it cannot take
    // its place.
    std::stable_sort(
        checked.begin(), checked.end(),
        [](const OneSignature& a, const OneSignature& b) { return a.covers < b.covers; });
    const OneSignature& first = checked.front();
    out.signer = first.signer;
    out.signed_bytes = static_cast<size_t>(first.covers);
    out.state = first.state;
    out.detail = first.detail;
    // A later signature adds nothing to the first one's validity, but one that curcrunch cannot
    // verify, or by a certificate it does not trust, keeps the file from being "valid".
    for (size_t i = 1; i < checked.size(); ++i) {
        const OneSignature& later = checked[i];
        out.later_signers +=
            (out.later_signers.empty() ? "" : ", ") +
            (later.signer.empty() ? std::string("an unverified signer") : later.signer);
        if (later.state != SignatureState::valid && out.state == SignatureState::valid) {
            out.state = SignatureState::untrusted;
            out.detail = "a later signature" +
                         (later.signer.empty() ? std::string() : " (" + later.signer + ")") + ": " +
                         later.detail;
        }
    }
    if (checked.back().covers != static_cast<long long>(file.size())) {
        out.state = SignatureState::broken;
        out.detail = "the file was changed after it was signed (bytes after the signed part)";
    }
    return out;
}

}  // namespace curcrunch::report
