#include "curcrunch/aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "curcrunch/core/calendar.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"

namespace curcrunch::aws {
namespace {

std::string lower(std::string_view s) {
    std::string o(s);
    for (char& c : o)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

bool iequal(std::string_view a, std::string_view b) {
    return lower(a) == lower(b);
}

// SigV4 "trimall": leading and trailing whitespace removed, every inner run of whitespace
// (including the line breaks of folded header lines) replaced by one space.
std::string trim_all(std::string_view v) {
    std::string o;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !o.empty();
        } else {
            if (space) o += ' ';
            space = false;
            o += c;
        }
    }
    return o;
}

std::string hmac(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
        throw Error(ErrorKind::internal, "OpenSSL HMAC-SHA256 failed");
    return std::string(reinterpret_cast<char*>(out), len);
}

std::string hex(std::string_view bytes) {
    static const char* k = "0123456789abcdef";
    std::string o;
    o.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        o += k[c >> 4];
        o += k[c & 15];
    }
    return o;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequal(k, name)) return &v;
    return nullptr;
}

std::string HttpRequest::target() const {
    std::string t = uri_encode(path, true);
    if (!query.empty()) t.append("?").append(canonical_query(query));
    return t;
}

std::string sha256_hex(std::string_view data) {
    return Sha256::of(data);
}

std::string uri_encode(std::string_view s, bool keep_slash) {
    static const char* k = "0123456789ABCDEF";
    std::string o;
    o.reserve(s.size());
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (keep_slash && c == '/')) {
            o += static_cast<char>(c);
        } else {
            o += '%';
            o += k[c >> 4];
            o += k[c & 15];
        }
    }
    return o;
}

// RFC 3986 remove_dot_segments plus collapsing of empty segments, as SigV4 does for every
// service but S3.
std::string normalize_path(std::string_view path) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i <= path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        std::string_view seg = path.substr(i, j - i);
        if (seg == "..") {
            if (!out.empty()) out.pop_back();
        } else if (!seg.empty() && seg != ".") {
            out.push_back(seg);
        }
        i = j + 1;
    }
    std::string o;
    for (std::string_view s : out)
        o.append("/").append(s);
    if (o.empty()) return "/";
    if (path.back() == '/') o += '/';  // a trailing slash is kept: "/a/" is not "/a"
    return o;
}

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
    std::vector<std::pair<std::string, std::string>> enc;
    enc.reserve(query.size());
    for (const auto& [k, v] : query)
        enc.emplace_back(uri_encode(k, false), uri_encode(v, false));
    std::sort(enc.begin(), enc.end());
    std::string o;
    for (const auto& [k, v] : enc) {
        if (!o.empty()) o += '&';
        o.append(k).append("=").append(v);
    }
    return o;
}

std::string amz_date_now() {
    return utc_now("%Y%m%dT%H%M%SZ");
}

std::string amz_date_at(std::chrono::system_clock::time_point t) {
    const std::time_t s = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

Signature sign(HttpRequest& req, const Credentials& creds, const SigningParams& p) {
    if (p.amz_date.size() != 16) throw Error(ErrorKind::internal, "SigV4: bad X-Amz-Date");
    const std::string date = p.amz_date.substr(0, 8);
    const std::string scope = date + "/" + p.region + "/" + p.service + "/aws4_request";
    const std::string payload = p.payload_hash ? *p.payload_hash : sha256_hex(req.body);
    const bool token = !creds.session_token.empty();

    if (!p.presign_expires) {
        if (!req.header("x-amz-date")) req.headers.emplace_back("X-Amz-Date", p.amz_date);
        if (p.add_content_sha256 && !req.header("x-amz-content-sha256"))
            req.headers.emplace_back("X-Amz-Content-Sha256", payload);
        if (token && p.sign_session_token && !req.header("x-amz-security-token"))
            req.headers.emplace_back("X-Amz-Security-Token",
                                     std::string(creds.session_token.reveal()));
    }

    // Canonical headers: lower-case names, sorted; duplicate names joined with ','.
    std::vector<std::pair<std::string, std::string>> hs;
    for (const auto& [k, v] : req.headers) {
        std::string name = lower(k), value = trim_all(v);
        auto it =
            std::find_if(hs.begin(), hs.end(), [&](const auto& h) { return h.first == name; });
        if (it == hs.end())
            hs.emplace_back(std::move(name), std::move(value));
        else
            it->second.append(",").append(value);
    }
    std::stable_sort(hs.begin(), hs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string signed_headers, canonical_headers;
    for (const auto& [k, v] : hs) {
        if (!signed_headers.empty()) signed_headers += ';';
        signed_headers += k;
        canonical_headers.append(k).append(":").append(v).append("\n");
    }

    if (p.presign_expires) {
        req.query.emplace_back("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
        req.query.emplace_back("X-Amz-Credential", creds.access_key_id + "/" + scope);
        req.query.emplace_back("X-Amz-Date", p.amz_date);
        req.query.emplace_back("X-Amz-Expires", std::to_string(*p.presign_expires));
        if (token && p.sign_session_token)
            req.query.emplace_back("X-Amz-Security-Token",
                                   std::string(creds.session_token.reveal()));
        req.query.emplace_back("X-Amz-SignedHeaders", signed_headers);
    }

    const std::string path = p.normalize_path ? normalize_path(req.path) : req.path;
    Signature s;
    s.canonical_request = req.method + "\n" + uri_encode(path, true) + "\n" +
                          canonical_query(req.query) + "\n" + canonical_headers + "\n" +
                          signed_headers + "\n" + payload;
    s.string_to_sign =
        "AWS4-HMAC-SHA256\n" + p.amz_date + "\n" + scope + "\n" + sha256_hex(s.canonical_request);

    std::string key = "AWS4";
    key += creds.secret_access_key.reveal();
    std::string k = hmac(key, date);
    OPENSSL_cleanse(key.data(), key.size());
    k = hmac(k, p.region);
    k = hmac(k, p.service);
    k = hmac(k, "aws4_request");
    s.signature = hex(hmac(k, s.string_to_sign));
    OPENSSL_cleanse(k.data(), k.size());

    if (p.presign_expires) {
        req.query.emplace_back("X-Amz-Signature", s.signature);
        if (token && !p.sign_session_token)
            req.query.emplace_back("X-Amz-Security-Token",
                                   std::string(creds.session_token.reveal()));
    } else {
        s.authorization = "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" + scope +
                          ", SignedHeaders=" + signed_headers + ", Signature=" + s.signature;
        req.headers.emplace_back("Authorization", s.authorization);
        if (token && !p.sign_session_token)
            req.headers.emplace_back("X-Amz-Security-Token",
                                     std::string(creds.session_token.reveal()));
    }
    return s;
}

}  // namespace curcrunch::aws
