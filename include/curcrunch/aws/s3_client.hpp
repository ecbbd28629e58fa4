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
//
// A bucket lives in one region, which need not be the region of the credentials that read it.
// Asked in another region, S3 answers 301 PermanentRedirect (x-amz-bucket-region header, an
// <Endpoint> in the body) or 400 AuthorizationHeaderMalformed (<Region> in the body); as the AWS
// SDKs do, the client then signs that bucket's requests for its region, and sends them to that
// region's endpoint unless a custom endpoint was configured, for the rest of the run.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "curcrunch/aws/cached_object.hpp"
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

// The region of each bucket a run reads, where it is not the client's: set from the
// configuration, or learned from S3's redirects. Shared by the run's clients. A bucket's name
// is unique within its partition (aws/endpoints.hpp), so it is known by both. Thread-safe.
class BucketRegions {
  public:
    // The region of `bucket` in `partition`, "" when it is not known.
    std::string of(const std::string& partition, const std::string& bucket) const;
    // Sets the region of `bucket` in the region's partition; returns false (and changes
    // nothing) when it already was `region`.
    bool set(const std::string& bucket, const std::string& region);

  private:
    mutable std::mutex m_;
    std::map<std::pair<std::string, std::string>, std::string> regions_;
};

class S3Client {
  public:
    // `endpoint`: scheme://host[:port][/path]. When it is the regional
    // endpoint of `region` (aws/endpoints.hpp) or S3's global one, a bucket of another region
    // is asked at that region's endpoint; any other endpoint is kept for every bucket.
    S3Client(net::ResilientClient& http, const Credentials& creds, std::string region,
             std::string endpoint, std::shared_ptr<BucketRegions> regions = nullptr);

    std::vector<S3Object> list(const std::string& bucket, const std::string& prefix,
                               int page_size = 1000);
    std::string get(const std::string& bucket, const std::string& key);
    // Downloads `object` to `path` (via path + ".part"; the ETag, with the file's sha256 and
    // identity, is kept in path + ".etag": aws/cached_object.hpp). `written`, when given,
    // receives the new file's digest and identity. A cached copy is kept while its size and
    // ETag match and it still holds the bytes its download wrote. The bytes received are
    // checked against an ETag that is their MD5 (a single-part object without SSE-KMS/SSE-C);
    // a mismatch is downloaded once more, then an error. A partial file is continued with
    // Range + If-Match; one as long as the object or longer, or refused with 416, starts again
    // rather than failing every run, and a 200 to a ranged GET replaces it.
    DownloadOutcome download(const std::string& bucket, const S3Object& object,
                             const std::string& path, DownloadedFile* written = nullptr);

    // The code and message of an S3 XML error body (<Error>), "" if none.
    static net::ServiceError service_error(const net::Response& r);
    // The region a refusal says the bucket is in, when it is a wrong-region refusal (see above)
    // that names one: from x-amz-bucket-region, the body's <Region>, or its <Endpoint>. "" else.
    static std::string redirect_region(const net::Response& r, const net::ServiceError& err);

  private:
    // The cached copy at `path` is the listed object version with the bytes its download wrote
    // (aws/cached_object.hpp); says so in the log when it changed since.
    bool cached_copy_holds(const std::string& bucket, const S3Object& object,
                           const std::string& path);
    // Renames the complete `part` to `path` and records `object` (its identity taken now).
    static void finish_download(const std::string& part, const std::string& path,
                                CachedObject object, DownloadedFile* written);
    // A request for `bucket`, signed for its region; `region_used` receives that region.
    net::Request signed_request(const std::string& method, const std::string& bucket,
                                const std::string& key,
                                std::vector<std::pair<std::string, std::string>> query,
                                std::vector<std::pair<std::string, std::string>> headers,
                                std::string* region_used);
    // Calls `make` through the resilient client, following a wrong-region refusal for `bucket`.
    net::Response call(const char* operation, const std::string& bucket,
                       const std::function<net::Request(std::string*)>& make);
    net::ResilientClient& http_;
    const Credentials& creds_;
    std::string region_, endpoint_;
    std::string origin_, host_, path_;  // endpoint_ as sent and signed (aws/endpoints.hpp)
    bool regional_ = false;             // endpoint_ is region_'s AWS endpoint, or the global one
    std::string home_region_;           // the region endpoint_ answers for (regional_ only)
    std::string partition_;             // region_'s
    std::shared_ptr<BucketRegions> regions_;
};

}  // namespace curcrunch::aws
