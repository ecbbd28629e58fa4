// libFuzzer harness: an error answer from AWS (S3 XML, STS awsQuery XML, awsJson) as the clients
// read it. The first byte picks the status; then header lines ("name: value") up to an empty
// line; the rest is the body. Reading it must not throw, a region taken from it must be a
// region's name (it goes into a host name and a signature), and a message must be printable.
#include <string>

#include "curcrunch/aws/endpoints.hpp"
#include "curcrunch/aws/json_service.hpp"
#include "curcrunch/aws/s3_client.hpp"
#include "curcrunch/aws/sts_client.hpp"
#include "curcrunch/net/resilience.hpp"
#include "curcrunch/net/service_clock.hpp"
#include "fuzz_support.hpp"

namespace {

curcrunch::net::Response response_of(const uint8_t* data, size_t size) {
    static const long statuses[] = {301, 307, 400, 403, 404, 412, 429, 500, 503};
    curcrunch::net::Response r;
    r.status = size ? statuses[data[0] % 9] : 400;
    std::string rest(reinterpret_cast<const char*>(data) + (size ? 1 : 0), size ? size - 1 : 0);
    size_t at = 0;
    for (;;) {
        const size_t eol = rest.find('\n', at);
        if (eol == std::string::npos || eol == at) {
            r.body = eol == std::string::npos ? rest.substr(at) : rest.substr(eol + 1);
            break;
        }
        const std::string line = rest.substr(at, eol - at);
        const size_t colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon), value = line.substr(colon + 1);
            for (char& c : name)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            while (!value.empty() && value.front() == ' ')
                value.erase(0, 1);
            r.headers.emplace_back(std::move(name), std::move(value));
        }
        at = eol + 1;
    }
    return r;
}

void check_message(const std::string& raw) {
    const std::string shown = curcrunch::net::service_message(raw);
    for (unsigned char c : shown)
        if (c < 0x20 || c == 0x7f)
            curcrunch::fuzz::finding("control character in a message", shown);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace curcrunch;
    try {
        const net::Response r = response_of(data, size);
        const net::ServiceError s3 = aws::S3Client::service_error(r);
        const std::string region = aws::S3Client::redirect_region(r, s3);
        if (!region.empty() && !aws::is_region_name(region))
            fuzz::finding("a redirect's region is not a region's name", region);
        check_message(s3.message);
        check_message(aws::StsClient::service_error(r).message);
        check_message(aws::JsonServiceClient::service_error(r).message);
        net::ServiceClock clock;
        clock.correct_from(r);
        if (const std::string* ra = r.header("retry-after")) {
            const auto wait = net::parse_retry_after(*ra, r.header("date"));
            if (wait && (wait->count() < 0 || wait->count() > 3600 * 1000))
                fuzz::finding("a Retry-After outside [0, 1 h]", *ra);
        }
    } catch (const std::exception& e) {
        fuzz::finding("reading an error answer threw", e.what());
    }
    return 0;
}
