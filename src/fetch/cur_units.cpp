// CUR deliveries as units of a sharded run: `curcrunch shards --config` lists them, and
// `curcrunch fetch --shard` fetches exactly one (fetch_job.hpp, ShardTarget).
#include <simdjson.h>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "fetch_run.hpp"

namespace curcrunch::fetch {
namespace {

std::string without_quotes(const std::string& etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
        return etag.substr(1, etag.size() - 2);
    return etag;
}

// The manifest's "account" (legacy manifests name the account the report belongs to), or "".
std::string manifest_account(const std::string& text) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view v;
    if (parser.parse(text).get(root) || root["account"].get_string().get(v)) return "";
    return std::string(v);
}

std::string trimmed_prefix(std::string prefix) {
    while (!prefix.empty() && prefix.back() == '/')
        prefix.pop_back();
    return prefix;
}

}  // namespace

ShardTarget ShardTarget::of(const ingest::ShardUnit& u) {
    const std::string scheme = "s3://";
    if (u.profile.empty() || u.source.rfind(scheme, 0) != 0)
        throw_usage("the unit " + u.source +
                    " is not read from S3: run `curcrunch ingest --shard` for it, not fetch");
    ShardTarget t;
    t.profile = u.profile;
    const size_t slash = u.source.find('/', scheme.size());
    if (slash == std::string::npos || slash + 1 == u.source.size())
        throw_input("the unit's source " + u.source + " is not s3://bucket/key");
    t.bucket = u.source.substr(scheme.size(), slash - scheme.size());
    t.manifest_key = u.source.substr(slash + 1);
    if (u.version.rfind("etag:", 0) != 0)
        throw_input("the unit " + u.source + " has no ETag version (etag:...)");
    t.etag = u.version.substr(5);
    if (u.period == 0) throw_input("the unit " + u.source + " names no billing period");
    t.period = u.period;
    return t;
}

namespace detail {

bool FetchRun::holds_shard(const ProfileRun& pr, const CurSource& src) const {
    const ShardTarget& t = *o_.shard;
    const std::string prefix = trimmed_prefix(src.prefix) + "/";
    return pr.cfg->name == t.profile && src.bucket == t.bucket &&
           t.manifest_key.compare(0, prefix.size(), prefix) == 0;
}

std::vector<aws::CurPeriodPlan> FetchRun::shard_plan(const ProfileRun& pr,
                                                     std::vector<aws::CurPeriodPlan> plans) {
    const ShardTarget& t = *o_.shard;
    const std::string where =
        "profile " + pr.cfg->name + ": s3://" + t.bucket + "/" + t.manifest_key;
    for (aws::CurPeriodPlan& plan : plans) {
        if (plan.manifest_key != t.manifest_key) continue;
        if (without_quotes(plan.manifest_etag) != t.etag) {
            tally_.bad(where + " changed since it was listed (ETag " +
                       without_quotes(plan.manifest_etag) + ", listed " + t.etag +
                       "); run `curcrunch shards` again");
            return {};
        }
        return {std::move(plan)};
    }
    tally_.bad(where + " is not the newest manifest of " + format_period(t.period) +
               " any more; run `curcrunch shards` again");
    return {};
}

UnitListing FetchRun::list() {
    if (o_.profiles.empty())
        for (const auto& p : config_.profiles)
            names_.push_back(p.name);
    else
        names_ = o_.profiles;
    set_up_network();
    UnitListing out;
    try {
        source_ = std::make_unique<CredentialSource>(config_, o_.vault, *vault_.client);
        start_profiles();
        for (auto& pr : runs_) {
            if (pr->dead || pr->cfg->cur.empty() || !can_go_on()) continue;
            pr->workers.push_back(net_->make(aws_ca_));
            pr->s3.push_back(std::make_unique<aws::S3Client>(*pr->workers.back().client,
                                                             *pr->active, pr->creds.region,
                                                             pr->s3_endpoint, bucket_regions_));
            for (const CurSource& src : pr->cfg->cur) {
                try {
                    const auto plans = discover_source(*pr, src);
                    for (const aws::CurPeriodPlan& plan : plans) {
                        ingest::ShardUnit u;
                        u.payer = manifest_account(plan.manifest_text);
                        if (u.payer.empty()) u.payer = pr->cfg->account_id;
                        u.period = plan.period;
                        u.profile = pr->cfg->name;
                        u.source = "s3://" + src.bucket + "/" + plan.manifest_key;
                        u.version = "etag:" + without_quotes(plan.manifest_etag);
                        // Listed anyway: its shard fails visibly, and a later run of the
                        // index may find the delivery complete.
                        if (!plan.error.empty())
                            log::warn(u.source + ": " + plan.error +
                                      " (listed; its shard will fail until AWS completes it)");
                        out.units.push_back(std::move(u));
                    }
                    tally_.good();
                } catch (const Error& e) {
                    tally_.bad("profile " + pr->cfg->name + ": CUR listing of s3://" + src.bucket +
                               "/" + src.prefix + " failed: " + e.what());
                }
            }
        }
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::remote) throw;
        tally_.bad(e.what());
    }
    if (source_)
        if (std::string warning = source_->finish(); !warning.empty()) log::warn(warning);
    out.outcome = tally_.failed == 0 ? FetchOutcome::ok
                  : tally_.ok == 0   ? FetchOutcome::failed
                                     : FetchOutcome::partial;
    out.problems = report_.problems;
    return out;
}

}  // namespace detail

UnitListing list_cur_units(const FetchOptions& options) {
    if (options.from == 0 || options.to == 0 || options.from > options.to)
        throw_usage("shards: the month range is empty (--from after --to)");
    // A FetchRun keeps its bookkeeping in a store; a listing keeps nothing, so it gets one in
    // memory that disappears with it.
    auto scratch = store::Store::open(":memory:");
    detail::FetchRun run(options, *scratch);
    return run.list();
}

}  // namespace curcrunch::fetch
