#include "curcrunch/aws/s3_client.hpp"

#include <pugixml.hpp>

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <optional>

#include "curcrunch/aws/endpoints.hpp"
#include "curcrunch/core/durable_file.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/md5.hpp"
#include "curcrunch/core/sha256.hpp"

namespace curcrunch::aws {
namespace fs = std::filesystem;

std::string BucketRegions::of(const std::string& partition, const std::string& bucket) const {
    std::lock_guard<std::mutex> l(m_);
    auto it = regions_.find({partition, bucket});
    return it == regions_.end() ? std::string() : it->second;
}

bool BucketRegions::set(const std::string& bucket, const std::string& region) {
    std::lock_guard<std::mutex> l(m_);
    std::string& r = regions_[{partition_of(region), bucket}];
    if (r == region) return false;
    r = region;
    return true;
}

S3Client::S3Client(net::ResilientClient& http, const Credentials& creds, std::string region,
                   std::string endpoint, std::shared_ptr<BucketRegions> regions)
    : http_(http),
      creds_(creds),
      region_(std::move(region)),
      endpoint_(std::move(endpoint)),
      regions_(regions ? std::move(regions) : std::make_shared<BucketRegions>()) {
    while (!endpoint_.empty() && endpoint_.back() == '/')
        endpoint_.pop_back();
    SigningEndpoint sent = signing_endpoint(endpoint_);
    origin_ = std::move(sent.origin);
    host_ = std::move(sent.host);
    path_ = std::move(sent.path);
    partition_ = partition_of(region_);
    // S3's global endpoint answers for us-east-1's buckets; any other region's are asked at
    // their region's endpoint from the first request.
    if (endpoint_ == regional_endpoint("s3", region_)) {
        regional_ = true;
        home_region_ = region_;
    } else if (endpoint_ == "https://s3.amazonaws.com" && partition_ == "aws") {
        regional_ = true;
        home_region_ = "us-east-1";
    } else {
        regional_ = false;
    }
}

net::ServiceError S3Client::service_error(const net::Response& r) {
    pugi::xml_document doc;
    if (r.body.empty() || !doc.load_buffer(r.body.data(), r.body.size())) return {};
    pugi::xml_node e = doc.child("Error");
    return {e.child("Code").text().as_string(), e.child("Message").text().as_string()};
}

namespace {

// The region in an S3 endpoint host: "bucket.s3.eu-west-1.amazonaws.com",
// "s3.eu-west-1.amazonaws.com", "bucket.s3.dualstack.eu-west-1.amazonaws.com", the older
// "bucket.s3-eu-west-1.amazonaws.com", and the global "bucket.s3.amazonaws.com" and
// "bucket.s3-external-1.amazonaws.com" (us-east-1). "" when none is found.
std::string region_of_endpoint(const std::string& host) {
    std::string head = host;
    for (const char* domain : {".amazonaws.com.cn", ".amazonaws.com"})
        if (head.size() > std::strlen(domain) &&
            head.compare(head.size() - std::strlen(domain), std::string::npos, domain) == 0) {
            head.resize(head.size() - std::strlen(domain));
            break;
        }
    if (head.size() == host.size()) return {};
    std::vector<std::string> labels;
    for (size_t i = 0, j; i <= head.size(); i = j + 1) {
        j = head.find('.', i);
        if (j == std::string::npos) j = head.size();
        labels.push_back(head.substr(i, j - i));
    }
    // From the last S3 label on (a bucket's name may have labels like it): the first label
    // that is a region's name (past "dualstack", "fips").
    for (size_t i = labels.size(); i-- > 0;) {
        const std::string& l = labels[i];
        if (l != "s3" && l.rfind("s3-", 0) != 0) continue;
        if (l == "s3-external-1") return "us-east-1";
        if (l.size() > 3 && is_region_name(l.substr(3))) return l.substr(3);
        for (size_t k = i + 1; k < labels.size(); ++k)
            if (is_region_name(labels[k])) return labels[k];
        return l == "s3" && i + 1 == labels.size() ? "us-east-1" : std::string();
    }
    return {};
}

}  // namespace

std::string S3Client::redirect_region(const net::Response& r, const net::ServiceError& err) {
    const bool wrong_region =
        err.code == "PermanentRedirect" || err.code == "TemporaryRedirect" ||
        err.code == "AuthorizationHeaderMalformed" ||
        err.code == "IllegalLocationConstraintException" ||
        (err.code.empty() && (r.status == 301 || r.status == 307));  // HEAD: no body
    if (!wrong_region) return {};
    std::string region;
    if (const std::string* h = r.header("x-amz-bucket-region")) region = *h;
    pugi::xml_document doc;
    if (region.empty() && !r.body.empty() && doc.load_buffer(r.body.data(), r.body.size())) {
        pugi::xml_node e = doc.child("Error");
        region = e.child("Region").text().as_string();
        if (region.empty()) region = region_of_endpoint(e.child("Endpoint").text().as_string());
    }
    // It goes into a host name and a signature: only a region's name is taken.
    return is_region_name(region) ? region : std::string();
}

net::Request S3Client::signed_request(const std::string& method, const std::string& bucket,
                                      const std::string& key,
                                      std::vector<std::pair<std::string, std::string>> query,
                                      std::vector<std::pair<std::string, std::string>> headers,
                                      std::string* region_used) {
    std::string region = regions_->of(partition_, bucket);
    if (region.empty()) region = region_;
    const bool moved = regional_ && region != home_region_;
    const std::string endpoint = moved ? regional_endpoint("s3", region) : endpoint_;
    HttpRequest h;
    h.method = method;
    h.path = (moved ? "" : path_) + "/" + bucket + (key.empty() ? "" : "/" + key);
    h.query = std::move(query);
    h.headers = std::move(headers);
    h.headers.insert(h.headers.begin(), {"Host", moved ? endpoint.substr(8) : host_});
    SigningParams p;
    p.region = region;
    p.service = "s3";
    p.amz_date = amz_date_at(http_.now("s3"));
    p.normalize_path = false;
    p.add_content_sha256 = true;
    sign(h, creds_, p);
    net::Request r;
    r.method = method;
    r.url = (moved ? endpoint : origin_) + h.target();
    for (auto& [k, v] : h.headers)
        if (k != "Host") r.headers.emplace_back(std::move(k), std::move(v));
    if (region_used) *region_used = std::move(region);
    return r;
}

net::Response S3Client::call(const char* operation, const std::string& bucket,
                             const std::function<net::Request(std::string*)>& make) {
    std::string used;
    net::CallOptions o{"s3", operation, net::ServiceKind::aws};
    o.settling_until = creds_.settling_until;
    o.reroute = [&](const net::Response& r, const net::ServiceError& err) {
        const std::string region = redirect_region(r, err);
        // A bucket is in its credentials' partition: a redirect out of it is not followed.
        if (region.empty() || region == used || partition_of(region) != partition_) return false;
        if (regions_->set(bucket, region))
            log::warn("s3://" + bucket + " is in region " + region + ", not " + used +
                      ": its requests are signed for " + region +
                      " from now on (a \"region\" in its cur entry of the fetch configuration "
                      "saves the redirect)");
        return true;
    };
    return http_.call(
        o, [&](int) { return make(&used); }, service_error);
}

std::vector<S3Object> S3Client::list(const std::string& bucket, const std::string& prefix,
                                     int page_size) {
    std::vector<S3Object> out;
    std::string token;
    for (int page = 1;; ++page) {
        auto make = [&](std::string* region) {
            std::vector<std::pair<std::string, std::string>> q = {
                {"list-type", "2"}, {"prefix", prefix}, {"max-keys", std::to_string(page_size)}};
            if (!token.empty()) q.emplace_back("continuation-token", token);
            return signed_request("GET", bucket, "", std::move(q), {}, region);
        };
        net::Response r = call("ListObjectsV2", bucket, make);
        pugi::xml_document doc;
        if (!doc.load_buffer(r.body.data(), r.body.size()))
            throw Error(ErrorKind::remote, "s3 ListObjectsV2 s3://" + bucket + "/" + prefix +
                                               " page " + std::to_string(page) + ": malformed XML");
        pugi::xml_node res = doc.child("ListBucketResult");
        if (!res)
            throw Error(ErrorKind::remote, "s3 ListObjectsV2: no ListBucketResult in the response");
        for (pugi::xml_node c : res.children("Contents")) {
            S3Object o;
            o.key = c.child("Key").text().as_string();
            o.size = c.child("Size").text().as_ullong();
            o.etag = c.child("ETag").text().as_string();
            o.last_modified = c.child("LastModified").text().as_string();
            out.push_back(std::move(o));
        }
        if (!res.child("IsTruncated").text().as_bool()) break;
        token = res.child("NextContinuationToken").text().as_string();
        if (token.empty())
            throw Error(ErrorKind::remote,
                        "s3 ListObjectsV2: truncated page without NextContinuationToken");
    }
    return out;
}

std::string S3Client::get(const std::string& bucket, const std::string& key) {
    auto make = [&](std::string* region) {
        return signed_request("GET", bucket, key, {}, {}, region);
    };
    return call("GetObject", bucket, make).body;
}

namespace {

// Downloads are written in 1 MiB writes, not in the pieces curl hands the sink (16 KiB, which
// stdio passes on in 8 KiB writes): the page cache keeps a file in folios about as large as the
// writes that made it, and the ingest that usually follows a download maps the file. The bench's
// 1 GB CUR written in 8 KiB writes took 49,600 page faults to ingest, 2.17-2.35 CPU s and
// 1.17-1.25 s; written in 1 MiB writes, 20,300 faults, 1.98-2.09 CPU s and 1.07-1.15 s (five
// runs each, in turn).
constexpr size_t kWriteBuffer = size_t(1) << 20;

// `path` opened for appending through a buffer of kWriteBuffer bytes (null if it cannot be
// opened); the buffer is freed after the file is closed, when the last copy goes.
std::shared_ptr<std::FILE> open_for_append(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "ab");
    if (!f) return nullptr;
    char* buffer = new (std::nothrow) char[kWriteBuffer];
    if (buffer) std::setvbuf(f, buffer, _IOFBF, kWriteBuffer);  // else stdio's own buffer
    return std::shared_ptr<std::FILE>(f, [buffer](std::FILE* file) {
        std::fclose(file);
        delete[] buffer;
    });
}

}  // namespace

namespace {

// Whether the MD5 of the bytes a GetObject answer carried must equal the object's ETag
// (reference aws-vault-wire.md §3, the model's Object.ETag): only for an object uploaded whole
// (a multipart upload's ETag is "<hex>-<parts>", a digest of the parts' digests) and stored
// plain or under SSE-S3 (SSE-KMS and SSE-C objects have ETags that are no MD5 of their bytes).
bool s3dl_md5_shaped(const std::string& etag) {
    if (etag.size() != 34 || etag.front() != '"' || etag.back() != '"') return false;
    for (size_t i = 1; i < 33; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(etag[i]))) return false;
    return true;
}

bool s3dl_etag_is_md5(const std::string& etag, const net::Response& answer) {
    if (!s3dl_md5_shaped(etag)) return false;
    if (const std::string* sse = answer.header("x-amz-server-side-encryption"))
        if (sse->rfind("aws:kms", 0) == 0) return false;
    return answer.header("x-amz-server-side-encryption-customer-algorithm") == nullptr;
}

std::string s3dl_lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Whether a 206's Content-Range starts at `from`: "bytes <from>-<last>/<total>".
bool s3dl_range_starts_at(const std::vector<std::pair<std::string, std::string>>& headers,
                          uint64_t from) {
    const std::string want = "bytes " + std::to_string(from) + "-";
    for (const auto& [k, v] : headers)
        if (k == "content-range") return v.compare(0, want.size(), want) == 0;
    return false;
}

// The digests of a download's bytes as the sink writes them; valid only while the request
// being made started the file from its first byte (see S3Client::download).
struct S3dlDigests {
    std::optional<Sha256> sha;
    std::optional<Md5> md5;
    uint64_t hashed = 0;
    void start(bool with_md5) {
        sha.emplace();
        if (with_md5) md5.emplace();
        hashed = 0;
    }
    void stop() {
        sha.reset();
        md5.reset();
    }
    void update(const char* p, size_t n) {
        if (!sha) return;
        sha->update(p, n);
        if (md5) md5->update(p, n);
        hashed += n;
    }
};

}  // namespace

bool S3Client::cached_copy_holds(const std::string& bucket, const S3Object& obj,
                                 const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path) || fs::file_size(path, ec) != obj.size || ec) return false;
    CachedObject cached = read_cached_object(path);
    if (cached.etag != obj.etag) return false;
    // Not hashed while it keeps the identity its download left it with, as an ingest reuses a
    // recorded digest (fetch --verify hashes every file it ingests).
    if (!cached.identity.known()) return true;
    const FileIdentity now = file_identity(path);
    if (now == cached.identity) return true;
    const std::string sha = Sha256::of_file(path);
    if (sha == cached.sha256) {
        cached.identity = now;  // copied or restored, same bytes: not hashed again
        write_cached_object(path, cached);
        return true;
    }
    log::warn(path + ": the cached copy of s3://" + bucket + "/" + obj.key +
              " changed since it was downloaded (sha256 " + sha + ", downloaded " + cached.sha256 +
              "); downloading it again");
    return false;
}

DownloadOutcome S3Client::download(const std::string& bucket, const S3Object& obj,
                                   const std::string& path, DownloadedFile* written) {
    const std::string part = path + ".part";
    const std::string where = "s3 GetObject s3://" + bucket + "/" + obj.key;
    if (written) *written = DownloadedFile{};
    if (cached_copy_holds(bucket, obj, path)) return DownloadOutcome::unchanged;
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    // A partial file of the same object version can be continued; anything else restarts.
    bool restart = !(fs::exists(part) && read_cached_object(part).etag == obj.etag);
    bool resumed = false;
    const bool md5_shaped = s3dl_md5_shaped(obj.etag);
    S3dlDigests digests;
    auto make = [&](std::string* region) {
        uint64_t have = fs::file_size(part, ec);
        if (ec) have = 0;
        // A partial file as long as the object was cut off between its last write and its
        // rename, and one longer than the object is damaged: asked from its last byte, resp.
        // from the start, rather than for a range past the end (416 on every later run).
        if (obj.size > 0 && have >= obj.size) {
            have = have > obj.size ? 0 : obj.size - 1;
            fs::resize_file(part, have, ec);
        }
        std::vector<std::pair<std::string, std::string>> h;
        if (have > 0) {
            h.emplace_back("Range", "bytes=" + std::to_string(have) + "-");
            resumed = true;
            digests.stop();
        } else {
            digests.start(md5_shaped);
        }
        h.emplace_back("If-Match", obj.etag);
        net::Request r = signed_request("GET", bucket, obj.key, {}, std::move(h), region);
        // Appends to the partial file; closed when the request (and this sink) is destroyed.
        std::shared_ptr<std::FILE> file = open_for_append(part);
        r.on_start = [file, have, &digests, &where, md5_shaped](
                         long status, const std::vector<std::pair<std::string, std::string>>& hs) {
            if (!file || have == 0) return true;
            if (status == 206 && s3dl_range_starts_at(hs, have)) return true;
            // A server that ignored the Range sends the whole object: the file starts again
            // from this body instead of having it appended. (A 206 of another range is of no
            // use: the file starts again with the next attempt.)
            if (::ftruncate(::fileno(file.get()), 0) != 0) return false;
            if (status != 200) return false;
            log::warn(where + ": asked from byte " + std::to_string(have) +
                      ", answered with the whole object; the file starts again from it");
            digests.start(md5_shaped);
            return true;
        };
        net::ResilientClient* http = &http_;
        r.sink = [file, &digests, http](const char* p, size_t n) {
            if (!file || http->stopping() || std::fwrite(p, 1, n, file.get()) != n) return false;
            digests.update(p, n);
            return true;
        };
        return r;
    };
    for (int round = 1;; ++round) {
        if (restart) {
            std::FILE* f = std::fopen(part.c_str(), "wb");
            if (!f) throw Error(ErrorKind::input, part + ": cannot create");
            std::fclose(f);
            std::ofstream(part + ".etag") << obj.etag << "\n";
            restart = false;
        }
        // On failure the .part stays, so the next run resumes it (or restarts if the object
        // changed).
        net::Response answer;
        try {
            answer = call("GetObject", bucket, make);
        } catch (const Error& e) {
            // A range the object does not have: the partial file is not of this object.
            if (round > 1 || e.kind() != ErrorKind::remote || http_.last_failed_status() != 416)
                throw;
            log::warn(where + ": the partial file does not fit the object (416); starting again");
            restart = true;
            continue;
        }
        const uint64_t got = fs::file_size(part, ec);
        if (got != obj.size) {
            fs::remove(part, ec);
            forget_cached_object(part);
            throw Error(ErrorKind::remote, where + ": got " + std::to_string(got) +
                                               " bytes, the listing says " +
                                               std::to_string(obj.size));
        }
        const bool whole = digests.sha && digests.hashed == got;
        const std::string sha = whole ? digests.sha->hex_digest() : Sha256::of_file(part);
        if (s3dl_etag_is_md5(obj.etag, answer)) {
            const std::string md5 =
                whole && digests.md5 ? digests.md5->hex_digest() : Md5::of_file(part);
            if (md5 != s3dl_lower(obj.etag.substr(1, 32))) {
                const std::string what = where + ": the bytes received have MD5 " + md5 +
                                         ", not the object's ETag " + obj.etag +
                                         " (damaged on the way)";
                fs::remove(part, ec);
                forget_cached_object(part);
                if (round > 1) throw Error(ErrorKind::remote, what + "; discarded");
                log::warn(what + "; downloading it again");
                restart = true;
                continue;
            }
        }
        finish_download(part, path, CachedObject{obj.etag, sha, {}}, written);
        return resumed ? DownloadOutcome::resumed : DownloadOutcome::downloaded;
    }
}

void S3Client::finish_download(const std::string& part, const std::string& path,
                               CachedObject object, DownloadedFile* written) {
    // On the disk before it takes its name, and the name with it: the store records the file's
    // digest and identity next (core/durable_file.hpp). Its .etag, which tells the next run that
    // the file is the listed version, is synced before the folder is: a file without its .etag
    // is downloaded again (a 30 GB one, were the .etag lost in a crash in the seconds after the
    // download), and a journaling file system keeps the rename before the .etag's creation.
    std::error_code ec;
    sync_file(part);
    fs::rename(part, path);
    forget_cached_object(part);
    // Taken now that the file is complete, closed (its modification time final) and in place:
    // a later change to the file changes the identity and voids the digest.
    object.identity = file_identity(path);
    write_cached_object(path, object);
    sync_folder_of(path);
    if (written) {
        written->sha256 = object.sha256;
        written->identity = object.identity;
    }
}

}  // namespace curcrunch::aws
