#include "curcrunch/aws/sts_client.hpp"

#include <openssl/crypto.h>

#include <ctime>
#include <pugixml.hpp>

#include "curcrunch/core/error.hpp"

namespace curcrunch::aws {
namespace {

// "2011-07-15T23:28:33.359Z" -> time point (UTC).
std::optional<std::chrono::system_clock::time_point> parse_iso8601(const std::string& s) {
    std::tm tm{};
    if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

StsClient::StsClient(net::ResilientClient& http, const Credentials& base, std::string region,
                     std::string endpoint)
    : http_(http), base_(base), region_(std::move(region)), endpoint_(std::move(endpoint)) {
    while (!endpoint_.empty() && endpoint_.back() == '/')
        endpoint_.pop_back();
    sent_ = signing_endpoint(endpoint_);
}

net::ServiceError StsClient::service_error(const net::Response& r) {
    pugi::xml_document doc;
    if (r.body.empty() || !doc.load_buffer(r.body.data(), r.body.size())) return {};
    pugi::xml_node e = doc.child("ErrorResponse").child("Error");
    if (!e) e = doc.child("Error");
    return {e.child("Code").text().as_string(), e.child("Message").text().as_string()};
}

AssumedRole StsClient::assume_role(const std::string& role_arn, const std::string& session_name,
                                   int duration, const std::optional<std::string>& external_id) {
    std::string form = "Action=AssumeRole&Version=2011-06-15";
    form.append("&RoleArn=").append(uri_encode(role_arn, false));
    form.append("&RoleSessionName=").append(uri_encode(session_name, false));
    form.append("&DurationSeconds=").append(std::to_string(duration));
    if (external_id) form.append("&ExternalId=").append(uri_encode(*external_id, false));
    auto make = [&](int) {
        HttpRequest h;
        h.method = "POST";
        h.path = sent_.path + "/";
        h.headers = {{"Host", sent_.host},
                     {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
        h.body = form;
        SigningParams p;
        p.region = region_;
        p.service = "sts";
        p.amz_date = amz_date_at(http_.now("sts"));
        sign(h, base_, p);
        net::Request r;
        r.method = "POST";
        r.url = sent_.origin + h.target();
        for (auto& [k, v] : h.headers)
            if (k != "Host") r.headers.emplace_back(k, v);
        r.body = form;
        return r;
    };
    net::CallOptions o{"sts", "AssumeRole " + role_arn, net::ServiceKind::aws};
    o.settling_until = base_.settling_until;
    net::Response resp = http_.call(o, make, service_error);
    pugi::xml_document doc;
    if (!doc.load_buffer(resp.body.data(), resp.body.size()))
        throw Error(ErrorKind::remote, "sts AssumeRole " + role_arn + ": malformed XML response");
    OPENSSL_cleanse(resp.body.data(), resp.body.size());  // held the secret key and token
    pugi::xml_node res = doc.child("AssumeRoleResponse").child("AssumeRoleResult");
    pugi::xml_node c = res.child("Credentials");
    AssumedRole out;
    out.credentials.access_key_id = c.child("AccessKeyId").text().as_string();
    out.credentials.secret_access_key = Secret(c.child("SecretAccessKey").text().as_string());
    out.credentials.session_token = Secret(c.child("SessionToken").text().as_string());
    out.arn = res.child("AssumedRoleUser").child("Arn").text().as_string();
    auto expires = parse_iso8601(c.child("Expiration").text().as_string());
    if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty() ||
        !expires)
        throw Error(ErrorKind::remote,
                    "sts AssumeRole " + role_arn + ": response lacks credentials or expiration");
    out.expires = *expires;
    return out;
}

AssumeRoleProvider::AssumeRoleProvider(StsClient& sts, std::string role_arn,
                                       std::string session_name, int duration_seconds,
                                       std::chrono::seconds margin)
    : sts_(sts),
      role_arn_(std::move(role_arn)),
      session_name_(std::move(session_name)),
      duration_(duration_seconds),
      margin_(margin) {}

const Credentials& AssumeRoleProvider::get() {
    // By AWS's clock, which set the expiry: a machine whose clock runs an hour fast would
    // otherwise assume the role again on every call.
    if (!current_ || current_->expires - sts_.now() < margin_) {
        current_ = sts_.assume_role(role_arn_, session_name_, duration_);
        ++assumptions_;
    }
    return current_->credentials;
}

const Credentials& AssumeRoleProvider::refresh() {
    current_ = sts_.assume_role(role_arn_, session_name_, duration_);
    ++assumptions_;
    return current_->credentials;
}

}  // namespace curcrunch::aws
