#include "curcrunch/aws/s3_client.hpp"

#include <pugixml.hpp>

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
    size_t scheme = endpoint_.find("://");
    host_ = scheme == std::string::npos ? endpoint_ : endpoint_.substr(scheme + 3);
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
    h.path = "/" + bucket + (key.empty() ? "" : "/" + key);
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
    r.url = endpoint + h.target();
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

DownloadOutcome S3Client::download(const std::string& bucket, const S3Object& obj,
                                   const std::string& path, DownloadedFile* written) {
    const std::string part = path + ".part", etag_file = path + ".etag";
    auto read_text = [](const std::string& p) {
        std::ifstream f(p);
        std::string s;
        std::getline(f, s);
        return s;
    };
    if (written) *written = DownloadedFile{};
    std::error_code ec;
    if (fs::exists(path) && fs::file_size(path, ec) == obj.size && read_text(etag_file) == obj.etag)
        return DownloadOutcome::unchanged;
    fs::create_directories(fs::path(path).parent_path(), ec);
    // A partial file of the same object version can be continued; anything else restarts.
    const bool resumable = fs::exists(part) && read_text(part + ".etag") == obj.etag;
    if (!resumable) {
        std::FILE* f = std::fopen(part.c_str(), "wb");
        if (!f) throw Error(ErrorKind::input, part + ": cannot create");
        std::fclose(f);
        std::ofstream(part + ".etag") << obj.etag << "\n";
    }
    bool resumed = false;
    // The digest of the bytes as the sink writes them, valid only while the request being made
    // started the file from its first byte. A request that continues a partial file (left by an
    // earlier run, or by an attempt that broke off) does not see the bytes before it, and a
    // broken attempt's last buffered bytes may not have reached the file: such a file is hashed
    // again from disk once it is complete.
    std::optional<Sha256> hash;
    uint64_t hashed = 0;
    auto make = [&](std::string* region) {
        const uint64_t have = fs::file_size(part, ec);
        std::vector<std::pair<std::string, std::string>> h;
        hash.reset();
        if (have > 0) {
            h.emplace_back("Range", "bytes=" + std::to_string(have) + "-");
            resumed = true;
        } else if (written) {
            hash.emplace();
            hashed = 0;
        }
        h.emplace_back("If-Match", obj.etag);
        net::Request r = signed_request("GET", bucket, obj.key, {}, std::move(h), region);
        // Appends to the partial file; closed when the request (and this sink) is destroyed.
        std::shared_ptr<std::FILE> file = open_for_append(part);
        Sha256* digest = hash ? &*hash : nullptr;
        r.sink = [file, digest, &hashed](const char* p, size_t n) {
            if (!file || std::fwrite(p, 1, n, file.get()) != n) return false;
            if (digest) {
                digest->update(p, n);
                hashed += n;
            }
            return true;
        };
        return r;
    };
    // On failure the .part stays, so the next run resumes it (or restarts if the object changed).
    call("GetObject", bucket, make);
    const uint64_t got = fs::file_size(part, ec);
    if (got != obj.size) {
        fs::remove(part, ec);
        fs::remove(part + ".etag", ec);
        throw Error(ErrorKind::remote, "s3 GetObject s3://" + bucket + "/" + obj.key + ": got " +
                                           std::to_string(got) + " bytes, the listing says " +
                                           std::to_string(obj.size));
    }
    std::string sha;
    if (written) sha = hash && hashed == got ? hash->hex_digest() : Sha256::of_file(part);
    // On the disk before it takes its name, and the name with it: the store records the file's
    // digest and identity next (core/durable_file.hpp). Its .etag, which tells the next run that
    // the file is the listed version, is synced before the folder is: a file without its .etag
    // is downloaded again (a 30 GB one, were the .etag lost in a crash in the seconds after the
    // download), and a journaling file system keeps the rename before the .etag's creation.
    sync_file(part);
    fs::rename(part, path);
    fs::remove(part + ".etag", ec);
    {
        std::ofstream f(etag_file, std::ios::trunc);
        f << obj.etag << "\n";
        f.close();
        if (!f) throw Error(ErrorKind::internal, "cannot write " + etag_file);
    }
    sync_file(etag_file);
    sync_folder_of(path);
    if (written) {
        // Taken now that the file is complete, closed (its modification time final) and in
        // place: a later change to the file changes the identity and voids the digest.
        written->sha256 = std::move(sha);
        written->identity = file_identity(path);
    }
    return resumed ? DownloadOutcome::resumed : DownloadOutcome::downloaded;
}

}  // namespace curcrunch::aws
