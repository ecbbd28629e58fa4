#include "curcrunch/fetch/credential_source.hpp"

#include <openssl/crypto.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "env_text.hpp"

namespace curcrunch::fetch {
namespace {

// How long new IAM user keys may be refused as unknown: IAM propagates a new key within seconds
// (Vault's AWS secrets engine documentation warns of it for iam_user roles); half a minute
// covers a slow propagation without hiding a key that will never work for long.
constexpr std::chrono::seconds kNewKeySettling{30};

Secret secret_from(const std::string& file, const char* env_name, const char* what) {
    if (!file.empty()) return read_secret_file(file, what);
    if (const char* v = std::getenv(env_name); v && *v) return Secret(v);
    throw_usage(std::string("Vault AppRole login needs a ") + what + ": set " + env_name +
                " or give its file with --" +
                (std::string(what) == "role_id" ? "role-id-file" : "secret-id-file"));
}

// The KV secret's fields that name things rather than grant access (the region, access key
// ids, role ARNs, session names), taken out of `kv` as plain text: services quote them in their
// messages (a signing scope, the role an AccessDenied names), where as held secrets they would
// be blanked (core/secret.hpp).
std::map<std::string, std::string> take_public_fields(std::map<std::string, Secret>& kv,
                                                      const FetchConfig& config) {
    std::set<std::string> names = {config.vault.region_field};
    for (const ProfileConfig& p : config.profiles)
        names.insert({p.access_key_field, p.role_arn_field, p.session_name_field});
    std::map<std::string, std::string> out;
    for (const std::string& name : names)
        if (auto it = kv.find(name); it != kv.end()) {
            out.emplace(name, std::string(it->second.reveal()));
            kv.erase(it);
        }
    return out;
}

}  // namespace

Secret read_secret_file(const std::string& path, const char* what) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw_usage(std::string("cannot read the ") + what + " file " + path);
    std::ostringstream ss;
    ss << f.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    if (s.empty()) throw_usage(std::string("the ") + what + " file " + path + " is empty");
    Secret out(s);
    OPENSSL_cleanse(s.data(), s.size());
    std::string buf = ss.str();
    OPENSSL_cleanse(buf.data(), buf.size());
    return out;
}

CredentialSource::CredentialSource(const FetchConfig& config, const VaultLogin& login,
                                   net::ResilientClient& http)
    : config_(config) {
    const std::string addr = env_text("VAULT_ADDR");
    if (addr.empty()) return;
    if (config.vault.kv_path.empty() && config.vault.aws_engine_role.empty())
        throw_usage(config.path +
                    ": VAULT_ADDR is set but vault.kv_path and vault.aws_engine_role are both "
                    "empty: say where the AWS keys are");
    vault_ = std::make_unique<vault::VaultClient>(
        vault::VaultConfig{addr, env_text("VAULT_NAMESPACE")}, http);
    vault::AppRoleLogin approle;
    approle.role_id = secret_from(login.role_id_file, "VAULT_ROLE_ID", "role_id");
    approle.secret_id = secret_from(login.secret_id_file, "VAULT_SECRET_ID", "secret_id");
    approle.secret_id_wrapped = login.secret_id_wrapped;
    vault::KeeperOptions keep;
    if (config.vault.kv_path.empty()) {
        // AWS engine credentials are leases of the token that read them: a new token reads
        // them again, and the old one must live on until the run has switched over.
        keep.keep_replaced_tokens = true;
        keep.on_new_login = [this] {
            read_aws_engine_again();
            log::info("vault: AWS credentials read again with the new token");
        };
    }
    keeper_ = std::make_unique<vault::TokenKeeper>(*vault_, std::move(approle), std::move(keep));
    if (config.vault.kv_path.empty())
        lease_keeper_ =
            std::make_unique<vault::LeaseKeeper>(*vault_, [this] { read_aws_engine_again(); });
    log::info("vault: logged in with AppRole at " + addr);
}

CredentialSource::~CredentialSource() {
    lease_keeper_.reset();  // stops first: it reads with the token
    keeper_.reset();        // stops the background work; its destructor revokes quietly
}

std::string CredentialSource::lost() const {
    std::string why = keeper_ ? keeper_->lost() : std::string();
    if (why.empty() && lease_keeper_) why = lease_keeper_->lost();
    return why;
}

std::string CredentialSource::finish() noexcept {
    lease_keeper_.reset();
    return keeper_ ? keeper_->finish() : std::string();
}

void CredentialSource::read_aws_engine_again() {
    std::lock_guard<std::mutex> l(m_);
    if (!engine_) return;  // not read yet: resolve() reads them
    read_aws_engine();
    ++generation_;
}

void CredentialSource::read_aws_engine() {
    const VaultSecretConfig& vc = config_.vault;
    try {
        engine_ = vault_->aws_creds(vc.aws_engine_mount, vc.aws_engine_role);
        if (lease_keeper_)
            lease_keeper_->track(engine_->lease_id, engine_->lease, engine_->renewable);
    } catch (const Error& e) {
        throw Error(ErrorKind::remote,
                    std::string("the AWS credentials could not be read again: ") + e.what());
    }
}

std::map<std::string, ProfileCredentials> CredentialSource::resolve(
    const std::vector<std::string>& names) {
    std::lock_guard<std::mutex> l(m_);
    const VaultSecretConfig& vc = config_.vault;
    if (vault_ && !read_) {
        if (!vc.kv_path.empty()) {
            kv_ = vault_->read_kv(vc.kv_mount, vc.kv_path, vc.kv_version);
            kv_public_ = take_public_fields(kv_, config_);
        } else {
            engine_ = vault_->aws_creds(vc.aws_engine_mount, vc.aws_engine_role);
            if (lease_keeper_)
                lease_keeper_->track(engine_->lease_id, engine_->lease, engine_->renewable);
        }
        read_ = true;
    }
    std::string default_region = config_.region;
    if (auto it = kv_public_.find(vc.region_field); it != kv_public_.end() && !it->second.empty())
        default_region = it->second;
    if (default_region.empty()) default_region = env_text("AWS_REGION");
    if (default_region.empty()) default_region = env_text("AWS_DEFAULT_REGION");
    if (default_region.empty()) default_region = "us-east-1";
    const bool from_kv = vault_ && !vc.kv_path.empty();
    const std::string where = from_kv ? "vault secret " + vc.kv_mount + "/" + vc.kv_path : "";
    std::map<std::string, ProfileCredentials> out;
    for (const std::string& name : names) {
        const ProfileConfig* pc = nullptr;
        for (const auto& p : config_.profiles)
            if (p.name == name) pc = &p;
        if (!pc) throw_usage("no profile named '" + name + "' in " + config_.path);
        ProfileCredentials c;
        c.region = default_region;
        c.role_arn = pc->role_arn;
        c.session_name = pc->session_name;
        if (from_kv) {
            auto field = [&](const std::string& f) -> const Secret* {
                auto it = kv_.find(f);
                return it == kv_.end() || it->second.empty() ? nullptr : &it->second;
            };
            auto text = [&](const std::string& f) -> const std::string* {
                auto it = kv_public_.find(f);
                return it == kv_public_.end() || it->second.empty() ? nullptr : &it->second;
            };
            const std::string* ak = text(pc->access_key_field);
            const Secret* sk = field(pc->secret_key_field);
            c.source = where;
            if (!ak || !sk) {  // this profile cannot work; the others can
                c.unusable = where + " has no " +
                             (ak ? pc->secret_key_field : pc->access_key_field) + " field";
                out.emplace(name, std::move(c));
                continue;
            }
            c.base.access_key_id = *ak;
            c.base.secret_access_key = *sk;
            if (const std::string* r = text(pc->role_arn_field)) c.role_arn = *r;
            if (const std::string* s = text(pc->session_name_field)) c.session_name = *s;
        } else if (engine_) {
            c.base.access_key_id = engine_->access_key_id;
            c.base.secret_access_key = engine_->secret_access_key;
            c.base.session_token = engine_->session_token;
            // An iam_user role's keys are a new IAM user's (no session token): IAM takes
            // seconds to know them everywhere. STS credentials are usable at once.
            if (c.base.session_token.empty())
                c.base.settling_until = engine_->read_at + kNewKeySettling;
            c.source = "vault " + vc.aws_engine_mount + "/creds/" + vc.aws_engine_role;
        } else {
            c.base.access_key_id = env_text("AWS_ACCESS_KEY_ID");
            c.base.secret_access_key = Secret(env_text("AWS_SECRET_ACCESS_KEY"));
            c.base.session_token = Secret(env_text("AWS_SESSION_TOKEN"));
            if (c.base.access_key_id.empty() || c.base.secret_access_key.empty())
                throw_usage(
                    "no AWS credentials: set VAULT_ADDR (with an AppRole) or "
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            c.source = "environment";
        }
        out.emplace(name, std::move(c));
    }
    return out;
}

}  // namespace curcrunch::fetch
