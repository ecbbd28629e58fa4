#include "curcrunch/aws/json_service.hpp"

#include <simdjson.h>

namespace curcrunch::aws {
namespace {

// "com.amazonaws.invoicing#ThrottlingException:http://..." -> "ThrottlingException".
std::string strip_code(std::string code) {
    if (size_t colon = code.find(':'); colon != std::string::npos) code.resize(colon);
    if (size_t hash = code.rfind('#'); hash != std::string::npos) code.erase(0, hash + 1);
    return code;
}

}  // namespace

JsonService organizations_service() {
    return {"organizations", "organizations", "AWSOrganizationsV20161128",
            "1.1",           "us-east-1",     "https://organizations.us-east-1.amazonaws.com"};
}
JsonService cost_explorer_service() {
    return {"ce",  "ce",        "AWSInsightsIndexService",
            "1.1", "us-east-1", "https://ce.us-east-1.amazonaws.com"};
}
JsonService invoicing_service() {
    // The api.aws dual-stack domain is the only one the endpoint rules know (reference §1).
    return {"invoicing", "invoicing", "Invoicing",
            "1.0",       "us-east-1", "https://invoicing.us-east-1.api.aws"};
}
JsonService payments_service() {
    // Endpoint from the Payments API reference; the target prefix follows the Smithy service
    // name as for Invoicing (not verified against a live endpoint).
    return {"payments", "payments",  "Payments",
            "1.0",      "us-east-1", "https://payments.us-east-1.api.aws"};
}

JsonServiceClient::JsonServiceClient(net::ResilientClient& http, const Credentials& creds,
                                     JsonService service)
    : http_(http), creds_(creds), service_(std::move(service)) {
    while (!service_.endpoint.empty() && service_.endpoint.back() == '/')
        service_.endpoint.pop_back();
    sent_ = signing_endpoint(service_.endpoint);
}

net::ServiceError JsonServiceClient::service_error(const net::Response& r) {
    if (r.status >= 200 && r.status < 300) return {};
    net::ServiceError out;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    const bool parsed = !parser.parse(r.body).get(doc);
    std::string_view text;
    if (const std::string* q = r.header("x-amzn-query-error"))
        out.code = strip_code(q->substr(0, q->find(';')));
    else if (const std::string* t = r.header("x-amzn-errortype"))
        out.code = strip_code(*t);
    else if (parsed &&
             (!doc["__type"].get_string().get(text) || !doc["code"].get_string().get(text)))
        out.code = strip_code(std::string(text));
    if (parsed &&
        (!doc["message"].get_string().get(text) || !doc["Message"].get_string().get(text)))
        out.message = std::string(text);
    return out;
}

std::string JsonServiceClient::call(const std::string& operation, const std::string& body) {
    const std::string content_type = "application/x-amz-json-" + service_.json_version;
    const std::string target = service_.target_prefix + "." + operation;
    auto make = [&](int) {
        ++requests_;
        HttpRequest h;
        h.method = "POST";
        h.path = sent_.path + "/";
        h.headers = {
            {"Host", sent_.host}, {"Content-Type", content_type}, {"X-Amz-Target", target}};
        h.body = body;
        SigningParams p;
        p.region = service_.region;
        p.service = service_.signing_name;
        p.amz_date = amz_date_at(http_.now(service_.name));
        sign(h, creds_, p);
        net::Request r;
        r.method = "POST";
        r.url = sent_.origin + h.target();
        for (auto& [k, v] : h.headers)
            if (k != "Host") r.headers.emplace_back(k, v);
        r.body = body;
        return r;
    };
    net::CallOptions o{service_.name, operation, net::ServiceKind::aws};
    o.settling_until = creds_.settling_until;
    net::Response resp = http_.call(o, make, service_error);
    return std::move(resp.body);
}

}  // namespace curcrunch::aws
