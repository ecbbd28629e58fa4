#pragma once
// AWS Signature Version 4 over OpenSSL (HMAC-SHA256, SHA-256). Signs a request either with an
// Authorization header or as a presigned URL (query string). Passes the AWS test suite and
// aws-c-auth's vectors (including S3's unnormalized paths) and the S3 worked examples; see
// tests/sigv4_test.cpp.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "curcrunch/core/secret.hpp"

namespace curcrunch::aws {

struct Credentials {
    std::string access_key_id;
    Secret secret_access_key;
    Secret session_token;  // empty for long-term keys
    // IAM user keys created moments ago (Vault's AWS secrets engine creates one per read) are
    // refused as unknown until IAM, which is eventually consistent, has them everywhere: until
    // this time such refusals are waited out (net::CallOptions::settling_until). Unset: none.
    std::chrono::steady_clock::time_point settling_until{};
};

// A request as the signer sees it. `path` and query parameters are *decoded* (raw bytes); the
// signer encodes them. Header names keep their case here; values may contain folded lines.
struct HttpRequest {
    std::string method = "GET";
    std::string path = "/";
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    const std::string* header(std::string_view name) const;  // case-insensitive
    // Wire form of path + query, encoded as signed: "/a%20b?x=1&y=2".
    std::string target() const;
};

struct SigningParams {
    std::string region;
    std::string service;
    std::string amz_date;                     // "20150830T123600Z"
    bool normalize_path = true;               // false for S3: the path is signed exactly as sent
    bool add_content_sha256 = false;          // S3: send and sign x-amz-content-sha256
    std::optional<std::string> payload_hash;  // e.g. "UNSIGNED-PAYLOAD"; default: SHA-256 of body
    bool sign_session_token = true;      // false: the token is added after signing (some services)
    std::optional<int> presign_expires;  // set: presigned URL valid this many seconds
};

struct Signature {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;      // hex
    std::string authorization;  // header value (empty for presigned requests)
};

// Adds X-Amz-Date, the session token, x-amz-content-sha256 and Authorization to `req` (or, when
// presigning, the X-Amz-* query parameters) and returns the intermediate strings, which tests
// compare with the vectors. Never logs; the secret key is only read here.
Signature sign(HttpRequest& req, const Credentials& creds, const SigningParams& params);

// Pieces, exposed for tests and for servers that verify signatures.
std::string uri_encode(std::string_view s, bool keep_slash);
std::string normalize_path(std::string_view path);
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);
std::string amz_date_now();
// `t` as X-Amz-Date wants it ("20150830T123600Z"); clients sign with ResilientClient::now().
std::string amz_date_at(std::chrono::system_clock::time_point t);
std::string sha256_hex(std::string_view data);

}  // namespace curcrunch::aws
