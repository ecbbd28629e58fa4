// CUR in a fetch run: discovery of each profile's newest manifests, downloads into the cache
// period by period, and the hand-over of complete periods to the ingest thread.
//
// Invariant kept here (see fetch_job.hpp): each profile's period is handed over as soon as that
// profile delivered it completely, and replaces only the payer units its files hold; a profile
// that could not deliver a period is named in the problems and its units are left as they were.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "curcrunch/store/fetched_files.hpp"
#include "fetch_run.hpp"
#include "ingest_queue.hpp"

namespace curcrunch::fetch::detail {
namespace fs = std::filesystem;
namespace {

// A cached CUR file as the store records it: its path relative to the cache root, the ETag
// the download wrote next to it, and its size ("" / -1 when unknown: never equal to a record).
store::FetchedFile identity_of(const std::string& path, const fs::path& cache_root) {
    store::FetchedFile f;
    f.path = fs::path(path).lexically_normal().lexically_relative(cache_root).generic_string();
    std::ifstream etag(path + ".etag");
    std::getline(etag, f.etag);
    std::error_code ec;
    const auto bytes = fs::file_size(path, ec);
    f.bytes = ec ? -1 : static_cast<int64_t>(bytes);
    return f;
}

// Periods in [from, to] that the cached copy of `root` (a CUR source of one profile) holds.
std::set<Period> cached_periods(const fs::path& root, Period from, Period to) {
    std::set<Period> out;
    try {
        if (!fs::is_directory(root)) return out;
        for (const auto& u : ingest::plan_inputs({root.string()}))
            if (u.period >= from && u.period <= to) out.insert(u.period);
    } catch (const std::exception&) {  // an unreadable cache names no period
    }
    return out;
}

}  // namespace

std::vector<aws::CurPeriodPlan> FetchRun::discover_source(ProfileRun& pr, const CurSource& src) {
    auto discover = [&] {
        return pr.with_fresh_credentials(*pr.workers[0].client, [&] {
            return aws::discover_cur(*pr.s3[0], src.bucket, src.prefix, o_.from, o_.to);
        });
    };
    try {
        std::vector<aws::CurPeriodPlan> plans = discover();
        bool damaged = false;
        for (const auto& p : plans)
            damaged = damaged || !p.error.empty();
        if (!damaged || !credentials_replaced()) return plans;
    } catch (const Error&) {
        if (!credentials_replaced()) throw;
    }
    pick_up_new_credentials();
    log::warn("profile " + pr.cfg->name +
              ": the AWS credentials from Vault were replaced during "
              "the CUR listing of s3://" +
              src.bucket + "/" + src.prefix + "; listing again with the new ones");
    return discover();
}

std::set<Period> FetchRun::discover_periods() {
    std::set<Period> periods;
    for (auto& pr : runs_) {
        if (pr->dead || pr->cfg->cur.empty()) continue;
        const int n = std::max(1, o_.concurrency);
        for (int i = 0; i < n; ++i) {
            pr->workers.push_back(net_->make(aws_ca_, true));
            pr->s3.push_back(std::make_unique<aws::S3Client>(*pr->workers.back().client,
                                                             *pr->active, pr->creds.region,
                                                             pr->s3_endpoint, bucket_regions_));
        }
        for (const CurSource& src : pr->cfg->cur) {
            if (o_.shard && !holds_shard(*pr, src)) {
                pr->plans.emplace_back();  // plans stay aligned with the profile's sources
                continue;
            }
            try {
                auto plans = discover_source(*pr, src);
                if (o_.shard) plans = shard_plan(*pr, std::move(plans));
                for (const auto& pl : plans)
                    periods.insert(pl.period);
                pr->plans.push_back(std::move(plans));
            } catch (const Error& e) {
                pr->cur_failed = true;
                pr->plans.emplace_back();
                tally_.bad("profile " + pr->cfg->name + ": CUR listing of s3://" + src.bucket +
                           "/" + src.prefix + " failed: " + e.what());
            }
        }
    }
    // A selected profile that cannot deliver (no credentials, a failed listing) still owes the
    // periods it delivered before — in the store, or in its cache — so they are reported as
    // failed rather than passed over.
    for (auto& pr : runs_) {
        if (pr->cfg->cur.empty() || !(pr->dead || pr->cur_failed)) continue;
        for (const auto& u : store_.periods())
            if (u.period >= o_.from && u.period <= o_.to) periods.insert(u.period);
        for (const CurSource& src : pr->cfg->cur)
            for (Period q : cached_periods(
                     fs::absolute(o_.cache_dir) / pr->cfg->name / src.bucket / src.prefix, o_.from,
                     o_.to))
                periods.insert(q);
    }
    return periods;
}

aws::SyncedPeriod FetchRun::download_plan(ProfileRun& pr, const CurSource& src,
                                          const aws::CurPeriodPlan& plan) {
    std::vector<aws::S3Client*> clients;
    for (auto& c : pr.s3)
        clients.push_back(c.get());
    aws::SyncedPeriod sp = aws::download_period(clients, src.bucket, plan, pr.cache_root(o_, src));
    if (sp.ok) return sp;
    // Files already downloaded stay in the cache, so a second pass fetches only the rest.
    const std::string who = "period " + format_period(plan.period) + ", profile " + pr.cfg->name;
    bool expired = false;
    for (auto& w : pr.workers)
        expired = expired || is_expired_code(w.client->last_error_code());
    if (expired && pr.role) {
        try {
            pr.role->refresh();
        } catch (const Error& e) {
            sp.error += "; the role could not be assumed again: " + std::string(e.what());
            return sp;
        }
        log::warn(who +
                  ": the session expired during the download; assumed the role again, "
                  "downloading the rest");
    } else if (credentials_replaced()) {
        // Replaced during the download, or after the last checkpoint and before it started:
        // either way Vault revoked the ones the download used with the token they came with.
        pick_up_new_credentials();
        log::warn(who +
                  ": the AWS credentials from Vault were replaced before or during the "
                  "download; downloading the rest with the new ones");
    } else {
        return sp;
    }
    aws::SyncedPeriod rest =
        aws::download_period(clients, src.bucket, plan, pr.cache_root(o_, src));
    // The second pass finds the first one's files unchanged: what their downloads computed stays.
    rest.written.merge(sp.written);
    return rest;
}

bool FetchRun::download_period(ProfileRun& pr, Period p, std::vector<ingest::InputUnit>& units,
                               bool& changed, DownloadedDigests& written) {
    const std::string who = "period " + format_period(p) + ", profile " + pr.cfg->name;
    if (!pr.dead && !pr.cur_failed && pr.role) {
        try {
            pr.role->get();  // assumed again here when close to expiry
        } catch (const Error& e) {
            pr.dead = true;
            tally_.bad("profile " + pr.cfg->name + ": the role could not be assumed again: " +
                       e.what() + "; nothing more is fetched for this profile");
        }
    }
    if (pr.dead || pr.cur_failed) {
        tally_.bad(who + ": not fetched (" +
                   (pr.dead ? "the profile has no usable credentials" : "its CUR listing failed") +
                   "); period left as it was");
        return false;
    }
    bool complete = true;
    for (size_t i = 0; i < pr.cfg->cur.size(); ++i) {
        const CurSource& src = pr.cfg->cur[i];
        for (const aws::CurPeriodPlan& plan : pr.plans[i]) {
            if (plan.period != p) continue;
            aws::SyncedPeriod sp = download_plan(pr, src, plan);
            if (!sp.ok) {
                complete = false;
                tally_.bad(who + ": download failed, period left as it was: " + sp.error);
                continue;
            }
            if (sp.downloaded > 0 || sp.manifest_changed) changed = true;
            for (auto& [path, file] : sp.written) {
                ingest::RecordedDigest d;
                d.identity = file.identity;
                d.sha256 = std::move(file.sha256);
                d.origin = "download";
                written[fs::path(path).lexically_normal().string()] = std::move(d);
            }
            try {
                for (auto& u : ingest::read_manifest(sp.local_manifest))
                    units.push_back(std::move(u));
            } catch (const Error& e) {
                complete = false;
                tally_.bad(who +
                           ": the downloaded manifest cannot be read, period left as "
                           "it was: " +
                           e.what());
            }
        }
    }
    return complete;
}

bool FetchRun::period_unchanged(const ProfileRun& pr, Period p,
                                const std::vector<ingest::InputUnit>& units,
                                const std::vector<store::FetchedFile>& files) {
    // The profile's files are under <profile>/ in the cache; the other profiles' files behind
    // the same period's units are theirs to compare.
    const fs::path root = fs::absolute(o_.cache_dir).lexically_normal();
    const store::PeriodSources stored = store::period_sources(store_.db(), p, pr.cfg->name + "/",
                                                              (root / pr.cfg->name).string() + "/");
    if (stored.ingest_id == 0) return false;
    if (!stored.fetched.empty())
        return stored.fetched == std::set<store::FetchedFile>(files.begin(), files.end());
    // Ingested before the store kept fetched_file (schema 4): the same files at the same
    // absolute paths are the same period; record them so later runs can compare anywhere.
    std::set<std::string> paths;
    for (const auto& u : units)
        paths.insert(u.path);
    if (paths != stored.ingested_paths) return false;
    try {
        store::record_fetched_files(store_.db(), stored.ingest_id, files);
    } catch (const std::exception& e) {
        log::warn("period " + format_period(p) + ", profile " + pr.cfg->name +
                  ": which cached files it came from was not "
                  "recorded: " +
                  e.what());
    }
    return true;
}

void FetchRun::fetch_cur() {
    const std::set<Period> periods = discover_periods();
    const fs::path root = fs::absolute(o_.cache_dir).lexically_normal();
    IngestQueue queue(store_, o_, started_, tally_);
    for (auto it = periods.begin(); it != periods.end(); ++it) {
        const Period p = *it;
        if (!can_go_on()) {
            for (; it != periods.end(); ++it)
                for (auto& pr : runs_)
                    if (!pr->cfg->cur.empty()) {
                        ++report_.periods_failed;
                        tally_.bad("period " + format_period(*it) + ", profile " + pr->cfg->name +
                                   ": not fetched (the run stopped); period left as it was");
                    }
            break;
        }
        // Each profile's delivery goes to the ingest as soon as it is complete.
        for (auto& pr : runs_) {
            if (pr->cfg->cur.empty()) continue;
            std::vector<ingest::InputUnit> units;
            bool changed = false;
            DownloadedDigests written;
            if (!download_period(*pr, p, units, changed, written)) {
                ++report_.periods_failed;
                continue;
            }
            if (units.empty()) continue;
            std::vector<store::FetchedFile> files;
            for (const auto& u : units)
                files.push_back(identity_of(u.path, root));
            bool unchanged = false;
            if (!changed) {
                std::lock_guard<std::mutex> l(queue.store_mutex());
                unchanged = period_unchanged(*pr, p, units, files);
            }
            if (unchanged) {
                ++report_.periods_unchanged;
                tally_.good();
                log::info("period " + format_period(p) + ", profile " + pr->cfg->name +
                          ": unchanged since the last ingest");
                continue;
            }
            queue.push(p, pr->cfg->name, std::move(units), std::move(files), std::move(written));
        }
    }
    queue.finish();
    report_.periods_ingested = queue.ingested();
    report_.periods_failed += queue.failed();
}

}  // namespace curcrunch::fetch::detail
