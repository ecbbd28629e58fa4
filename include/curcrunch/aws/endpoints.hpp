#pragma once
// Where an AWS service of a region answers (aws-vault-wire.md §3: regional endpoints; the China
// regions live under amazonaws.com.cn), and what a region's name looks like, so that a region
// read from a configuration or from a service's answer can go into a host name.
#include <string>
#include <string_view>

namespace curcrunch::aws {

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
