#include "curcrunch/report/pdf_sign.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include <algorithm>
#include <climits>
#include <cstring>
#include <fstream>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/cert_usage.hpp"
#include "curcrunch/report/openssl_handles.hpp"
#include "curcrunch/report/pdf_signature.hpp"

namespace curcrunch::report {

std::string openssl_errors(const std::string& fallback) {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out += (out.empty() ? "" : "; ") + std::string(buf);
    }
    return out.empty() ? fallback : out;
}

std::string subject_of(X509* cert) {
    BioPtr mem(BIO_new(BIO_s_mem()));
    if (!mem || !cert) return "";
    X509_NAME_print_ex(
        mem.get(), X509_get_subject_name(cert), 0,
        (XN_FLAG_RFC2253 & ~XN_FLAG_DN_REV & ~XN_FLAG_SEP_MASK & ~ASN1_STRFLGS_ESC_MSB) |
            XN_FLAG_SEP_CPLUS_SPC);
    char* data = nullptr;
    const long n = BIO_get_mem_data(mem.get(), &data);
    return n > 0 ? std::string(data, static_cast<size_t>(n)) : "";
}

namespace {

// Where the placeholder /ByteRange values are written before the real ones are known: wide
// enough for any offset of a file under 10 GB, and a pattern no other part of the file holds
// (everything else is compressed or encrypted; fill_signature checks it occurs once).
constexpr long long kPlaceholderOffset = 9999999999LL;
constexpr const char* kPlaceholderText = "9999999999 9999999999 9999999999";

[[noreturn]] void fail(const std::string& why) {
    throw Error(ErrorKind::internal, "signing: " + why);
}

struct PassphraseRequest {
    const std::optional<Secret>* passphrase;
    bool asked = false;
};

int passphrase_callback(char* buf, int size, int, void* user) {
    auto* req = static_cast<PassphraseRequest*>(user);
    req->asked = true;
    if (!*req->passphrase) return -1;
    const std::string_view p = (*req->passphrase)->reveal();
    if (p.size() > static_cast<size_t>(size)) return -1;
    std::memcpy(buf, p.data(), p.size());
    return static_cast<int>(p.size());
}

// DER: tag, definite length, contents.
std::string der(unsigned char tag, const std::string& contents) {
    std::string out(1, static_cast<char>(tag));
    const size_t n = contents.size();
    if (n < 0x80) {
        out.push_back(static_cast<char>(n));
    } else {
        std::string len;
        for (size_t v = n; v; v >>= 8)
            len.insert(len.begin(), static_cast<char>(v & 0xFF));
        out.push_back(static_cast<char>(0x80 | len.size()));
        out += len;
    }
    return out + contents;
}

// Signs the signer info's signed attributes again, after one was removed. What is signed is
// the DER SET OF the attributes (RFC 5652 5.4): each attribute's encoding, in ascending order
// of the encodings, under a universal SET tag — the order OpenSSL writes them in too.
void sign_attributes_again(CMS_SignerInfo* si, EVP_PKEY* key) {
    std::vector<std::string> encoded;
    for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
        X509_ATTRIBUTE* a = CMS_signed_get_attr(si, i);
        const int n = i2d_X509_ATTRIBUTE(a, nullptr);
        if (n <= 0) throw Error(ErrorKind::internal, "cannot encode a signed attribute");
        std::string s(static_cast<size_t>(n), '\0');
        auto* p = reinterpret_cast<unsigned char*>(s.data());
        i2d_X509_ATTRIBUTE(a, &p);
        encoded.push_back(std::move(s));
    }
    std::sort(encoded.begin(), encoded.end(), [](const std::string& x, const std::string& y) {
        const int c = std::memcmp(x.data(), y.data(), std::min(x.size(), y.size()));
        return c != 0 ? c < 0 : x.size() < y.size();
    });
    std::string body;
    for (const auto& e : encoded)
        body += e;
    const std::string set = der(0x31, body);
    MdCtxPtr ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(set.data()),
                       set.size()) != 1)
        throw Error(ErrorKind::internal, "signing: " + openssl_errors("cannot sign"));
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(set.data()), set.size()) != 1)
        throw Error(ErrorKind::internal, "signing: " + openssl_errors("cannot sign"));
    ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig.data(), static_cast<int>(len));
}

}  // namespace

struct SigningKey::Impl {
    X509Ptr cert;
    PkeyPtr key;
    std::vector<X509Ptr> chain;
    std::string subject;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

const std::string& SigningKey::subject() const {
    return impl_->subject;
}

SigningKey SigningKey::load(const std::string& cert_path, const std::string& key_path,
                            const std::optional<Secret>& passphrase) {
    auto impl = std::make_unique<Impl>();
    {
        BioPtr in(BIO_new_file(cert_path.c_str(), "r"));
        if (!in) throw_usage("--sign-cert: cannot read " + cert_path);
        impl->cert.reset(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
        if (!impl->cert) throw_usage("--sign-cert " + cert_path + ": no PEM certificate in it");
        while (X509* more = PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr))
            impl->chain.emplace_back(more);
        ERR_clear_error();  // the end of the file reads as an error
    }
    {
        BioPtr in(BIO_new_file(key_path.c_str(), "r"));
        if (!in) throw_usage("--sign-key: cannot read " + key_path);
        PassphraseRequest req{&passphrase};
        impl->key.reset(PEM_read_bio_PrivateKey(in.get(), nullptr, passphrase_callback, &req));
        ERR_clear_error();
        if (!impl->key) {
            if (req.asked && !passphrase)
                throw_usage("--sign-key " + key_path +
                            " is encrypted: give its passphrase with --sign-key-pass-file");
            if (req.asked)
                throw_usage("--sign-key " + key_path + ": the passphrase does not open it");
            throw_usage("--sign-key " + key_path + ": no PEM private key in it");
        }
    }
    X509* cert = impl->cert.get();
    if (X509_check_private_key(cert, impl->key.get()) != 1) {
        ERR_clear_error();
        throw_usage("--sign-key " + key_path + " is not the key of the certificate in " +
                    cert_path);
    }
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0)
        throw_usage("--sign-cert " + cert_path + ": the certificate is not valid yet");
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0)
        throw_usage("--sign-cert " + cert_path + ": the certificate has expired");
    // The rule import-pdf holds signers to: a certificate it would not accept is refused here.
    if (const std::string why = signing_use_refusal(cert); !why.empty())
        throw_usage("--sign-cert " + cert_path + ": " + why);
    impl->subject = subject_of(cert);
    return SigningKey(std::move(impl));
}

std::string SigningKey::sign(std::string_view head, std::string_view tail) const {
    std::string data;
    data.reserve(head.size() + tail.size());
    data.append(head).append(tail);
    if (data.size() > static_cast<size_t>(INT_MAX))
        throw Error(ErrorKind::internal, "signing: the file is larger than 2 GB");
    BioPtr in(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    const unsigned flags = CMS_BINARY | CMS_DETACHED;
    CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags | CMS_PARTIAL));
    CMS_SignerInfo* si =
        cms ? CMS_add1_signer(cms.get(), impl_->cert.get(), impl_->key.get(), EVP_sha256(),
                              flags | CMS_PARTIAL | CMS_CADES | CMS_NOSMIMECAP)
            : nullptr;
    if (!si)
        throw Error(ErrorKind::internal, "signing: " + openssl_errors("cannot add the signer"));
    for (const auto& c : impl_->chain)
        CMS_add1_cert(cms.get(), c.get());
    if (!in || CMS_final(cms.get(), in.get(), nullptr, flags) != 1)
        throw Error(ErrorKind::internal, "signing: " + openssl_errors("cannot sign"));
    // PAdES B-B: the claimed signing time is the dictionary's /M, and a signing-time attribute
    // must not be present; OpenSSL always adds one, so it goes and the attributes are signed
    // again.
    const int at = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (at >= 0) {
        X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, at));
        sign_attributes_again(si, impl_->key.get());
    }
    const int n = i2d_CMS_ContentInfo(cms.get(), nullptr);
    if (n <= 0) throw Error(ErrorKind::internal, "signing: " + openssl_errors("cannot encode"));
    std::string out(static_cast<size_t>(n), '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    i2d_CMS_ContentInfo(cms.get(), &p);
    // What was just made must verify, or the file would carry a broken signature.
    std::string why;
    if (!cms_signature_intact(out, head, tail, &why))
        throw Error(ErrorKind::internal, "signing: the signature made does not verify: " + why);
    return out;
}

Secret read_passphrase_file(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw_usage("--sign-key-pass-file: cannot read " + path);
    std::string line;
    std::getline(f, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.pop_back();
    if (line.empty()) throw_usage("--sign-key-pass-file " + path + ": the first line is empty");
    return Secret(std::move(line));
}

void add_signature_field(QPDF& q, const SigningKey& key, const std::string& reason,
                         const std::string& pdf_date) {
    auto pages = QPDFPageDocumentHelper(q).getAllPages();
    if (pages.empty()) throw Error(ErrorKind::internal, "signing: the document has no page");
    // Room for the CMS: its size with this key and chain, plus slack for signature values whose
    // DER length varies (ECDSA) — the size of the signed data does not change it.
    const size_t room = key.sign("", "").size() + 256;
    QPDFObjectHandle sig = q.makeIndirectObject(QPDFObjectHandle::parse(
        "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached >>"));
    QPDFObjectHandle range = QPDFObjectHandle::newArray();
    range.appendItem(QPDFObjectHandle::newInteger(0));
    for (int i = 0; i < 3; ++i)
        range.appendItem(QPDFObjectHandle::newInteger(kPlaceholderOffset));
    sig.replaceKey("/ByteRange", range);
    sig.replaceKey("/Contents", QPDFObjectHandle::newString(std::string(room, '\0')));
    sig.replaceKey("/M", QPDFObjectHandle::newString(pdf_date));
    sig.replaceKey("/Reason", QPDFObjectHandle::newUnicodeString(reason));
    sig.replaceKey("/Name", QPDFObjectHandle::newUnicodeString(key.subject()));
    // DocMDP, P 2: the document is certified; filling forms and adding signatures (an
    // auditor's countersignature) stay allowed, any other change invalidates it.
    sig.replaceKey("/Reference",
                   QPDFObjectHandle::parse("[ << /Type /SigRef /TransformMethod /DocMDP "
                                           "/TransformParams << /Type /TransformParams /P 2 "
                                           "/V /1.2 >> >> ]"));
    QPDFObjectHandle page = pages.front().getObjectHandle();
    QPDFObjectHandle field = q.makeIndirectObject(QPDFObjectHandle::parse(
        "<< /Type /Annot /Subtype /Widget /FT /Sig /F 132 /Rect [ 0 0 0 0 ] >>"));
    field.replaceKey("/T", QPDFObjectHandle::newUnicodeString("curcrunch signature"));
    field.replaceKey("/V", sig);
    field.replaceKey("/P", page);
    QPDFObjectHandle annots = page.getKey("/Annots");
    if (!annots.isArray()) annots = QPDFObjectHandle::newArray();
    annots.appendItem(field);
    page.replaceKey("/Annots", annots);
    QPDFObjectHandle root = q.getRoot();
    QPDFObjectHandle form = QPDFObjectHandle::newDictionary();
    form.replaceKey("/Fields", QPDFObjectHandle::newArray({field}));
    form.replaceKey("/SigFlags", QPDFObjectHandle::newInteger(3));
    root.replaceKey("/AcroForm", q.makeIndirectObject(form));
    QPDFObjectHandle perms = QPDFObjectHandle::newDictionary();
    perms.replaceKey("/DocMDP", sig);
    root.replaceKey("/Perms", perms);
}

void fill_signature(std::string& pdf, const SigningKey& key) {
    const size_t at = pdf.find(kPlaceholderText);
    if (at == std::string::npos || pdf.find(kPlaceholderText, at + 1) != std::string::npos)
        fail("the /ByteRange placeholder is not in the file exactly once");
    const size_t open = pdf.rfind('[', at), close = pdf.find(']', at);
    const size_t obj_end = pdf.find("endobj", at);
    const size_t obj_start = pdf.rfind(" obj", at);
    if (open == std::string::npos || close == std::string::npos || obj_end == std::string::npos ||
        obj_start == std::string::npos)
        fail("the signature dictionary was not written as expected");
    size_t contents = pdf.find("/Contents", obj_start);
    if (contents == std::string::npos || contents > obj_end) fail("no /Contents placeholder");
    size_t lt = pdf.find_first_not_of(" \r\n\t", contents + 9);
    if (lt == std::string::npos || pdf[lt] != '<') fail("/Contents is not a hex string");
    const size_t gt = pdf.find('>', lt);
    if (gt == std::string::npos || gt > obj_end || pdf.find_first_not_of('0', lt + 1) != gt)
        fail("/Contents is not the zero placeholder");
    const size_t a = lt, b = gt + 1;
    std::string range =
        "[0 " + std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(pdf.size() - b);
    if (range.size() + 1 > close - open + 1) fail("the /ByteRange placeholder is too short");
    range.append(close - open - range.size(), ' ');
    range += ']';
    pdf.replace(open, range.size(), range);
    const std::string cms =
        key.sign(std::string_view(pdf).substr(0, a), std::string_view(pdf).substr(b));
    if (cms.size() * 2 > gt - lt - 1) fail("the signature is larger than the room kept for it");
    static const char* hex = "0123456789ABCDEF";
    for (size_t i = 0; i < cms.size(); ++i) {
        const auto c = static_cast<unsigned char>(cms[i]);
        pdf[lt + 1 + 2 * i] = hex[c >> 4];
        pdf[lt + 2 + 2 * i] = hex[c & 15];
    }
}

}  // namespace curcrunch::report
