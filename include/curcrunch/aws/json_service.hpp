#pragma once
// The awsJson 1.0/1.1 RPC protocol shared by Organizations, Cost Explorer, Invoicing and
// Payments (reference: aws-vault-wire.md §0): POST / with X-Amz-Target "<prefix>.<Operation>",
// a JSON body, SigV4 over the exact body bytes; errors are {"__type", "message"|"Message"}
// with the code possibly namespaced ("com.amazonaws.invoicing#ThrottlingException").
#include <string>

#include "curcrunch/aws/endpoints.hpp"
#include "curcrunch/aws/sigv4.hpp"
#include "curcrunch/net/resilience.hpp"

namespace curcrunch::aws {

struct JsonService {
    std::string name;           // names the endpoint in messages, rate limits and breakers
    std::string signing_name;   // SigV4 service: "organizations", "ce", "invoicing", ...
    std::string target_prefix;  // "AWSOrganizationsV20161128", "AWSInsightsIndexService", ...
    std::string json_version;   // "1.0" or "1.1"
    std::string region;         // signing region (us-east-1 for these global services)
    std::string endpoint;       // scheme://host[:port], no trailing slash
};

// The four services' wire facts, with their default AWS endpoints.
JsonService organizations_service();
JsonService cost_explorer_service();
JsonService invoicing_service();
JsonService payments_service();

class JsonServiceClient {
  public:
    JsonServiceClient(net::ResilientClient& http, const Credentials& creds, JsonService service);
    // POSTs `body` (a JSON object) as `operation`; returns the 2xx response body. Failures
    // throw Error(remote) naming the service, operation and error code.
    std::string call(const std::string& operation, const std::string& body);
    // The error of a response: its code from x-amzn-query-error, else x-amzn-ErrorType, else
    // the body's __type / code, with namespaces and suffixes stripped ("" when none); its
    // message from the body's "message" (or "Message", as some services spell it).
    static net::ServiceError service_error(const net::Response& r);
    const JsonService& service() const { return service_; }
    int requests() const { return requests_; }  // attempts sent, retries included

  private:
    net::ResilientClient& http_;
    const Credentials& creds_;
    JsonService service_;
    SigningEndpoint sent_;
    int requests_ = 0;
};

}  // namespace curcrunch::aws
