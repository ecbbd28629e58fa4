#pragma once
// S3 for CUR downloads (reference: aws-vault-wire.md §3): ListObjectsV2 over every page,
// GetObject for small objects (manifests), and resumable downloads into a local cache —
// `Range` + `If-Match` on the ETag so a replaced object is never spliced, a size check, and
// unchanged objects skipped. Path-style addressing against an endpoint (AWS or 127.0.0.1 in
// tests); every request SigV4-signed (service s3, no path normalisation, x-amz-content-sha256).
// A downloaded file's sha256 is computed from its bytes as they are written, so that its ingest
// need not read the file again for it. S3's own x-amz-checksum-sha256 is not asked for: an
// object has one only if its uploader chose SHA-256, and for a multipart upload it may be a
// composite of the parts' digests (x-amz-checksum-type COMPOSITE), not the file's.
#include <cstdint>
#include <string>
#include <vector>

#include "curcrunch/aws/sigv4.hpp"
#include "curcrunch/core/file_identity.hpp"
#include "curcrunch/net/resilience.hpp"

namespace curcrunch::aws {

struct S3Object {
    std::string key;
    uint64_t size = 0;
    std::string etag;  // with its quotes, as S3 sends it
    std::string last_modified;
};

enum class DownloadOutcome { downloaded, resumed, unchanged };

// What a download that wrote a file knows of it: the sha256 of the whole file and the file's
// identity once it was complete, closed and renamed into place. The ingest of a fetched period
// reuses the digest while the file keeps that identity (ingest/engine.hpp).
struct DownloadedFile {
    std::string sha256;  // hex; "" when nothing was written (DownloadOutcome::unchanged)
    FileIdentity identity;
};

class S3Client {
  public:
    // `endpoint`: scheme://host[:port] without a trailing slash.
    S3Client(net::ResilientClient& http, const Credentials& creds, std::string region,
             std::string endpoint);

    std::vector<S3Object> list(const std::string& bucket, const std::string& prefix,
                               int page_size = 1000);
    std::string get(const std::string& bucket, const std::string& key);
    // Downloads `object` to `path` (via path + ".part"; the ETag is kept in path + ".etag").
    // `written`, when given, receives the new file's digest and identity.
    DownloadOutcome download(const std::string& bucket, const S3Object& object,
                             const std::string& path, DownloadedFile* written = nullptr);

    // The error code in an S3 XML error body (<Error><Code>), "" if none.
    static std::string error_code(const net::Response& r);

  private:
    net::Request signed_request(const std::string& method, const std::string& bucket,
                                const std::string& key,
                                std::vector<std::pair<std::string, std::string>> query,
                                std::vector<std::pair<std::string, std::string>> headers);
    net::ResilientClient& http_;
    const Credentials& creds_;
    std::string region_, endpoint_, host_;
};

}  // namespace curcrunch::aws
