#include "curcrunch/net/http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <mutex>

#include "curcrunch/core/error.hpp"
#include "curcrunch/net/url_parts.hpp"

namespace curcrunch::net {

const char* const kUserAgent = "curcrunch/" CURCRUNCH_VERSION;

namespace {

// curl_global_init is not thread-safe; do it once, before the first handle.
void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct BodyTarget {
    CURL* curl;
    Response* response;
    const Request* request;
    bool started = false;  // on_start was called
};

size_t on_body(char* p, size_t size, size_t n, void* user) {
    auto* t = static_cast<BodyTarget*>(user);
    const Request& r = *t->request;
    if (r.sink) {
        long status = 0;
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300) {
            // The headers are complete once the body starts (on_header has stored them).
            if (!t->started && r.on_start) {
                t->started = true;
                if (!r.on_start(status, t->response->headers)) return 0;
            }
            return r.sink(p, size * n) ? size * n : 0;
        }
    }
    std::string* body = &t->response->body;
    body->append(p, size * n);
    return size * n;
}

size_t on_header(char* p, size_t size, size_t n, void* user) {
    auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
    std::string line(p, size * n);
    if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100 Continue)
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon), value = line.substr(colon + 1);
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.erase(0, 1);
        while (!value.empty() &&
               (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.pop_back();
        headers->emplace_back(std::move(name), std::move(value));
    }
    return size * n;
}

TransportError classify(CURLcode rc) {
    switch (rc) {
        case CURLE_OK:
            return TransportError::none;
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return TransportError::connect;
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError::timeout;
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
            return TransportError::reset;
        case CURLE_PARTIAL_FILE:
            return TransportError::truncated;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
            return TransportError::tls;
        default:
            return TransportError::other;
    }
}

}  // namespace

struct HttpClient::Handle {
    CURL* curl = nullptr;
    ~Handle() {
        if (curl) curl_easy_cleanup(curl);
    }
};

const std::string* Response::header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers)
        if (k == lower_name) return &v;
    return nullptr;
}

const char* transport_error_name(TransportError e) {
    switch (e) {
        case TransportError::none:
            return "none";
        case TransportError::connect:
            return "connection failed";
        case TransportError::timeout:
            return "timed out";
        case TransportError::reset:
            return "connection reset";
        case TransportError::truncated:
            return "truncated response";
        case TransportError::tls:
            return "TLS verification failed";
        case TransportError::cleartext:
            return "refused";
        case TransportError::other:
            return "transfer failed";
    }
    return "?";
}

HttpClient::HttpClient(ClientOptions options) : options_(std::move(options)), handle_(new Handle) {
    global_init();
    handle_->curl = curl_easy_init();
    if (!handle_->curl) throw Error(ErrorKind::internal, "curl_easy_init failed");
}

HttpClient::~HttpClient() = default;

Result HttpClient::perform(const Request& r) {
    Result out;
    // Configured URLs were checked at the start; this also stops the ones a service handed out.
    if (std::string why = cleartext_refusal(r.url); !why.empty()) {
        out.error = TransportError::cleartext;
        out.error_text = why;
        return out;
    }
    CURL* c = handle_->curl;
    curl_easy_reset(c);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
    // The path goes as it was signed: curl would otherwise remove "./" and "../" segments,
    // sending another S3 key (in another bucket, even) than the one signed and meant.
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    // Verification is never optional: there is no option to disable it.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes_per_second);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time.count()));
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, kUserAgent);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    BodyTarget target{c, &out.response, &r};
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &target);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &out.response.headers);
    if (r.method == "GET") {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (r.method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
    curl_slist* list = nullptr;
    for (const auto& [k, v] : r.headers)
        list = curl_slist_append(list, (k + ": " + v).c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
    out.error = classify(rc);
    if (rc != CURLE_OK) {
        out.error_text = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        return out;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.response.status);
    return out;
}

}  // namespace curcrunch::net
