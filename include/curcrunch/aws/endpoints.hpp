#pragma once
// Where an AWS service of a region answers (aws-vault-wire.md §3: regional endpoints; the China
// regions live under amazonaws.com.cn), and what a region's name looks like, so that a region
// read from a configuration or from a service's answer can go into a host name.
#include <string>
#include <string_view>

namespace curcrunch::aws {

// What requests to a configured endpoint URL are sent to and signed with. SigV4 signs the Host
// header, and the service checks the signature against the Host it received, which is curl's:
// the port only when it is not the scheme's own ("http://minio:80" arrives as "Host: minio").
// So the signed host drops a default port, as the AWS SDKs do, and an endpoint's own path
// ("http://gateway/s3") is signed as part of every request's path, which it is.
struct SigningEndpoint {
    std::string origin;  // "scheme://host[:port]": the request URL before its path
    std::string host;    // the Host header as sent
    std::string path;    // the endpoint's path, decoded, without a trailing '/' ("" or "/s3")
};
SigningEndpoint signing_endpoint(const std::string& url);

// "https://s3.eu-west-1.amazonaws.com" for ("s3", "eu-west-1").
std::string regional_endpoint(std::string_view service, std::string_view region);

// A region's name: a code of two to four letters, one or more hyphenated words, a hyphen and a
// number, at most 32 characters ("us-east-1", "us-gov-west-1", "cn-north-1", "eu-central-2",
// "us-isob-east-1", "eusc-de-east-1").
bool is_region_name(std::string_view text);

// The partition a region is in ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b",
// "aws-iso-e", "aws-iso-f", "aws-eusc"): bucket names are unique within one, not across them.
std::string partition_of(std::string_view region);

}  // namespace curcrunch::aws
