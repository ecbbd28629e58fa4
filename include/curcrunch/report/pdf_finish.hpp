#pragma once
// The last step of every report, with qpdf: libharu 2.3.0 writes the drawing but has no AES
// and writes a malformed attachment file specification, so qpdf sets the Info dictionary
// (standard and custom keys), embeds the JSON as a proper file specification (/F and /UF,
// /EF stream with /Subtype application/json, /Params with size, MD5 checksum and dates),
// optionally encrypts with AES-256 (R6: user and owner passwords), and writes the file via a
// temporary file renamed into place.
#include <map>
#include <optional>
#include <string>

#include "curcrunch/core/secret.hpp"

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

void finish_pdf(const std::string& pdf_bytes, const PdfInfo& info,
                const std::string& attachment_name, const std::string& attachment,
                const std::optional<PdfPasswords>& passwords, const std::string& out_path);

}  // namespace curcrunch::report
