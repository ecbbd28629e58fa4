#pragma once
// The last step of every report, with qpdf: libharu 2.3.0 writes the drawing but has no AES
// and writes a malformed attachment file specification, so qpdf sets the Info dictionary
// (standard and custom keys), embeds the JSON as a proper file specification (/F and /UF,
// /EF stream with /Subtype application/json, /Params with size, MD5 checksum and dates),
// optionally encrypts with AES-256 (R6: user and owner passwords) and optionally signs
// (pdf_sign.hpp), and returns the finished file's bytes.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "curcrunch/core/secret.hpp"

class QPDF;

namespace curcrunch::report {

struct PdfInfo {
    std::string title, author, subject, keywords, creator, creation_date;  // D:YYYYMMDDHHmmSSZ
    std::map<std::string, std::string> custom;                             // e.g. CurcrunchReportId
};

struct PdfPasswords {
    Secret user, owner;
};

// Password file: the user password on the first line, an optional owner password on the
// second (a random one otherwise). Throws Error(usage) naming the file.
PdfPasswords read_password_file(const std::string& path);

class SigningKey;

// One report's qpdf pass. The pages digest is known before the attachment is written, so the
// JSON can state it.
class PdfFinisher {
  public:
    explicit PdfFinisher(const std::string& libharu_bytes);
    // A document already in memory whose ToUnicode maps were repaired (repair_to_unicode),
    // e.g. pages copied out of a larger one, which must then outlive this finisher: the
    // copied streams are read from it when the file is written.
    explicit PdfFinisher(std::unique_ptr<QPDF> document);
    ~PdfFinisher();
    PdfFinisher(const PdfFinisher&) = delete;
    PdfFinisher& operator=(const PdfFinisher&) = delete;

    // The file's /ID from its content, not from the time: the same document drawn again is the
    // same bytes (an issued invoice). Not with passwords (qpdf refuses both).
    void deterministic_id();
    // pages_digest() of the document as it will be written.
    std::string pages_sha256() const;
    std::string finish(const PdfInfo& info, const std::string& attachment_name,
                       const std::string& attachment, const std::optional<PdfPasswords>& passwords,
                       const SigningKey* signer);

  private:
    struct State;
    std::unique_ptr<State> s_;
};

// Gives every libharu UTF-8 (Type0) font a correct /ToUnicode CMap (libharu 2.3.0 writes a
// malformed one); the constructor from libharu bytes does it.
void repair_to_unicode(QPDF& q);

// sha256 over every page's content streams, decoded, in page order (each page's streams
// preceded by "page N\n"): what the pages show, independent of compression, encryption and
// object numbering. The report JSON records it; import recomputes it. A flate stream of a few
// MiB can decode to gigabytes: past `max_decoded_bytes` of decoded content it throws
// std::length_error.
std::string pages_digest(QPDF& q, uint64_t max_decoded_bytes = UINT64_MAX);

}  // namespace curcrunch::report
