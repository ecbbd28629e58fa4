#pragma once
// S3 for CUR downloads (reference: aws-vault-wire.md §3): ListObjectsV2 over every page,
// GetObject for small objects (manifests), and resumable downloads into a local cache —
// `Range` + `If-Match` on the ETag so a replaced object is never spliced, a size check, and
// unchanged objects skipped. Path-style addressing against an endpoint (AWS or 127.0.0.1 in
// tests); every request SigV4-signed (service s3, no path normalisation, x-amz-content-sha256).
#include <cstdint>
#include <string>
#include <vector>

#include "curcrunch/aws/sigv4.hpp"
#include "curcrunch/net/resilience.hpp"

namespace curcrunch::aws {

struct S3Object {
    std::string key;
    uint64_t size = 0;
    std::string etag;  // with its quotes, as S3 sends it
    std::string last_modified;
};

enum class DownloadOutcome { downloaded, resumed, unchanged };

class S3Client {
  public:
    // `endpoint`: scheme://host[:port] without a trailing slash.
    S3Client(net::ResilientClient& http, const Credentials& creds, std::string region,
             std::string endpoint);

    std::vector<S3Object> list(const std::string& bucket, const std::string& prefix,
                               int page_size = 1000);
    std::string get(const std::string& bucket, const std::string& key);
    // Downloads `object` to `path` (via path + ".part"; the ETag is kept in path + ".etag").
    DownloadOutcome download(const std::string& bucket, const S3Object& object,
                             const std::string& path);

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
