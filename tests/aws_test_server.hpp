#pragma once
// An AWS test server on 127.0.0.1 that verifies the SigV4 signature of every request, from the
// raw request it received (403 SignatureDoesNotMatch / InvalidAccessKeyId otherwise, in the
// error shape of the protocol asked for: S3 XML, STS awsQuery XML, awsJson), and serves S3
// ListObjectsV2 (paged) and GetObject (Range, If-Match), STS AssumeRole, awsJson services
// through set_json_handler (billing_test_services.hpp), and pre-signed document URLs under
// /_presigned/, whose query signature is verified too.
// Faults are injected through raw().push(...), which answers before any verification, or
// after it by corrupt_next_get / ignore_range_next_get. An object's ETag is the MD5 of its
// bytes, as S3's is for a single-part upload stored plain or under SSE-S3.
// Every answer carries a Date from the server's clock, which set_clock_offset() can move, and a
// request whose X-Amz-Date is too far from it is refused as AWS refuses it (S3 15 minutes,
// RequestTimeTooSkewed; STS and awsJson 5 minutes, "Signature expired"). A bucket given a region
// (set_bucket_region) answers requests signed for another region as S3 does: 301
// PermanentRedirect with x-amz-bucket-region, or 400 AuthorizationHeaderMalformed with <Region>.
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "curcrunch/aws/sigv4.hpp"
#include "curcrunch/core/md5.hpp"
#include "curcrunch/core/sha256.hpp"
#include "loopback_server.hpp"

namespace testsupport {

class AwsTestServer {
  public:
    // `port` 0: an ephemeral one (listening() says whether a given one could be had).
    AwsTestServer(std::string access_key, std::string secret, int port = 0) : server_(port) {
        keys_[access_key] = Key{std::move(secret), "", false};
        server_.set_handler([this](const SeenRequest& r) { return handle(r); });
    }
    void add_key(const std::string& access_key, const std::string& secret,
                 std::chrono::milliseconds usable_after = std::chrono::milliseconds(0)) {
        std::lock_guard<std::mutex> l(m_);
        keys_[access_key] =
            Key{secret, "", false,
                std::chrono::steady_clock::now() + std::max(usable_after, propagation_)};
    }
    // New IAM user keys (as the AWS secrets engine creates) are unknown to IAM for a while:
    // every key added from now on answers as unknown for `delay` after it was added.
    void propagate_new_keys_after(std::chrono::milliseconds delay) {
        std::lock_guard<std::mutex> l(m_);
        propagation_ = delay;
    }
    int unknown_key_refusals() const { return unknown_key_refusals_; }
    // awsJson requests (X-Amz-Target set) that passed verification: (target, body, service).
    using JsonHandler =
        std::function<Action(const std::string&, const std::string&, const std::string&)>;
    void set_json_handler(JsonHandler h) {
        std::lock_guard<std::mutex> l(m_);
        json_ = std::move(h);
    }
    // A pre-signed GET URL for `path` (under /_presigned/) serving `body`, as S3 issues them.
    std::string presign_document(const std::string& path, const std::string& body,
                                 int expires = 3600) {
        // Called from JSON handlers while handle() holds m_: documents have their own lock.
        std::lock_guard<std::mutex> l(docs_m_);
        documents_[path] = body;
        curcrunch::aws::HttpRequest h;
        h.path = path;
        h.headers = {{"host", "127.0.0.1:" + std::to_string(server_.port())}};
        curcrunch::aws::SigningParams p;
        p.region = "us-east-1";
        p.service = "s3";
        p.amz_date = curcrunch::aws::amz_date_now();
        p.normalize_path = false;
        p.payload_hash = "UNSIGNED-PAYLOAD";
        p.presign_expires = expires;
        curcrunch::aws::sign(h, doc_creds(), p);
        return endpoint() + h.target();
    }
    // Every pre-signed document GET is answered `status` (S3's 503 SlowDown, say) from now on.
    void fail_documents(int status) {
        std::lock_guard<std::mutex> l(docs_m_);
        document_failure_ = status;
    }
    int document_gets() const { return document_gets_; }
    int expired_documents() const { return expired_documents_; }
    // STS: `role_arn` may be assumed by anyone holding a valid key; each AssumeRole issues a
    // new temporary key (ASIA...) with a session token, valid for DurationSeconds.
    void add_role(const std::string& role_arn) {
        std::lock_guard<std::mutex> l(m_);
        roles_.insert(role_arn);
    }
    void expire_sessions() {  // every temporary key now answers 400 ExpiredToken
        std::lock_guard<std::mutex> l(m_);
        for (auto& [k, v] : keys_)
            if (!v.token.empty()) v.expired = true;
    }
    // After `n` more verified requests, every temporary key expires (a session cut short).
    void expire_sessions_after(int n) {
        std::lock_guard<std::mutex> l(m_);
        expire_countdown_ = n;
    }
    // The next GetObject of a data file (not a manifest) whose key contains `key_part` finds
    // every temporary key expired (a session cut short in the middle of the downloads).
    void expire_sessions_at_get(const std::string& key_part) {
        std::lock_guard<std::mutex> l(m_);
        expire_at_get_ = key_part;
    }
    // The next GetObject whose key contains `key_part` is refused, before verification, with a
    // message quoting the request's session token and Authorization header back, as some
    // proxies and S3-compatible stores do.
    void echo_token_at_get(const std::string& key_part) {
        std::lock_guard<std::mutex> l(m_);
        echo_at_get_ = key_part;
    }
    bool listening() const { return server_.listening(); }
    // The key is deleted (as Vault deletes an iam_user key when its lease ends).
    void remove_key(const std::string& access_key) {
        std::lock_guard<std::mutex> l(m_);
        keys_.erase(access_key);
    }
    // Slow links: the bodies of ListObjectsV2 answers, of GetObject answers for data files (not
    // manifests) and of pre-signed document GETs trickle out over this many ms each.
    void pace(int listing_ms, int objects_ms, int documents_ms = 0) {
        std::lock_guard<std::mutex> l(m_);
        list_pace_ = listing_ms;
        object_pace_ = objects_ms;
        document_pace_ = documents_ms;
    }
    void remove_object(const std::string& bucket, const std::string& key) {
        std::lock_guard<std::mutex> l(m_);
        objects_[bucket].erase(key);
    }
    int assumed() const { return assumed_; }
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
    LoopbackServer& raw() { return server_; }
    void put_object(const std::string& bucket, const std::string& key, const std::string& body) {
        std::lock_guard<std::mutex> l(m_);
        objects_[bucket][key] = body;
    }
    static std::string etag_of(const std::string& body) {
        return "\"" + curcrunch::Md5::of(body) + "\"";
    }
    // The next GetObject of an object whose key contains `key_part` arrives with its first
    // byte changed (the same length: damaged on the way, as a TCP checksum can miss).
    void corrupt_next_get(const std::string& key_part) {
        std::lock_guard<std::mutex> l(m_);
        corrupt_get_ = key_part;
    }
    // The next ranged GetObject of an object whose key contains `key_part` is answered 200
    // with the whole object, as by a server or proxy that ignores Range.
    void ignore_range_next_get(const std::string& key_part) {
        std::lock_guard<std::mutex> l(m_);
        ignore_range_ = key_part;
    }
    int rejected() const { return rejected_; }
    // The server's clock runs `offset` ahead of this machine's (behind when negative).
    void set_clock_offset(std::chrono::seconds offset) {
        std::lock_guard<std::mutex> l(m_);
        clock_offset_ = offset;
    }
    int skew_refusals() const { return skew_refusals_; }
    enum class WrongRegion { permanent_redirect, malformed_authorization };
    // `bucket` lives in `region`: requests signed for another one are refused with `answer`.
    void set_bucket_region(const std::string& bucket, const std::string& region,
                           WrongRegion answer = WrongRegion::permanent_redirect) {
        std::lock_guard<std::mutex> l(m_);
        bucket_regions_[bucket] = {region, answer};
    }
    int region_refusals() const { return region_refusals_; }

  private:
    static Action s3_error(int status, const std::string& code, const std::string& msg,
                           const std::string& more = "") {
        return respond(status,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
                           "</Code><Message>" + msg + "</Message>" + more +
                           "<RequestId>TESTREQ0001</RequestId></Error>",
                       {{"Content-Type", "application/xml"}, {"x-amz-request-id", "TESTREQ0001"}});
    }
    std::chrono::system_clock::time_point server_now() const {
        return std::chrono::system_clock::now() + clock_offset_;
    }
    static std::string format_time(std::chrono::system_clock::time_point t, const char* format) {
        const std::time_t s = std::chrono::system_clock::to_time_t(t);
        std::tm tm{};
        gmtime_r(&s, &tm);
        char buf[64];
        std::strftime(buf, sizeof buf, format, &tm);
        return buf;
    }
    // The refusal of a request whose X-Amz-Date is outside the service's window; none when in.
    std::optional<Action> refuse_skew(const SeenRequest& r, bool json, bool sts) {
        std::tm tm{};
        const std::string amz = r.header("X-Amz-Date");
        if (!strptime(amz.c_str(), "%Y%m%dT%H%M%SZ", &tm)) return std::nullopt;
        const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
        const auto now = server_now();
        const auto window = json || sts ? std::chrono::minutes(5) : std::chrono::minutes(15);
        if (at >= now - window && at <= now + window) return std::nullopt;
        ++skew_refusals_;
        const char* f = "%Y%m%dT%H%M%SZ";
        if (!json && !sts)
            return s3_error(403, "RequestTimeTooSkewed",
                            "The difference between the request time and the current time is "
                            "too large.",
                            "<RequestTime>" + amz + "</RequestTime><ServerTime>" +
                                format_time(now, "%Y-%m-%dT%H:%M:%SZ") +
                                "</ServerTime><MaxAllowedSkewMilliseconds>900000"
                                "</MaxAllowedSkewMilliseconds>");
        const std::string why =
            at < now - window
                ? "Signature expired: " + amz + " is now earlier than " +
                      format_time(now - window, f) + " (" + format_time(now, f) + " - 5 min.)"
                : "Signature not yet current: " + amz + " is still later than " +
                      format_time(now + window, f) + " (" + format_time(now, f) + " + 5 min.)";
        return json ? json_error(400, "InvalidSignatureException", why)
                    : sts_error(403, "SignatureDoesNotMatch", why);
    }
    // The refusal of a request for a bucket of another region than it was signed for.
    std::optional<Action> refuse_region(const SeenRequest& r, const std::string& bucket) {
        auto it = bucket_regions_.find(bucket);
        if (it == bucket_regions_.end()) return std::nullopt;
        const std::string auth = r.header("Authorization");
        const size_t c = auth.find("Credential=");
        std::string scope = auth.substr(c + 11, auth.find(',', c) - c - 11);
        const size_t a = scope.find('/', scope.find('/') + 1), b = scope.find('/', a + 1);
        const std::string signed_for = scope.substr(a + 1, b - a - 1);
        const auto& [region, answer] = it->second;
        if (signed_for == region) return std::nullopt;
        ++region_refusals_;
        if (answer == WrongRegion::malformed_authorization)
            return s3_error(400, "AuthorizationHeaderMalformed",
                            "The authorization header is malformed; the region '" + signed_for +
                                "' is wrong; expecting '" + region + "'",
                            "<Region>" + region + "</Region>");
        Action out = s3_error(301, "PermanentRedirect",
                              "The bucket you are attempting to access must be addressed using "
                              "the specified endpoint. Please send all future requests to this "
                              "endpoint.",
                              "<Endpoint>" + bucket + ".s3." + region +
                                  ".amazonaws.com</Endpoint><Bucket>" + bucket + "</Bucket>");
        out.headers.emplace_back("x-amz-bucket-region", region);
        return out;
    }
    static std::string decode(const std::string& s) {
        std::string o;
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '%' && i + 2 < s.size()) {
                o += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                o += s[i];
            }
        }
        return o;
    }
    // Recomputes the signature from what arrived; "" when it verifies, else an error code.
    std::string verify(const SeenRequest& r, curcrunch::aws::HttpRequest& h) {
        const std::string auth = r.header("Authorization");
        const std::string cred_tag = "Credential=", sh_tag = "SignedHeaders=",
                          sig_tag = "Signature=";
        size_t c = auth.find(cred_tag), s = auth.find(sh_tag), g = auth.find(sig_tag);
        if (auth.rfind("AWS4-HMAC-SHA256 ", 0) != 0 || c == std::string::npos ||
            s == std::string::npos || g == std::string::npos)
            return "AccessDenied";
        std::string cred =
            auth.substr(c + cred_tag.size(), auth.find(',', c) - c - cred_tag.size());
        std::string signed_headers =
            auth.substr(s + sh_tag.size(), auth.find(',', s) - s - sh_tag.size());
        std::string signature = auth.substr(g + sig_tag.size());
        std::vector<std::string> scope;
        for (size_t i = 0, j; i <= cred.size(); i = j + 1) {
            j = cred.find('/', i);
            if (j == std::string::npos) j = cred.size();
            scope.push_back(cred.substr(i, j - i));
        }
        if (scope.size() != 5 || !keys_.count(scope[0])) return "InvalidAccessKeyId";
        const Key& key = keys_[scope[0]];
        if (std::chrono::steady_clock::now() < key.usable_at) {
            ++unknown_key_refusals_;
            return "InvalidAccessKeyId";
        }
        if (!key.token.empty()) {
            if (key.expired) return "ExpiredToken";
            if (r.header("X-Amz-Security-Token") != key.token ||
                signed_headers.find("x-amz-security-token") == std::string::npos)
                return "InvalidToken";
        }
        std::string target = r.target, qs;
        if (size_t q = target.find('?'); q != std::string::npos) {
            qs = target.substr(q + 1);
            target = target.substr(0, q);
        }
        h.method = r.method;
        h.path = decode(target);
        for (size_t i = 0, j; !qs.empty() && i <= qs.size(); i = j + 1) {
            j = qs.find('&', i);
            if (j == std::string::npos) j = qs.size();
            std::string part = qs.substr(i, j - i);
            size_t eq = part.find('=');
            h.query.emplace_back(decode(part.substr(0, eq)),
                                 eq == std::string::npos ? "" : decode(part.substr(eq + 1)));
        }
        for (size_t i = 0, j; i <= signed_headers.size(); i = j + 1) {
            j = signed_headers.find(';', i);
            if (j == std::string::npos) j = signed_headers.size();
            std::string name = signed_headers.substr(i, j - i);
            h.headers.emplace_back(name, r.header(name));
        }
        h.body = r.body;
        curcrunch::aws::SigningParams p;
        p.region = scope[2];
        p.service = scope[3];
        p.amz_date = r.header("X-Amz-Date");
        p.normalize_path = p.service != "s3";
        if (std::string ph = r.header("x-amz-content-sha256"); !ph.empty()) p.payload_hash = ph;
        curcrunch::aws::Credentials creds{scope[0], curcrunch::Secret(key.secret),
                                          curcrunch::Secret()};
        auto expect = curcrunch::aws::sign(h, creds, p);
        return expect.signature == signature ? "" : "SignatureDoesNotMatch";
    }
    static curcrunch::aws::Credentials doc_creds() {
        return {"AKIADOCUMENTS", curcrunch::Secret("documents/secret"), curcrunch::Secret()};
    }
    static Action json_error(int status, const std::string& code, const std::string& msg) {
        return respond(
            status, "{\"__type\":\"" + code + "\",\"message\":\"" + msg + "\"}",
            {{"Content-Type", "application/x-amz-json-1.1"}, {"x-amzn-RequestId", "json-req-1"}});
    }
    // GET /_presigned/...?X-Amz-...: the query signature must verify, no Authorization header.
    Action presigned(const SeenRequest& r) {
        std::string path = r.target, qs;
        if (size_t q = path.find('?'); q != std::string::npos) {
            qs = path.substr(q + 1);
            path = path.substr(0, q);
        }
        if (!r.header("Authorization").empty())
            return s3_error(400, "InvalidArgument", "Only one auth mechanism allowed");
        std::map<std::string, std::string> q;
        for (size_t i = 0, j; !qs.empty() && i <= qs.size(); i = j + 1) {
            j = qs.find('&', i);
            if (j == std::string::npos) j = qs.size();
            std::string part = qs.substr(i, j - i);
            size_t eq = part.find('=');
            q[decode(part.substr(0, eq))] =
                eq == std::string::npos ? "" : decode(part.substr(eq + 1));
        }
        curcrunch::aws::HttpRequest h;
        h.path = decode(path);
        h.headers = {{"host", r.header("Host")}};
        curcrunch::aws::SigningParams p;
        p.region = "us-east-1";
        p.service = "s3";
        p.amz_date = q["X-Amz-Date"];
        p.normalize_path = false;
        p.payload_hash = "UNSIGNED-PAYLOAD";
        p.presign_expires = q.count("X-Amz-Expires") ? std::stoi(q["X-Amz-Expires"]) : 0;
        auto expect = curcrunch::aws::sign(h, doc_creds(), p);
        if (expect.signature != q["X-Amz-Signature"])
            return s3_error(403, "SignatureDoesNotMatch",
                            "The request signature we calculated does not match the signature "
                            "you provided.");
        std::tm tm{};
        if (strptime(q["X-Amz-Date"].c_str(), "%Y%m%dT%H%M%SZ", &tm) &&
            std::chrono::system_clock::from_time_t(timegm(&tm)) +
                    std::chrono::seconds(p.presign_expires.value_or(0)) <
                server_now()) {
            ++expired_documents_;
            return s3_error(403, "AccessDenied", "Request has expired",
                            "<X-Amz-Expires>" + q["X-Amz-Expires"] + "</X-Amz-Expires>");
        }
        std::lock_guard<std::mutex> l(docs_m_);
        if (document_failure_ != 0)
            return s3_error(document_failure_, "SlowDown", "Please reduce your request rate.");
        auto it = documents_.find(h.path);
        if (it == documents_.end())
            return s3_error(404, "NoSuchKey", "The specified key does not exist.");
        ++document_gets_;
        Action a = respond(200, it->second, {{"Content-Type", "application/pdf"}});
        a.pace_ms = document_pace_;
        return a;
    }
    static Action sts_error(int status, const std::string& code, const std::string& msg) {
        return respond(
            status,
            "<ErrorResponse "
            "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
            "<Code>" +
                code + "</Code><Message>" + msg +
                "</Message></Error><RequestId>sts-req-1</RequestId>"
                "</ErrorResponse>",
            {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", "sts-req-1"}});
    }
    Action assume_role(const curcrunch::aws::HttpRequest& h) {
        std::map<std::string, std::string> form;
        for (size_t i = 0, j; i <= h.body.size(); i = j + 1) {
            j = h.body.find('&', i);
            if (j == std::string::npos) j = h.body.size();
            std::string part = h.body.substr(i, j - i);
            size_t eq = part.find('=');
            form[decode(part.substr(0, eq))] =
                eq == std::string::npos ? "" : decode(part.substr(eq + 1));
        }
        if (form["Action"] != "AssumeRole" || form["Version"] != "2011-06-15")
            return sts_error(400, "InvalidAction", "Could not find operation " + form["Action"]);
        if (!roles_.count(form["RoleArn"]))
            return sts_error(403, "AccessDenied",
                             "User is not authorized to perform: sts:AssumeRole on resource: " +
                                 form["RoleArn"]);
        const int duration =
            form.count("DurationSeconds") ? std::stoi(form["DurationSeconds"]) : 3600;
        ++assumed_;
        std::string ak = "ASIATEMP" + std::to_string(assumed_),
                    sk = "tempsecret/" + std::to_string(assumed_),
                    token = "FwoGZXIvYXdzEXAMPLETOKEN" + std::to_string(assumed_);
        keys_[ak] = Key{sk, token, false};
        std::time_t exp = std::time(nullptr) + duration;
        std::tm tm{};
        gmtime_r(&exp, &tm);
        char iso[32];
        std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
        return respond(200,
                       "<AssumeRoleResponse "
                       "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                       "<AssumedRoleUser><Arn>" +
                           form["RoleArn"] + "/" + form["RoleSessionName"] +
                           "</Arn><AssumedRoleId>AROTEST:" + form["RoleSessionName"] +
                           "</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>" + ak +
                           "</AccessKeyId><SecretAccessKey>" + sk +
                           "</SecretAccessKey><SessionToken>" + token +
                           "</SessionToken><Expiration>" + iso +
                           "</Expiration></Credentials><PackedPolicySize>8</PackedPolicySize></"
                           "AssumeRoleResult>"
                           "<ResponseMetadata><RequestId>sts-req-1</RequestId></ResponseMetadata></"
                           "AssumeRoleResponse>",
                       {{"Content-Type", "text/xml"}});
    }
    Action handle(const SeenRequest& r) {
        std::lock_guard<std::mutex> l(m_);
        Action a = answer(r);
        a.headers.emplace_back("Date", format_time(server_now(), "%a, %d %b %Y %H:%M:%S GMT"));
        return a;
    }
    Action answer(const SeenRequest& r) {
        if (r.method == "GET" && r.target.rfind("/_presigned/", 0) == 0) return presigned(r);
        if (!expire_at_get_.empty() && r.method == "GET" &&
            r.target.find(expire_at_get_) != std::string::npos &&
            r.target.find("-Manifest.json") == std::string::npos) {
            expire_at_get_.clear();
            for (auto& [k, v] : keys_)
                if (!v.token.empty()) v.expired = true;
        }
        if (!echo_at_get_.empty() && r.method == "GET" &&
            r.target.find(echo_at_get_) != std::string::npos) {
            echo_at_get_.clear();
            return s3_error(400, "InvalidToken",
                            "The provided token is malformed or otherwise invalid. Token " +
                                r.header("X-Amz-Security-Token") + " Credential " +
                                r.header("Authorization"));
        }
        curcrunch::aws::HttpRequest h;
        const bool json = !r.header("X-Amz-Target").empty();
        if (auto refusal = refuse_skew(r, json, r.method == "POST" && r.target == "/"))
            return *refusal;
        if (std::string err = verify(r, h); !err.empty()) {
            ++rejected_;
            if (json) {
                if (err == "ExpiredToken")
                    return json_error(400, "ExpiredTokenException",
                                      "The security token included in the request is expired");
                if (err == "InvalidAccessKeyId")
                    return json_error(403, "UnrecognizedClientException",
                                      "The security token included in the request is invalid.");
                return json_error(403, "InvalidSignatureException",
                                  "The request signature we calculated does not match the "
                                  "signature you provided.");
            }
            const bool sts = r.method == "POST" && r.target == "/";
            if (err == "ExpiredToken")
                return sts ? sts_error(400, err,
                                       "The security token included in the request is expired")
                           : s3_error(400, err, "The provided token has expired.");
            if (sts && err == "InvalidAccessKeyId")
                return sts_error(403, "InvalidClientTokenId",
                                 "The security token included in the request is invalid.");
            if (!sts && err == "InvalidAccessKeyId")
                return s3_error(403, err,
                                "The AWS Access Key Id you provided does not exist in our "
                                "records.");
            return sts ? sts_error(403, err, "The request signature we calculated does not match")
                       : s3_error(403, err,
                                  "The request signature we calculated does not match the "
                                  "signature you provided.");
        }
        if (expire_countdown_ > 0 && --expire_countdown_ == 0)
            for (auto& [k, v] : keys_)
                if (!v.token.empty()) v.expired = true;
        if (json) {
            if (!json_) return json_error(400, "UnknownOperationException", "no such service");
            std::string auth = r.header("Authorization");
            size_t c = auth.find("Credential=");
            std::string scope = auth.substr(c + 11, auth.find(',', c) - c - 11);
            std::vector<std::string> parts;
            for (size_t i = 0, j; i <= scope.size(); i = j + 1) {
                j = scope.find('/', i);
                if (j == std::string::npos) j = scope.size();
                parts.push_back(scope.substr(i, j - i));
            }
            return json_(r.header("X-Amz-Target"), r.body, parts.size() > 3 ? parts[3] : "");
        }
        if (r.method == "POST" && h.path == "/") return assume_role(h);
        std::string path = h.path.substr(1);
        size_t slash = path.find('/');
        std::string bucket = path.substr(0, slash),
                    key = slash == std::string::npos ? "" : path.substr(slash + 1);
        if (auto refusal = refuse_region(r, bucket)) return *refusal;
        if (!objects_.count(bucket))
            return s3_error(404, "NoSuchBucket", "The specified bucket does not exist");
        auto& objs = objects_[bucket];
        if (key.empty()) {  // ListObjectsV2
            std::map<std::string, std::string> q(h.query.begin(), h.query.end());
            size_t max = q.count("max-keys") ? std::stoul(q["max-keys"]) : 1000;
            std::string xml =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
                "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" +
                bucket + "</Name><Prefix>" + q["prefix"] + "</Prefix><MaxKeys>" +
                std::to_string(max) + "</MaxKeys>";
            size_t n = 0;
            std::string last;
            bool more = false;
            for (const auto& [k, body] : objs) {
                if (k.rfind(q["prefix"], 0) != 0 ||
                    (q.count("continuation-token") && k <= q["continuation-token"]))
                    continue;
                if (n == max) {
                    more = true;
                    break;
                }
                xml += "<Contents><Key>" + k +
                       "</Key><LastModified>2026-11-01T00:00:00.000Z</LastModified><ETag>" +
                       etag_of(body) + "</ETag><Size>" + std::to_string(body.size()) +
                       "</Size><StorageClass>STANDARD</StorageClass></Contents>";
                last = k;
                ++n;
            }
            xml += "<KeyCount>" + std::to_string(n) + "</KeyCount><IsTruncated>" +
                   (more ? "true" : "false") + "</IsTruncated>" +
                   (more ? "<NextContinuationToken>" + last + "</NextContinuationToken>" : "") +
                   "</ListBucketResult>";
            Action a = respond(200, xml, {{"Content-Type", "application/xml"}});
            a.pace_ms = list_pace_;
            return a;
        }
        auto it = objs.find(key);
        if (it == objs.end())
            return s3_error(404, "NoSuchKey", "The specified key does not exist.");
        const std::string& body = it->second;
        if (std::string m = r.header("If-Match"); !m.empty() && m != etag_of(body))
            return s3_error(412, "PreconditionFailed",
                            "At least one of the pre-conditions you specified did not hold");
        const bool manifest = key.size() >= 14 && key.rfind("-Manifest.json") == key.size() - 14;
        Action a = respond(200, body, {{"ETag", etag_of(body)}});
        if (!corrupt_get_.empty() && !manifest && key.find(corrupt_get_) != std::string::npos &&
            !body.empty() && r.header("Range").empty()) {
            corrupt_get_.clear();
            a.body[0] = static_cast<char>(a.body[0] ^ 0x20);
            return a;
        }
        if (!ignore_range_.empty() && !manifest && key.find(ignore_range_) != std::string::npos &&
            !r.header("Range").empty()) {
            ignore_range_.clear();
            return a;
        }
        if (std::string range = r.header("Range"); range.rfind("bytes=", 0) == 0) {
            size_t from = std::stoul(range.substr(6));
            if (from >= body.size())
                return s3_error(416, "InvalidRange", "The requested range is not satisfiable");
            a = respond(206, body.substr(from),
                        {{"ETag", etag_of(body)},
                         {"Content-Range", "bytes " + std::to_string(from) + "-" +
                                               std::to_string(body.size() - 1) + "/" +
                                               std::to_string(body.size())}});
        }
        a.pace_ms = manifest ? 0 : object_pace_;
        return a;
    }

    struct Key {
        std::string secret, token;  // token set: a temporary key from AssumeRole
        bool expired;
        std::chrono::steady_clock::time_point usable_at{};  // IAM knows it from then
    };
    LoopbackServer server_;
    std::mutex m_;
    std::map<std::string, Key> keys_;
    std::set<std::string> roles_;
    int assumed_ = 0;
    std::map<std::string, std::map<std::string, std::string>> objects_;
    int rejected_ = 0;
    std::chrono::milliseconds propagation_{0};
    int unknown_key_refusals_ = 0;
    std::chrono::seconds clock_offset_{0};
    int skew_refusals_ = 0;
    std::map<std::string, std::pair<std::string, WrongRegion>> bucket_regions_;
    int region_refusals_ = 0;
    int expire_countdown_ = 0;
    std::string expire_at_get_, echo_at_get_;
    std::string corrupt_get_, ignore_range_;
    int list_pace_ = 0, object_pace_ = 0, document_pace_ = 0;
    JsonHandler json_;
    std::mutex docs_m_;
    std::map<std::string, std::string> documents_;
    int document_gets_ = 0;
    int document_failure_ = 0;
    int expired_documents_ = 0;
};

}  // namespace testsupport
