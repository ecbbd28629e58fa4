#include "curcrunch/fetch/document_archive.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "curcrunch/aws/s3_client.hpp"
#include "curcrunch/core/durable_file.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"

namespace curcrunch::fetch {
namespace fs = std::filesystem;

std::string safe_component(const std::string& id) {
    std::string s;
    for (char c : id)
        s.push_back(
            (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')
                ? c
                : '_');
    if (s.empty() || s == "." || s == "..") s = "_" + s;
    if (s.size() > 128) s.resize(128);
    return s;
}

ArchivedDocument archive_document(net::ResilientClient& http, const std::string& archive_dir,
                                  const std::string& invoice_id,
                                  const aws::InvoiceDocumentLink& doc) {
    const fs::path dir = fs::path(archive_dir) / safe_component(invoice_id);
    fs::create_directories(dir);
    const fs::path part = dir / (safe_component(doc.document_id) + ".part");
    std::FILE* f = std::fopen(part.c_str(), "wb");
    if (!f) throw Error(ErrorKind::internal, "cannot write " + part.string());
    std::string head;
    std::optional<Sha256> hash;
    int64_t bytes = 0;
    bool write_failed = false;
    auto make = [&](int) {
        // A retry starts the file over.
        std::fflush(f);
        if (std::fseek(f, 0, SEEK_SET) != 0 || ::ftruncate(fileno(f), 0) != 0) write_failed = true;
        head.clear();
        hash.emplace();
        bytes = 0;
        net::Request r;
        r.url = doc.url;  // pre-signed: sent exactly as received, no Authorization
        r.sink = [&](const char* p, size_t n) {
            if (head.size() < 8) head.append(p, std::min(n, 8 - head.size()));
            hash->update(p, n);
            bytes += static_cast<int64_t>(n);
            if (std::fwrite(p, 1, n, f) != n) write_failed = true;
            return !write_failed;
        };
        return r;
    };
    try {
        http.call(net::CallOptions{"invoice-documents", "GET " + doc.kind + " " + invoice_id,
                                   net::ServiceKind::plain},
                  make, aws::S3Client::service_error);  // pre-signed S3 links: S3's errors
    } catch (...) {
        std::fclose(f);
        fs::remove(part);
        throw;
    }
    if (std::fclose(f) != 0 || write_failed) {
        fs::remove(part);
        throw Error(ErrorKind::internal, "cannot write " + part.string());
    }
    const char* ext = head.rfind("%PDF-", 0) == 0 ? ".pdf"
                      : head.rfind("<", 0) == 0   ? ".xml"
                                                  : ".bin";
    const fs::path final_path = dir / (safe_component(doc.document_id) + ext);
    sync_file(part.string());  // the store records its digest (core/durable_file.hpp)
    rename_durably(part.string(), final_path.string());
    return {final_path.string(), hash->hex_digest(), bytes};
}

}  // namespace curcrunch::fetch
