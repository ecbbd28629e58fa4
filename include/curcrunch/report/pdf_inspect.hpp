#pragma once
// Reading one PDF for the archive, with qpdf and recovery off (a damaged file is an error, not
// a guess): page count, Info dictionary, attachments (names checked, sizes bounded, each
// attachment's /Params /Size and /CheckSum MD5 verified against its decoded bytes), the
// curcrunch report attachment, the pages digest (pdf_finish.hpp), the annotations, the digital
// signatures (pdf_signature.hpp) and what changed after the first signature (pdf_revision.hpp).
// Nothing here touches the store.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/core/secret.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/report/pdf_signature.hpp"

namespace curcrunch::report {

struct InspectedPdf {
    int pages = 0;
    bool encrypted = false;
    std::string title, keywords, info_json = "{}", attachments_json = "[]";
    std::map<std::string, std::string> info;  // Info keys (without the slash) as text
    std::optional<std::string> report_json;   // the curcrunch-report.json attachment
    bool report_json_has_checksum = false;    // it carries /Params /CheckSum (and it matched)
    // The attachments named in `documents` (other curcrunch documents, ImportOptions), by name.
    std::map<std::string, std::string> documents;
    std::string pages_sha256;  // pages_digest, when the file is a report or another document
    // For a report or another document: its first annotation curcrunch does not write, if any.
    std::string unwritten_annotation;
    SignatureCheck signature;
    // When revisions were appended after the first signature's: what they changed in what the
    // file shows or says (pdf_revision.hpp); empty when they only added signatures.
    std::vector<std::string> changed_after_signing;
};

// Throws Error(input) saying what is wrong with the file.
InspectedPdf inspect_pdf(const std::string& name, const std::string& bytes,
                         const std::optional<Secret>& password, const ImportLimits& limits,
                         const TrustStore* trust, const std::vector<std::string>& documents = {});

}  // namespace curcrunch::report
