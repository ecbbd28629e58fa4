#pragma once
// The fetch configuration file (JSON): which payer profiles exist, where their keys live in
// Vault, which buckets and prefixes hold their CUR exports, and endpoint overrides. It holds no
// secret — only the *names* of the Vault keys that do. See vault/README.md for the layout and
// man curcrunch(1) for every field.
#include <map>
#include <string>
#include <vector>

namespace curcrunch::fetch {

struct CurSource {
    std::string bucket, prefix;  // prefix: the report's root (legacy <prefix>/<name>, CUR 2.0)
    // The bucket's region when it is not the profile's; "" when not given (a bucket elsewhere is
    // then found by S3's redirect, at the cost of one refused request a run).
    std::string region;
};

struct ProfileConfig {
    std::string name;
    // Vault KV field names; default aws_<name>_access_key_id, aws_<name>_secret_access_key,
    // aws_<name>_roleArn, aws_<name>_roleSessionName (the layout billing teams use today).
    std::string access_key_field, secret_key_field, role_arn_field, session_name_field;
    std::string role_arn;      // used when the secret has no role field (or without Vault)
    std::string session_name;  // default "curcrunch-<name>"
    std::string account_id;    // payer account for Invoicing; default: from the role ARN
    std::vector<CurSource> cur;
    bool organizations = true, invoices = true, payments = true;
};

struct VaultSecretConfig {
    std::string kv_mount = "secret";
    std::string kv_path;  // "" : no KV secret (AWS engine or environment instead)
    int kv_version = 2;
    std::string region_field = "aws_region_name";
    std::string aws_engine_mount = "aws";
    std::string aws_engine_role;  // set: credentials from <mount>/creds/<role> instead of KV
};

struct FetchConfig {
    std::string path;
    std::string region;  // default region when the secret names none
    VaultSecretConfig vault;
    std::vector<ProfileConfig> profiles;
    std::map<std::string, std::string> endpoints;  // service -> URL (s3, sts, ce, ...)
};

// Throws Error(usage) naming the file and the field for anything malformed or unknown.
FetchConfig load_fetch_config(const std::string& path);

}  // namespace curcrunch::fetch
