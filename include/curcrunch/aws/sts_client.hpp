#pragma once
// STS AssumeRole over the query protocol (form-encoded POST, XML response; reference:
// aws-vault-wire.md §2.3), and a provider that keeps assumed-role credentials fresh by
// assuming the role again before they expire.
#include <chrono>
#include <optional>
#include <string>

#include "curcrunch/aws/endpoints.hpp"
#include "curcrunch/aws/sigv4.hpp"
#include "curcrunch/net/resilience.hpp"

namespace curcrunch::aws {

struct AssumedRole {
    Credentials credentials;
    std::chrono::system_clock::time_point expires;
    std::string arn;  // of the assumed-role user
};

class StsClient {
  public:
    StsClient(net::ResilientClient& http, const Credentials& base, std::string region,
              std::string endpoint);
    AssumedRole assume_role(const std::string& role_arn, const std::string& session_name,
                            int duration_seconds = 3600,
                            const std::optional<std::string>& external_id = std::nullopt);
    // Code and message of an awsQuery (<ErrorResponse><Error>) or S3 (<Error>) error body.
    static net::ServiceError service_error(const net::Response& r);
    // The time by AWS's clock, as far as this run's requests learned it (service_clock.hpp).
    std::chrono::system_clock::time_point now() const { return http_.now("sts"); }

  private:
    net::ResilientClient& http_;
    const Credentials& base_;
    std::string region_, endpoint_;
    SigningEndpoint sent_;
};

// Credentials of an assumed role, re-assumed when less than `margin` of their life is left.
class AssumeRoleProvider {
  public:
    AssumeRoleProvider(StsClient& sts, std::string role_arn, std::string session_name,
                       int duration_seconds = 3600,
                       std::chrono::seconds margin = std::chrono::seconds(300));
    const Credentials& get();
    // Assumes the role again now (the service said the session expired early). The object
    // get() returned stays the same; its contents are replaced.
    const Credentials& refresh();
    int assumptions() const { return assumptions_; }

  private:
    StsClient& sts_;
    std::string role_arn_, session_name_;
    int duration_;
    std::chrono::seconds margin_;
    std::optional<AssumedRole> current_;
    int assumptions_ = 0;
};

}  // namespace curcrunch::aws
