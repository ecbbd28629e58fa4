#include "ingest_queue.hpp"

#include <filesystem>
#include <set>

#include "curcrunch/aws/cached_object.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/ingest/thread_budget.hpp"
#include "curcrunch/store/recorded_digests.hpp"
#include "fetch_run.hpp"

namespace curcrunch::fetch::detail {

IngestQueue::IngestQueue(store::Store& store, const FetchOptions& o, const std::string& started,
                         Tally& tally)
    : store_(store), o_(o), started_(started), tally_(tally) {
    thread_ = std::thread([this] { run(); });
}

IngestQueue::~IngestQueue() {
    finish();
}

void IngestQueue::push(Period p, const std::string& profile, std::vector<ingest::InputUnit> units,
                       std::vector<store::FetchedFile> files, DownloadedDigests written) {
    std::lock_guard<std::mutex> l(m_);
    jobs_.push_back({p, profile, std::move(units), std::move(files), std::move(written)});
    cv_.notify_one();
}

void IngestQueue::finish() {
    {
        std::lock_guard<std::mutex> l(m_);
        done_ = true;
        cv_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
}

void IngestQueue::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> l(m_);
            cv_.wait(l, [&] { return done_ || !jobs_.empty(); });
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        ingest(job);
    }
}

void IngestQueue::ingest(Job& job) {
    const std::string name = format_period(job.period) + ", profile " + job.profile;
    int64_t id = 0;
    // `fetch --threads` holds over each period's whole ingest, as `ingest --threads` does over
    // the command: run_ingest holds it only while it parses, and the store write's helpers (the
    // sorts beside the inserts, the page syncs) ask thread_budget() after it returned.
    const ingest::ThreadLimit limit(o_.ingest.threads);
    try {
        ingest::IngestResult r = ingest::run_ingest(job.units, options_for(job));
        if (r.rows == 0 && r.skipped == 0) {
            tally_.bad("period " + name + ": the CUR files hold no rows; not replaced");
            ++failed_;
            return;
        }
        if (std::string clash = delivered_by_another(r, job.profile); !clash.empty()) {
            tally_.bad("period " + name + ": not replaced: " + clash);
            ++failed_;
            return;
        }
        std::lock_guard<std::mutex> l(store_m_);
        id = store_.replace_periods(r, started_, o_.ingest.skip_bad_rows);
        for (const auto& s : r.sources)
            for (const auto& u : s.units)
                delivered_.emplace(std::pair(u.payer, u.period), job.profile);
        log::info("period " + name + ": " + std::to_string(r.rows) + " rows ingested (ingest " +
                  std::to_string(id) + ")");
        tally_.good();
        ++ingested_;
    } catch (const Error& e) {
        ++failed_;
        if (e.kind() == ErrorKind::interrupted) {
            tally_.bad("period " + name + ": not replaced: the run was interrupted");
            return;
        }
        tally_.bad("period " + name + ": not replaced: " + e.what());
        if (e.kind() == ErrorKind::input) forget_named_files(job, e.what());
        return;
    } catch (const std::exception& e) {
        tally_.bad("period " + name + ": not replaced: " + e.what());
        ++failed_;
        return;
    }
    // Separate from the period's transaction, which the store owns. Losing these rows costs
    // only a re-ingest of the same files by the next run.
    try {
        std::lock_guard<std::mutex> l(store_m_);
        store::record_fetched_files(store_.db(), id, job.files);
    } catch (const std::exception& e) {
        log::warn("period " + name +
                  ": ingested, but which cached files it came from was not "
                  "recorded (the next run ingests it again): " +
                  e.what());
    }
}

void IngestQueue::forget_named_files(const Job& job, const std::string& message) {
    std::set<std::string> done;
    for (const auto& u : job.units) {
        if (!done.insert(u.path).second || message.find(u.path + ":") == std::string::npos)
            continue;
        aws::forget_cached_object(u.path);
        log::warn("period " + format_period(job.period) + ", profile " + job.profile + ": " +
                  u.path + " is downloaded again by the next run (its ingest failed)");
    }
}

ingest::IngestOptions IngestQueue::options_for(const Job& job) {
    ingest::IngestOptions o = o_.ingest;
    std::vector<std::string> paths;
    for (const auto& u : job.units)
        paths.push_back(u.path);
    // A file this run did not download (unchanged in the cache) may have been ingested before
    // with the identity it still has; one it downloaded has the digest its download computed.
    {
        std::lock_guard<std::mutex> l(store_m_);
        o.recorded = store::recorded_digests(store_.db(), paths);
    }
    for (const auto& u : job.units) {
        auto it = job.written.find(std::filesystem::path(u.path).lexically_normal().string());
        if (it != job.written.end()) o.recorded[u.path] = it->second;
    }
    return o;
}

std::string IngestQueue::delivered_by_another(const ingest::IngestResult& r,
                                              const std::string& profile) {
    for (const auto& s : r.sources)
        for (const auto& u : s.units) {
            auto it = delivered_.find(std::pair(u.payer, u.period));
            if (it != delivered_.end() && it->second != profile)
                return "payer " + u.payer + "'s " + format_period(u.period) +
                       " was already delivered by profile " + it->second +
                       " in this run; two profiles deliver the same payer (give each payer one "
                       "profile in the fetch configuration)";
        }
    return "";
}

}  // namespace curcrunch::fetch::detail
