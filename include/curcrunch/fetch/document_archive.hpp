#pragma once
// The invoice archive: <archive>/<invoice id>/<document id>.<pdf|xml|bin>, written through a
// ".part" file and renamed, with the sha256 recorded in the store. Pre-signed URLs are fetched
// with a plain GET (no signing, the query string untouched). Ids are sanitised so a hostile id
// cannot leave the archive folder.
#include <string>

#include "curcrunch/aws/invoicing.hpp"
#include "curcrunch/net/resilience.hpp"

namespace curcrunch::fetch {

struct ArchivedDocument {
    std::string path, sha256;
    int64_t bytes = 0;
};

// A path component made of [A-Za-z0-9._-] only, never "." or "..".
std::string safe_component(const std::string& id);

// Downloads `doc` for `invoice_id` into the archive (replacing any older copy atomically).
ArchivedDocument archive_document(net::ResilientClient& http, const std::string& archive_dir,
                                  const std::string& invoice_id,
                                  const aws::InvoiceDocumentLink& doc);

}  // namespace curcrunch::fetch
