#include "curcrunch/report/pdf_inspect.hpp"

#include <algorithm>

#include <openssl/evp.h>
#include <qpdf/Pipeline.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEFStreamObjectHelper.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include <set>
#include <stdexcept>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/shown_text.hpp"
#include "curcrunch/report/bounded_sink.hpp"
#include "curcrunch/report/pdf_finish.hpp"
#include "curcrunch/report/pdf_limits.hpp"
#include "curcrunch/report/pdf_revision.hpp"
#include "curcrunch/report/report_json.hpp"

namespace curcrunch::report {
namespace {

// An attachment name must be a plain file name: no directory parts, no "..", no control
// characters — it may be extracted by someone's tool later.
bool safe_attachment_name(const std::string& n) {
    if (n.empty() || n == "." || n == ".." || n.size() > 255) return false;
    for (unsigned char c : n)
        if (c < 0x20 || c == '/' || c == '\\' || c == ':') return false;
    return n.find("..") == std::string::npos;
}

std::string inspect_limit_text(uint64_t bytes) {
    return bytes % (1u << 20) ? std::to_string(bytes) + " bytes"
                              : std::to_string(bytes >> 20) + " MiB";
}

std::string text_of(QPDFObjectHandle o) {
    if (o.isString()) return o.getUTF8Value();
    if (o.isName()) return o.getName();
    if (o.isInteger()) return std::to_string(o.getIntValue());
    return o.unparse();
}

std::string md5_of(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr) != 1)
        throw Error(ErrorKind::internal, "MD5 is not available");
    return std::string(reinterpret_cast<const char*>(md), n);
}

// The Info dictionary is what the store keeps of an invoice: its entries and its size are
// capped (ImportLimits), so a file cannot make the store grow by what it declares there.
void read_info(QPDF& q, const ImportLimits& limits, InspectedPdf& out) {
    QPDFObjectHandle info = q.getTrailer().getKey("/Info");
    if (!info.isDictionary()) return;
    const std::set<std::string> keys = info.getKeys();
    if (keys.size() > limits.max_info_keys)
        throw_input("the Info dictionary has " + std::to_string(keys.size()) +
                    " entries; at most " + std::to_string(limits.max_info_keys) + " are read");
    std::string j = "{";
    for (const auto& key : keys) {
        const std::string v = text_of(info.getKey(key));
        j.append(j.size() > 1 ? "," : "").append(json_quote(key.substr(1))).append(":");
        j.append(json_quote(v));
        if (j.size() > limits.max_info_bytes)
            throw_input("the Info dictionary is larger than " +
                        std::to_string(limits.max_info_bytes >> 10) + " KiB");
        out.info[key.substr(1)] = v;
        if (key == "/Title") out.title = v;
        if (key == "/Keywords") out.keywords = v;
    }
    out.info_json = j + "}";
}

void read_attachments(QPDF& q, const ImportLimits& limits,
                      const std::vector<std::string>& documents, InspectedPdf& out) {
    QPDFEmbeddedFileDocumentHelper efdh(q);
    std::string att = "[";
    for (const auto& [key, spec] : efdh.getEmbeddedFiles()) {
        const std::string fname = spec->getFilename();
        // Messages quote the name as the file gives it, escaped (core/shown_text.hpp).
        const std::string shown = shown_text(fname);
        if (!safe_attachment_name(fname) || !safe_attachment_name(key))
            throw_input("attachment name '" + shown +
                        "' is not a plain file name (path traversal refused)");
        QPDFObjectHandle ef_stream = spec->getEmbeddedFileStream();
        if (!ef_stream.isStream()) throw_input("attachment '" + shown + "' has no data stream");
        QPDFEFStreamObjectHelper ef(ef_stream);
        const std::string mime = ef.getSubtype();
        // The declared size is checked before anything is decoded.
        const size_t declared = ef.getSize();
        const std::string too_large = "attachment '" + shown + "' is larger than " +
                                      std::to_string(limits.max_attachment_bytes >> 20) + " MiB";
        if (declared > limits.max_attachment_bytes) throw_input(too_large);
        BoundedSink sink(limits.max_attachment_bytes);
        try {
            bool filtered = false;
            if (!ef_stream.pipeStreamData(&sink, &filtered, 0, qpdf_dl_generalized))
                throw_input("attachment '" + shown + "' cannot be decoded");
        } catch (const std::length_error&) {
            throw_input(too_large);
        }
        const std::string& data = sink.data();
        // /Params /Size and /CheckSum (ISO 32000-2 7.11.4.2) describe the decoded bytes; a
        // file whose attachment changed without them was edited by hand.
        QPDFObjectHandle params = ef_stream.getDict().getKey("/Params");
        if (params.isDictionary() && params.getKey("/Size").isInteger() &&
            params.getKey("/Size").getIntValue() != static_cast<long long>(data.size()))
            throw_input("attachment '" + shown + "' is " + std::to_string(data.size()) +
                        " bytes, but its /Params /Size says " +
                        std::to_string(params.getKey("/Size").getIntValue()) + ": it was edited");
        const std::string checksum = ef.getChecksum();
        if (!checksum.empty() && checksum != md5_of(data))
            throw_input(
                "attachment '" + shown +
                "': its MD5 checksum (/Params /CheckSum) does not match its contents: it was "
                "edited");
        att.append(att.size() > 1 ? "," : "")
            .append("{\"name\":")
            .append(json_quote(fname))
            .append(",\"size\":")
            .append(std::to_string(data.size()))
            .append(",\"mime\":")
            .append(json_quote(mime))
            .append("}");
        if (fname == kAttachmentName) {
            out.report_json_has_checksum = !checksum.empty();
            out.report_json = std::move(sink.data());
        } else if (std::find(documents.begin(), documents.end(), fname) != documents.end()) {
            out.documents[fname] = std::move(sink.data());
        }
    }
    out.attachments_json = att + "]";
}

// What the file shows that the revision its first signature covers did not (pdf_revision.hpp).
// That revision is a complete PDF of its own: the bytes up to its %%EOF.
std::vector<std::string> changes_since_signing(const std::string& name,
                                               std::string_view signed_part, const char* password,
                                               const ImportLimits& limits, QPDF& now) {
    QPDF was;
    was.setSuppressWarnings(true);
    was.setAttemptRecovery(false);
    try {
        was.processMemoryFile((name + " (signed revision)").c_str(), signed_part.data(),
                              signed_part.size(), password);
    } catch (const std::exception& e) {
        throw_input(
            "signature broken: the part the first signature covers is not a complete PDF "
            "revision (" +
            shown_text(e.what(), 200) + ")");
    }
    if (auto why = pdf_objects_over_limits(was, signed_part, limits.objects))
        throw_input("too large to read: the signed revision: " + *why);
    return changes_since_signed(was, now);
}

}  // namespace

InspectedPdf inspect_pdf(const std::string& name, const std::string& bytes,
                         const std::optional<Secret>& password, const ImportLimits& limits,
                         const TrustStore* trust, const std::vector<std::string>& documents) {
    if (bytes.size() > limits.max_file_bytes)
        throw_input("larger than the import limit (" + std::to_string(limits.max_file_bytes >> 20) +
                    " MiB)");
    if (bytes.find("%PDF-") > 1024) throw_input("not a PDF (no %PDF- header)");
    // qpdf builds its table of every declared object when it opens the file: count them first.
    if (auto n = declared_pdf_objects(bytes); n && *n > limits.objects.max_objects)
        throw_input("too large to read: " + std::to_string(*n) + " objects; at most " +
                    std::to_string(limits.objects.max_objects) + " are read");
    InspectedPdf out;
    QPDF q;
    q.setSuppressWarnings(true);
    q.setAttemptRecovery(false);  // a damaged file is reported, not silently rebuilt
    const std::string pw = password ? std::string(password->reveal()) : std::string();
    try {
        q.processMemoryFile(name.c_str(), bytes.data(), bytes.size(),
                            password ? pw.c_str() : nullptr);
    } catch (const QPDFExc& e) {
        if (e.getErrorCode() == qpdf_e_password)
            throw_input(password ? "encrypted, and the password given does not open it"
                                 : "encrypted: give its password with --password-file");
        throw_input("damaged PDF: " + shown_text(e.getMessageDetail(), 200));
    } catch (const std::exception& e) {  // qpdf also throws std::range_error and the like
        throw_input("damaged PDF: " + shown_text(e.what(), 200));
    }
    out.encrypted = q.isEncrypted();
    try {
        // Before any object is used: measure them all (pdf_limits.hpp).
        if (auto why = pdf_objects_over_limits(q, bytes, limits.objects))
            throw_input("too large to read: " + *why);
        out.pages = static_cast<int>(QPDFPageDocumentHelper(q).getAllPages().size());
        read_info(q, limits, out);
        read_attachments(q, limits, documents, out);
        if (out.report_json || !out.documents.empty()) {
            try {
                out.pages_sha256 = pages_digest(q, limits.max_page_content_bytes);
            } catch (const std::length_error&) {
                throw_input("too large to read: the pages' content decodes to more than " +
                            inspect_limit_text(limits.max_page_content_bytes) +
                            " (the import limit)");
            }
            out.unwritten_annotation = unwritten_annotation(q);
        }
        out.signature = check_signatures(q, bytes, trust);
        if (out.signature.state != SignatureState::none &&
            out.signature.state != SignatureState::broken &&
            out.signature.signed_bytes < bytes.size())
            out.changed_after_signing = changes_since_signing(
                name, std::string_view(bytes).substr(0, out.signature.signed_bytes),
                password ? pw.c_str() : nullptr, limits, q);
        // The signer's name and the reason a signature is not valid quote the file (its
        // certificate, its /SubFilter): they are printed, stored and shown on the dashboard.
        out.signature.signer = shown_text(out.signature.signer, 256);
        out.signature.detail = shown_text(out.signature.detail, 512);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw_input("damaged PDF: " + shown_text(e.what(), 200));
    }
    if (q.anyWarnings()) throw_input("damaged PDF: qpdf reported problems reading it");
    return out;
}

}  // namespace curcrunch::report
