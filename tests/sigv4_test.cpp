// SigV4 against every vector in ../shared/sigv4-testsuite (the classic AWS suite and
// aws-c-auth's, with S3-style unnormalized paths and presigned URLs) and the five S3 worked
// examples of the S3 API Reference (../shared/reference/aws-vault-wire.md §4.2).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>

#include "curcrunch/aws/sigv4.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace curcrunch::aws;
using namespace testsupport;
namespace fs = std::filesystem;

namespace {

std::string percent_decode(std::string_view s) {
    std::string o;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            o += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            o += s[i];
        }
    }
    return o;
}

// Parses a raw request file: request line, headers (folded lines joined with '\n'), blank
// line, body. Path and query are decoded, as HttpRequest wants them.
HttpRequest parse_request(const std::string& text) {
    HttpRequest r;
    size_t eol = text.find('\n');
    std::string first = text.substr(0, eol);
    size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
    r.method = first.substr(0, sp1);
    std::string target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t q = target.find('?');
    r.path = percent_decode(target.substr(0, q));
    if (q != std::string::npos) {
        std::string qs = target.substr(q + 1);
        size_t i = 0;
        while (i <= qs.size()) {
            size_t amp = qs.find('&', i);
            if (amp == std::string::npos) amp = qs.size();
            std::string part = qs.substr(i, amp - i);
            size_t eq = part.find('=');
            r.query.emplace_back(
                percent_decode(part.substr(0, eq)),
                eq == std::string::npos ? "" : percent_decode(part.substr(eq + 1)));
            i = amp + 1;
        }
    }
    size_t pos = eol == std::string::npos ? text.size() : eol + 1;
    while (pos < text.size()) {
        size_t e = text.find('\n', pos);
        std::string line = text.substr(pos, e == std::string::npos ? std::string::npos : e - pos);
        pos = e == std::string::npos ? text.size() : e + 1;
        if (line.empty()) {
            r.body = text.substr(pos);
            break;
        }
        if (line[0] == ' ' || line[0] == '\t') {
            r.headers.back().second += "\n" + line;
            continue;
        }
        size_t colon = line.find(':');
        r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
    return r;
}

const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const char* kStsToken =
    "AQoDYXdzEPT//////////"
    "wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwt"
    "hAx7mSEI/qkPpKPi/"
    "kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNV"
    "XA"
    "kiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+"
    "scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

std::string suite() {
    return shared_dir() + "/sigv4-testsuite";
}

SigningParams params(std::string region, std::string service, std::string amz_date) {
    SigningParams p;
    p.region = std::move(region);
    p.service = std::move(service);
    p.amz_date = std::move(amz_date);
    return p;
}

}  // namespace

TEST(SigV4, ClassicSuiteEveryVector) {
    int checked = 0;
    for (const auto& e : fs::recursive_directory_iterator(suite())) {
        if (e.path().extension() != ".req" ||
            e.path().string().find("aws-c-auth-v4") != std::string::npos)
            continue;
        const std::string base = (e.path().parent_path() / e.path().stem()).string();
        const std::string name = e.path().stem().string();
        HttpRequest req = parse_request(read_file(e.path().string()));
        Credentials c{"AKIDEXAMPLE", Secret(kSecret), Secret()};
        SigningParams p = params("us-east-1", "service", "20150830T123600Z");
        if (name == "post-sts-header-before" || name == "post-sts-header-after") {
            c.session_token = Secret(kStsToken);
            p.sign_session_token = name == "post-sts-header-before";
        }
        if (name == "get-vanilla-with-session-token")  // token as in aws-c-auth's context.json
            c.session_token =
                Secret("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267");
        Signature s = sign(req, c, p);
        EXPECT_EQ(s.canonical_request, read_file(base + ".creq")) << name;
        EXPECT_EQ(s.string_to_sign, read_file(base + ".sts")) << name;
        EXPECT_EQ(s.authorization, read_file(base + ".authz")) << name;
        ++checked;
    }
    EXPECT_EQ(checked, 34);
}

TEST(SigV4, AwsCAuthSuiteHeaderAndPresigned) {
    int checked = 0;
    for (const auto& e : fs::directory_iterator(suite() + "/aws-c-auth-v4")) {
        if (!fs::exists(e.path() / "context.json")) continue;
        const std::string dir = e.path().string(), name = e.path().filename().string();
        simdjson::dom::parser parser;
        simdjson::dom::element ctx = parser.load(dir + "/context.json");
        std::string_view ak = ctx["credentials"]["access_key_id"].get_string().value();
        std::string_view sk = ctx["credentials"]["secret_access_key"].get_string().value();
        std::string_view token;
        bool has_token = !ctx["credentials"]["token"].get_string().get(token);
        bool omit = false;
        if (ctx["omit_session_token"].get_bool().get(omit)) omit = false;
        std::string ts(ctx["timestamp"].get_string().value());  // 2015-08-30T12:36:00Z
        std::string amz = ts.substr(0, 4) + ts.substr(5, 2) + ts.substr(8, 2) + "T" +
                          ts.substr(11, 2) + ts.substr(14, 2) + ts.substr(17, 2) + "Z";
        for (bool presign : {false, true}) {
            HttpRequest req = parse_request(read_file(dir + "/request.txt"));
            Credentials c{std::string(ak), Secret(std::string(sk)),
                          Secret(has_token ? std::string(token) : "")};
            SigningParams p = params(std::string(ctx["region"].get_string().value()),
                                     std::string(ctx["service"].get_string().value()), amz);
            p.normalize_path = ctx["normalize"].get_bool().value();
            p.add_content_sha256 = ctx["sign_body"].get_bool().value();
            p.sign_session_token = !omit;
            if (presign)
                p.presign_expires =
                    static_cast<int>(ctx["expiration_in_seconds"].get_int64().value());
            const std::string prefix = dir + (presign ? "/query-" : "/header-");
            if (!fs::exists(prefix + "canonical-request.txt")) continue;
            Signature s = sign(req, c, p);
            EXPECT_EQ(s.canonical_request, read_file(prefix + "canonical-request.txt"))
                << name << presign;
            EXPECT_EQ(s.string_to_sign, read_file(prefix + "string-to-sign.txt"))
                << name << presign;
            EXPECT_EQ(s.signature, read_file(prefix + "signature.txt")) << name << presign;
            ++checked;
        }
    }
    EXPECT_GE(checked, 70);
}

TEST(SigV4, S3WorkedExamples) {
    const std::string E = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    Credentials c{"AKIAIOSFODNN7EXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                  Secret()};
    auto s3 = [&](HttpRequest req, std::optional<int> presign = std::nullopt) {
        SigningParams p = params("us-east-1", "s3", "20130524T000000Z");
        p.normalize_path = false;
        p.add_content_sha256 = !presign;
        p.presign_expires = presign;
        if (presign) p.payload_hash = "UNSIGNED-PAYLOAD";
        req.headers.insert(req.headers.begin(), {"Host", "examplebucket.s3.amazonaws.com"});
        return sign(req, c, p);
    };
    HttpRequest get{"GET", "/test.txt", {}, {{"Range", "bytes=0-9"}}, ""};
    Signature a = s3(get);
    EXPECT_EQ(a.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    EXPECT_EQ(
        a.authorization,
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    HttpRequest put{
        "PUT",
        "/test$file.text",
        {},
        {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
        "Welcome to Amazon S3."};
    Signature b = s3(put);
    EXPECT_NE(b.canonical_request.find("\n/test%24file.text\n"), std::string::npos);
    EXPECT_EQ(b.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    EXPECT_EQ(s3(HttpRequest{"GET", "/", {{"lifecycle", ""}}, {}, ""}).signature,
              "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
    EXPECT_EQ(s3(HttpRequest{"GET", "/", {{"max-keys", "2"}, {"prefix", "J"}}, {}, ""}).signature,
              "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    HttpRequest pre{"GET", "/test.txt", {}, {}, ""};
    Signature d = s3(pre, 86400);
    EXPECT_EQ(sha256_hex(d.canonical_request),
              "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
    EXPECT_EQ(d.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    EXPECT_EQ(sha256_hex(a.canonical_request),
              "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    (void)E;
}

TEST(SigV4, SecretsStayOutOfTheRequestText) {
    HttpRequest r{"GET", "/", {}, {{"Host", "example.amazonaws.com"}}, ""};
    Credentials c{"AKIDEXAMPLE", Secret(kSecret), Secret()};
    Signature s = sign(r, c, params("us-east-1", "service", "20150830T123600Z"));
    for (const auto& [k, v] : r.headers)
        EXPECT_EQ(v.find(kSecret), std::string::npos) << k;
    EXPECT_EQ(s.canonical_request.find(kSecret), std::string::npos);
    EXPECT_EQ(s.string_to_sign.find(kSecret), std::string::npos);
}

}  // namespace CURCRUNCH_UNITY_ID
