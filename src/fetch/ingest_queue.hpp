#pragma once
// The ingest side of a fetch run (private to src/fetch): each profile's period is handed over as
// its download completes and ingested one at a time, each in its own transaction (replacing
// the payer units its files hold), on one thread while the next one downloads.
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "curcrunch/fetch/fetch_job.hpp"
#include "curcrunch/store/fetched_files.hpp"

namespace curcrunch::fetch::detail {

struct Tally;

// The digests this run's downloads computed, by the file's lexically normal path, for the
// ingest of the period to reuse (sha256_origin "download").
using DownloadedDigests = std::map<std::string, ingest::RecordedDigest>;

class IngestQueue {
  public:
    IngestQueue(store::Store& store, const FetchOptions& o, const std::string& started,
                Tally& tally);
    ~IngestQueue();  // finish()
    IngestQueue(const IngestQueue&) = delete;
    IngestQueue& operator=(const IngestQueue&) = delete;

    // `files`: what the units are in the fetch cache, recorded with the ingest. `written`:
    // the digests the downloads of this run computed for them.
    void push(Period p, const std::string& profile, std::vector<ingest::InputUnit> units,
              std::vector<store::FetchedFile> files, DownloadedDigests written);
    // Ingests what is queued and joins the thread. Idempotent.
    void finish();
    // The store's connection is opened without SQLite's own mutex (store/database.cpp): while
    // the queue lives, the ingest thread and the thread that pushes hold this around every use
    // of it.
    std::mutex& store_mutex() { return store_m_; }
    // Read after finish().
    int ingested() const { return ingested_; }
    int failed() const { return failed_; }

  private:
    struct Job {
        Period period = 0;
        std::string profile;
        std::vector<ingest::InputUnit> units;
        std::vector<store::FetchedFile> files;
        DownloadedDigests written;
    };
    // The ingest options of `job`: the run's, with the digests known for its files.
    ingest::IngestOptions options_for(const Job& job);
    // The cached files a failed ingest's `message` names (as "<path>:"): their sidecars are
    // removed, so that the next run downloads them again instead of failing on the same bytes
    // (a file damaged on the disk, or in a way its download could not check).
    void forget_named_files(const Job& job, const std::string& message);
    void run();
    void ingest(Job& job);
    // The unit of `r` another profile already replaced in this run, as a problem text ("" when
    // none). Two profiles delivering the same payer would otherwise replace each other's unit
    // in turn, and the store would keep whichever came last.
    std::string delivered_by_another(const ingest::IngestResult& r, const std::string& profile);

    store::Store& store_;
    const FetchOptions& o_;
    const std::string& started_;
    Tally& tally_;
    std::mutex m_, store_m_;
    std::condition_variable cv_;
    std::deque<Job> jobs_;
    bool done_ = false;
    int ingested_ = 0, failed_ = 0;  // written by the ingest thread only
    // (payer, period) -> the profile whose delivery replaced it in this run (ingest thread only).
    std::map<std::pair<std::string, Period>, std::string> delivered_;
    std::thread thread_;  // last: started when everything above is ready
};

}  // namespace curcrunch::fetch::detail
