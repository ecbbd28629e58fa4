#pragma once
// Incremental updates appended to a PDF byte by byte, as any PDF editor or a few lines of
// script would, and signed with the openssl command line: what the import-pdf forgery tests
// (archive_revision_test.cpp, archive_overlay_test.cpp) build their files with.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "curcrunch/core/sha256.hpp"
#include "curcrunch/report/pdf_finish.hpp"
#include "test_support.hpp"

namespace testsupport {

struct RevisionWorld {
    RevisionWorld() {
        write_file(tmp / "sep.csv", known_month_csv("2026-09", "10.00"));
        write_file(tmp / "oct.csv", known_month_csv("2026-10", "12.00"));
        auto r = run_cli({"ingest", "--quiet", "--db", writer, tmp / "sep.csv", tmp / "oct.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult report(const std::string& out, std::vector<std::string> extra = {}) {
        std::vector<std::string> a = {"report",     "--db",  writer,       "--from",
                                      "2026-09-01", "--to",  "2026-10-31", "--as-of",
                                      "2026-10-31", "--out", out};
        a.insert(a.end(), extra.begin(), extra.end());
        return run_cli(a);
    }
    // A fresh auditor's store: the same data, and no record of any report.
    std::string auditor(const std::string& name) {
        const std::string db = tmp / name;
        auto r = run_cli({"ingest", "--quiet", "--db", db, tmp / "sep.csv", tmp / "oct.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return db;
    }
    TempDir tmp;
    std::string writer = tmp / "writer.db";
};

// The bodies of the objects an incremental update writes, by object number.
using RevisionObjects = std::map<int, std::string>;

inline std::string revision_stream(const std::string& entries, const std::string& data) {
    return "<< " + entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data +
           "\nendstream";
}

// A dictionary's text with some entries replaced or added (values as PDF text).
inline std::string revision_dict(QPDFObjectHandle d,
                                 const std::map<std::string, std::string>& set) {
    std::string s = "<<";
    for (const auto& key : d.getKeys())
        if (!set.count(key)) s += " " + key + " " + d.getKey(key).unparse();
    for (const auto& [key, value] : set)
        s += " " + key + " " + value;
    return s + " >>";
}

inline long long revision_last_startxref(const std::string& pdf) {
    const size_t at = pdf.rfind("startxref");
    EXPECT_NE(at, std::string::npos);
    return std::stoll(pdf.substr(at + 9, 24));
}

// `pdf` with an incremental update appended (ISO 32000-2 7.5.6): the objects, a cross-reference
// section for them and a trailer that carries /Root, /Info and /ID over, /Prev the last one.
inline std::string appended_revision(const std::string& pdf, const RevisionObjects& objects) {
    QPDF q;
    q.processMemoryFile("base", pdf.data(), pdf.size());
    QPDFObjectHandle t = q.getTrailer();
    std::string out = pdf;
    if (out.back() != '\n') out += '\n';
    std::map<int, size_t> at;
    long long size = t.getKey("/Size").getIntValue();
    for (const auto& [n, body] : objects) {
        at[n] = out.size();
        out += std::to_string(n) + " 0 obj\n" + body + "\nendobj\n";
        size = std::max<long long>(size, n + 1);
    }
    const size_t xref = out.size();
    out += "xref\n";
    for (const auto& [n, offset] : at) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
        out += std::to_string(n) + " 1\n" + line;
    }
    out += "trailer\n<< /Size " + std::to_string(size) + " /Root " + t.getKey("/Root").unparse() +
           " /Info " + t.getKey("/Info").unparse() + " /ID " + t.getKey("/ID").unparse() +
           " /Prev " + std::to_string(revision_last_startxref(pdf)) + " >>\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return out;
}

// Who signs the appended signature: a key and certificate for `openssl cms`, or nobody (a few
// bytes of DER under a /SubFilter curcrunch does not verify).
struct RevisionSigner {
    std::string cert, key;
    std::string subfilter = "/ETSI.CAdES.detached";
    // The widget's place and look: invisible by default, as countersigning tools add it.
    std::string widget = "/Rect [0 0 0 0] /F 132";
    // The signature dictionary's /M, and more `openssl cms -sign` options (-noattr leaves out
    // the signingTime attribute, -certfile adds intermediates).
    std::string signed_at = "D:20261207090000Z";
    std::string cms_options = "";
};

inline constexpr size_t kRevisionSigRoom = 16384;

// Adds a signature field to page 1 of `q` (its widget's /Rect, /F and whatever else `who`
// holds), listed in the form after the fields already there.
inline void add_revision_signature_field(QPDF& q, RevisionObjects& objs, int& next,
                                         const RevisionSigner& who) {
    const int sig = next++, field = next++;
    objs[sig] = "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter " + who.subfilter +
                " /ByteRange [0 0000000000 0000000000 0000000000] /Contents <" +
                std::string(kRevisionSigRoom, '0') + "> /M (" + who.signed_at + ") >>";
    QPDFObjectHandle page = QPDFPageDocumentHelper(q).getAllPages().front().getObjectHandle();
    objs[field] = "<< /FT /Sig /T (countersignature) /V " + std::to_string(sig) +
                  " 0 R /Type /Annot /Subtype /Widget " + who.widget + " /P " + page.unparse() +
                  " >>";
    std::string annots = "[";
    if (page.getKey("/Annots").isArray())
        for (auto& a : page.getKey("/Annots").getArrayAsVector())
            annots += " " + a.unparse();
    objs[page.getObjectID()] =
        revision_dict(page, {{"/Annots", annots + " " + std::to_string(field) + " 0 R ]"}});
    QPDFObjectHandle root = q.getRoot(), form = root.getKey("/AcroForm");
    std::string fields = "[";
    if (form.isDictionary())
        for (auto& f : form.getKey("/Fields").getArrayAsVector())
            fields += " " + f.unparse();
    fields += " " + std::to_string(field) + " 0 R ]";
    if (form.isIndirect())
        objs[form.getObjectID()] = revision_dict(form, {{"/Fields", fields}});
    else
        objs[root.getObjectID()] =
            revision_dict(root, {{"/AcroForm", "<< /Fields " + fields + " /SigFlags 3 >>"}});
}

// Fills in the appended signature's /ByteRange and /Contents (the placeholder after `from`).
inline std::string sign_revision(std::string pdf, size_t from, const RevisionSigner& who,
                                 const std::string& dir) {
    const size_t contents = pdf.find("/Contents <" + std::string(64, '0'), from);
    EXPECT_NE(contents, std::string::npos);
    const size_t a = contents + 10, b = pdf.find('>', a) + 1;
    const size_t br = pdf.rfind("/ByteRange [", contents), br_end = pdf.find(']', br) + 1;
    std::string range = "/ByteRange [0 " + std::to_string(a) + " " + std::to_string(b) + " " +
                        std::to_string(pdf.size() - b) + "]";
    range.append(br_end - br - range.size(), ' ');
    pdf.replace(br, range.size(), range);
    std::string der = "\x30\x03\x02\x01\x01";
    if (!who.cert.empty()) {
        write_file(dir + "/tbs.bin", pdf.substr(0, a) + pdf.substr(b));
        auto r = sh("openssl cms -sign -binary -in " + dir + "/tbs.bin -signer " + who.cert +
                    " -inkey " + who.key + " -outform DER -md sha256 -nosmimecap " +
                    who.cms_options + " -out " + dir + "/sig.der");
        EXPECT_EQ(r.code, 0) << r.out;
        der = read_file(dir + "/sig.der");
    }
    static const char* hex = "0123456789ABCDEF";
    for (size_t i = 0; i < der.size(); ++i) {
        pdf[a + 1 + 2 * i] = hex[static_cast<unsigned char>(der[i]) >> 4];
        pdf[a + 2 + 2 * i] = hex[static_cast<unsigned char>(der[i]) & 15];
    }
    return pdf;
}

inline std::string revision_md5_hex(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr);
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
        char h[3];
        std::snprintf(h, sizeof h, "%02x", md[i]);
        out += h;
    }
    return out;
}

inline std::string revision_stream_text(QPDFObjectHandle s) {
    auto buf = s.getStreamData(qpdf_dl_generalized);
    return std::string(reinterpret_cast<const char*>(buf->getBuffer()), buf->getSize());
}

// The forger's edit of a report: page 1's total $761.60 shown as $861.60 (libharu's glyph codes),
// the JSON's pages_sha256 brought up to date (with its /Params checksum and size) and Info
// CurcrunchJsonSha256 too — every check a single revision allows is satisfied.
inline RevisionObjects forged_total(const std::string& pdf) {
    QPDF q;
    q.processMemoryFile("genuine", pdf.data(), pdf.size());
    RevisionObjects objs;
    QPDFObjectHandle contents =
        QPDFPageDocumentHelper(q).getAllPages().front().getObjectHandle().getKey("/Contents");
    EXPECT_TRUE(contents.isStream());
    std::string page = revision_stream_text(contents);
    const std::string from = "0024003700360031002E00360030", to = "0024003800360031002E00360030";
    EXPECT_NE(page.find(from), std::string::npos);
    page.replace(page.find(from), from.size(), to);
    objs[contents.getObjectID()] = revision_stream("", page);
    std::string digest;
    {
        const std::string shown = appended_revision(pdf, objs);
        QPDF s;
        s.processMemoryFile("shown", shown.data(), shown.size());
        digest = curcrunch::report::pages_digest(s);
    }
    auto spec = QPDFEmbeddedFileDocumentHelper(q).getEmbeddedFile("curcrunch-report.json");
    QPDFObjectHandle ef = spec->getEmbeddedFileStream();
    std::string json = revision_stream_text(ef);
    const size_t at = json.find("\"pages_sha256\":\"") + 16;
    json.replace(at, 64, digest);
    objs[ef.getObjectID()] = revision_stream(
        "/Type /EmbeddedFile /Subtype /application#2fjson /Params << /CheckSum <" +
            revision_md5_hex(json) + "> /Size " + std::to_string(json.size()) + " >>",
        json);
    QPDFObjectHandle info = q.getTrailer().getKey("/Info");
    objs[info.getObjectID()] =
        revision_dict(info, {{"/CurcrunchJsonSha256", "(" + curcrunch::Sha256::of(json) + ")"}});
    return objs;
}

// `pdf` with `objs` and a signature by `who` appended as one revision.
inline std::string signed_revision(const std::string& pdf, RevisionObjects objs,
                                   const RevisionSigner& who, const std::string& dir) {
    QPDF q;
    q.processMemoryFile("base", pdf.data(), pdf.size());
    int next = static_cast<int>(q.getTrailer().getKey("/Size").getIntValue());
    add_revision_signature_field(q, objs, next, who);
    return sign_revision(appended_revision(pdf, objs), pdf.size(), who, dir);
}

inline bool revision_has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace testsupport
