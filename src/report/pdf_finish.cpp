#include "curcrunch/report/pdf_finish.hpp"

#include <openssl/rand.h>
#include <qpdf/Buffer.hh>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEFStreamObjectHelper.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/hash_pipeline.hpp"
#include "curcrunch/report/pdf_fonts.hpp"
#include "curcrunch/report/pdf_sign.hpp"

namespace curcrunch::report {

namespace {

// libharu 2.3.0 gives its UTF-8 (Identity-H, codes = UCS-2 code points) fonts a /ToUnicode
// that is not a ToUnicode CMap at all (a CID range map), which text extractors and renderers
// reject. The correct one is the identity from code to Unicode over the BMP, surrogates
// excluded; bfrange entries may not cross a high-byte boundary, so one per high byte.
std::string identity_to_unicode_cmap() {
    std::vector<std::string> ranges;
    for (int hi = 0; hi < 256; ++hi) {
        if (hi >= 0xD8 && hi <= 0xDF) continue;
        char b[48];
        std::snprintf(b, sizeof b, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
        ranges.push_back(b);
    }
    std::string s =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    for (size_t i = 0; i < ranges.size(); i += 100) {
        const size_t n = std::min<size_t>(100, ranges.size() - i);
        s += std::to_string(n) + " beginbfrange\n";
        for (size_t k = 0; k < n; ++k)
            s += ranges[i + k];
        s += "endbfrange\n";
    }
    return s + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
}

}  // namespace

void repair_to_unicode(QPDF& q) {
    QPDFObjectHandle cmap;
    bool made = false;
    for (QPDFObjectHandle o : q.getAllObjects()) {
        if (!o.isDictionary() || !o.getKey("/Type").isNameAndEquals("/Font") ||
            !o.getKey("/Subtype").isNameAndEquals("/Type0") || !o.hasKey("/ToUnicode"))
            continue;
        if (!made) {
            cmap =
                q.makeIndirectObject(QPDFObjectHandle::newStream(&q, identity_to_unicode_cmap()));
            made = true;
        }
        o.replaceKey("/ToUnicode", cmap);
    }
}

PdfPasswords read_password_file(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw_usage("--password-file: cannot read " + path);
    std::string user, owner;
    std::getline(f, user);
    std::getline(f, owner);
    for (std::string* s : {&user, &owner})
        while (!s->empty() && (s->back() == '\r' || s->back() == ' '))
            s->pop_back();
    if (user.empty())
        throw_usage("--password-file " + path + ": the first line (user password) is empty");
    PdfPasswords p{Secret(user), Secret(owner)};
    if (owner.empty()) {
        unsigned char b[24];
        if (RAND_bytes(b, sizeof b) != 1) throw Error(ErrorKind::internal, "no randomness");
        std::string r;
        for (unsigned char c : b) {
            char h[3];
            std::snprintf(h, sizeof h, "%02x", c);
            r += h;
        }
        p.owner = Secret(r);
    }
    return p;
}

std::string pages_digest(QPDF& q, uint64_t max_decoded_bytes) {
    Sha256 h;
    HashPipeline sink(h, max_decoded_bytes);
    size_t n = 0;
    for (auto& page : QPDFPageDocumentHelper(q).getAllPages()) {
        const std::string head = "page " + std::to_string(++n) + "\n";
        h.update(head);
        try {
            page.pipeContents(&sink);
        } catch (const std::exception&) {
            if (!sink.over_limit()) throw;
        }
        if (sink.over_limit()) throw std::length_error("page content over the limit");
    }
    return h.hex_digest();
}

struct PdfFinisher::State {
    std::string drawn;  // qpdf reads from this buffer for as long as the document lives
    std::unique_ptr<QPDF> q;
    bool deterministic_id = false;
};

PdfFinisher::PdfFinisher(const std::string& bytes) : s_(std::make_unique<State>()) {
    s_->drawn = bytes;
    s_->q = std::make_unique<QPDF>();
    try {
        s_->q->setSuppressWarnings(true);
        s_->q->processMemoryFile("report", s_->drawn.data(), s_->drawn.size());
        repair_to_unicode(*s_->q);
        slim_embedded_fonts(*s_->q);
    } catch (const std::exception& e) {
        throw Error(ErrorKind::internal, std::string("cannot read the drawn PDF: ") + e.what());
    }
}

PdfFinisher::PdfFinisher(std::unique_ptr<QPDF> document) : s_(std::make_unique<State>()) {
    s_->q = std::move(document);
}

PdfFinisher::~PdfFinisher() = default;

void PdfFinisher::deterministic_id() {
    s_->deterministic_id = true;
}

std::string PdfFinisher::pages_sha256() const {
    return pages_digest(*s_->q);
}

std::string PdfFinisher::finish(const PdfInfo& info, const std::string& attachment_name,
                                const std::string& attachment,
                                const std::optional<PdfPasswords>& passwords,
                                const SigningKey* signer) {
    QPDF& q = *s_->q;
    try {
        QPDFObjectHandle trailer = q.getTrailer();
        QPDFObjectHandle dict = trailer.getKey("/Info");
        if (!dict.isDictionary()) {
            dict = q.makeIndirectObject(QPDFObjectHandle::newDictionary());
            trailer.replaceKey("/Info", dict);
        }
        auto put = [&](const std::string& key, const std::string& value) {
            if (!value.empty()) dict.replaceKey(key, QPDFObjectHandle::newUnicodeString(value));
        };
        put("/Title", info.title);
        put("/Author", info.author);
        put("/Subject", info.subject);
        put("/Keywords", info.keywords);
        put("/Creator", info.creator);
        put("/Producer", "curcrunch " CURCRUNCH_VERSION " (libharu, qpdf)");
        put("/CreationDate", info.creation_date);
        put("/ModDate", info.creation_date);
        for (const auto& [k, v] : info.custom)
            put("/" + k, v);

        auto ef = QPDFEFStreamObjectHelper::createEFStream(q, attachment);
        ef.setSubtype("application/json")
            .setCreationDate(info.creation_date)
            .setModDate(info.creation_date);
        auto fs = QPDFFileSpecObjectHelper::createFileSpec(q, attachment_name, ef);
        fs.setDescription("curcrunch report metadata (schema curcrunch-report)");
        fs.getObjectHandle().replaceKey("/AFRelationship", QPDFObjectHandle::newName("/Data"));
        QPDFEmbeddedFileDocumentHelper(q).replaceEmbeddedFile(attachment_name, fs);
        // PDF 2.0-style associated file on the catalog, for tools that look there.
        q.getRoot().replaceKey("/AF", QPDFObjectHandle::newArray({fs.getObjectHandle()}));
        if (signer) {
            add_signature_field(q, *signer, info.title, info.creation_date);
            // ETSI.CAdES.detached is a PDF 2.0 SubFilter; in a 1.7 file the ESIC extension
            // (ISO 32000-1 extension level 2) announces it.
            QPDFObjectHandle ext =
                QPDFObjectHandle::parse("<< /ESIC << /BaseVersion /1.7 /ExtensionLevel 2 >> >>");
            q.getRoot().replaceKey("/Extensions", ext);
        }

        QPDFWriter w(q);
        w.setOutputMemory();
        if (s_->deterministic_id && !passwords)
            w.setDeterministicID(true);
        else
            w.setStaticID(false);
        w.setObjectStreamMode(qpdf_o_generate);
        // libharu's streams are already compressed: pass them through instead of inflating
        // and deflating them again.
        w.setDecodeLevel(qpdf_dl_none);
        w.setRecompressFlate(false);
        if (signer) w.setMinimumPDFVersion("1.7");
        if (passwords) {
            const std::string user(passwords->user.reveal()), owner(passwords->owner.reveal());
            w.setR6EncryptionParameters(user.c_str(), owner.c_str(), true, true, true, true, true,
                                        true, qpdf_r3p_full, true);
        }
        w.write();
        std::shared_ptr<Buffer> buf(w.getBufferSharedPointer());
        std::string out(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
        if (signer) fill_signature(out, *signer);
        return out;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(ErrorKind::internal, std::string("cannot write the PDF: ") + e.what());
    }
}

}  // namespace curcrunch::report
