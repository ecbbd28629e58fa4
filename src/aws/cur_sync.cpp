#include "curcrunch/aws/cur_sync.hpp"

#include <simdjson.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>

#include "curcrunch/core/durable_file.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/object_key.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::aws {
namespace fs = std::filesystem;
namespace {

bool ends_with(const std::string& s, const std::string& t) {
    return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

// The billing period a manifest key names, and whether it is the per-period (newest) copy.
// 0 when the key is not a manifest of either layout directly under `root`.
Period manifest_period(const std::string& root, const std::string& key, bool& top_level) {
    if (!ends_with(key, "-Manifest.json") || key.compare(0, root.size() + 1, root + "/") != 0)
        return 0;
    std::vector<std::string> parts;
    for (size_t i = root.size() + 1, j; i <= key.size(); i = j + 1) {
        j = key.find('/', i);
        if (j == std::string::npos) j = key.size();
        parts.push_back(key.substr(i, j - i));
    }
    // legacy: <range>/<name>-Manifest.json (top level) or <range>/<assembly>/<name>-Manifest.json
    if ((parts.size() == 2 || parts.size() == 3) && parts[0].size() == 17 && parts[0][8] == '-') {
        top_level = parts.size() == 2;
        auto p = parse_period(parts[0].substr(0, 6));
        return p ? *p : 0;
    }
    // CUR 2.0: metadata/BILLING_PERIOD=YYYY-MM/<name>-Manifest.json
    if (parts.size() == 3 && parts[0] == "metadata" && parts[1].rfind("BILLING_PERIOD=", 0) == 0) {
        top_level = true;
        auto p = parse_period(parts[1].substr(15));
        return p ? *p : 0;
    }
    return 0;
}

// A CUR source whose listing holds no manifest of either layout: a wrong prefix (the report
// name left out, a leading '/', a CUR 2.0 export one folder deeper) or an export AWS never
// delivered. A nightly run must not call that success: it would stop collecting in silence.
[[noreturn]] void throw_no_manifest(const std::string& bucket, const std::string& root,
                                    const std::vector<S3Object>& objects) {
    std::string what = "no CUR manifest under s3://" + bucket + "/" + root + "/ (" +
                       std::to_string(objects.size()) + " key(s) listed";
    for (const S3Object& o : objects)
        if (ends_with(o.key, "-Manifest.json")) {
            what += "; a manifest not where a report's are: '" + shown_text(o.key, 200) + "'";
            break;
        }
    if (objects.empty()) what += ": the prefix or the bucket holds nothing";
    throw Error(ErrorKind::input,
                what +
                    "); the prefix must name the report's folder, <prefix>/<report name>, "
                    "whose <yyyymmdd-yyyymmdd>/ or metadata/ folders hold its manifests");
}

std::string strip_s3_uri(const std::string& uri, const std::string& bucket) {
    const std::string prefix = "s3://" + bucket + "/";
    return uri.rfind(prefix, 0) == 0 ? uri.substr(prefix.size()) : uri;
}

// Every key of a period becomes a path in the cache (download_period): one that could lead out
// of it is refused here, before a file of the period is created, as ingest refuses it.
void require_plain_key(const std::string& bucket, const std::string& manifest_key,
                       const std::string& key) {
    if (plain_object_key(key)) return;
    const std::string what =
        key == manifest_key ? "is named" : "lists '" + shown_text(key, 255) + "'";
    throw Error(ErrorKind::remote,
                "manifest s3://" + bucket + "/" + shown_text(manifest_key, 255) + " " + what +
                    ", which is not a plain object key (absolute, or with an empty, '.' or '..' "
                    "part, a backslash or a control character): refused, nothing of the period "
                    "is downloaded");
}

}  // namespace

std::vector<CurPeriodPlan> discover_cur(S3Client& s3, const std::string& bucket,
                                        const std::string& root_in, Period from, Period to) {
    std::string root = root_in;
    while (!root.empty() && root.back() == '/')
        root.pop_back();
    const std::vector<S3Object> objects = s3.list(bucket, root + "/");
    std::map<std::string, const S3Object*> by_key;
    for (const S3Object& o : objects)
        by_key[o.key] = &o;

    // Newest manifest per period: the per-period copy when present, else the latest assembly's.
    std::map<Period, const S3Object*> chosen;
    std::map<Period, bool> chosen_top;
    bool any_manifest = false;
    for (const S3Object& o : objects) {
        bool top = false;
        Period p = manifest_period(root, o.key, top);
        any_manifest = any_manifest || p != 0;
        if (p == 0 || p < from || p > to) continue;
        auto it = chosen.find(p);
        if (it == chosen.end() || (top && !chosen_top[p]) ||
            (top == chosen_top[p] && o.last_modified > it->second->last_modified)) {
            chosen[p] = &o;
            chosen_top[p] = top;
        }
    }

    if (!any_manifest) throw_no_manifest(bucket, root, objects);
    if (chosen.empty())
        log::warn("s3://" + bucket + "/" + root + "/: no CUR delivery for " + format_period(from) +
                  ".." + format_period(to) + " (its manifests are all of other months)");

    std::vector<CurPeriodPlan> out;
    for (const auto& [period, manifest] : chosen) {
        CurPeriodPlan plan;
        plan.period = period;
        plan.manifest_key = manifest->key;
        plan.manifest_etag = manifest->etag;
        try {
            require_plain_key(bucket, manifest->key, manifest->key);
            // Manifests are small and overwritten in place: always fetched fresh.
            plan.manifest_text = s3.get(bucket, manifest->key);
            simdjson::dom::parser parser;
            simdjson::dom::element m;
            if (parser.parse(plan.manifest_text).get(m))
                throw Error(ErrorKind::remote, "manifest is not JSON");
            std::vector<std::string> keys;
            simdjson::dom::array arr;
            std::string_view sv;
            if (!m["reportKeys"].get_array().get(arr)) {
                for (auto k : arr)
                    if (!k.get_string().get(sv)) keys.emplace_back(sv);
            } else if (!m["dataFiles"].get_array().get(arr)) {
                for (auto k : arr)
                    if (!k.get_string().get(sv))
                        keys.push_back(strip_s3_uri(std::string(sv), bucket));
            }
            if (keys.empty()) throw Error(ErrorKind::remote, "manifest lists no data files");
            for (const std::string& key : keys)
                require_plain_key(bucket, manifest->key, key);
            for (const std::string& key : keys) {
                auto it = by_key.find(key);
                if (it == by_key.end())
                    throw Error(ErrorKind::remote,
                                "listed file s3://" + bucket + "/" + key + " is missing");
                plan.files.push_back(*it->second);
            }
        } catch (const Error& e) {
            plan.error = e.what();
        }
        out.push_back(std::move(plan));
    }
    return out;
}

SyncedPeriod download_period(const std::vector<S3Client*>& clients, const std::string& bucket,
                             const CurPeriodPlan& plan, const std::string& cache_dir) {
    SyncedPeriod sp;
    sp.period = plan.period;
    sp.manifest_key = plan.manifest_key;
    sp.files = static_cast<int>(plan.files.size());
    sp.error = plan.error;
    if (sp.error.empty()) {
        std::atomic<size_t> next{0};
        std::atomic<int> unchanged{0}, downloaded{0};
        std::mutex m;
        std::string first_error;
        auto work = [&](S3Client* s3) {
            for (size_t i; (i = next++) < plan.files.size();) {
                {
                    std::lock_guard<std::mutex> l(m);
                    if (!first_error.empty()) return;  // the period fails anyway
                }
                const S3Object& o = plan.files[i];
                try {
                    const std::string path = (fs::path(cache_dir) / o.key).string();
                    DownloadedFile file;
                    if (s3->download(bucket, o, path, &file) == DownloadOutcome::unchanged) {
                        ++unchanged;
                    } else {
                        ++downloaded;
                        std::lock_guard<std::mutex> l(m);
                        sp.written.emplace(path, std::move(file));
                    }
                } catch (const std::exception& e) {
                    std::lock_guard<std::mutex> l(m);
                    if (first_error.empty()) first_error = e.what();
                }
            }
        };
        const size_t n = std::min(clients.size(), plan.files.size());
        std::vector<std::thread> threads;
        for (size_t t = 1; t < n; ++t)
            threads.emplace_back(work, clients[t]);
        if (n > 0) work(clients[0]);
        for (auto& t : threads)
            t.join();
        sp.unchanged = unchanged;
        sp.downloaded = downloaded;
        sp.error = first_error;
    }
    if (sp.error.empty()) {
        try {
            sp.local_manifest = (fs::path(cache_dir) / plan.manifest_key).string();
            fs::create_directories(fs::path(sp.local_manifest).parent_path());
            {
                std::ifstream old(sp.local_manifest, std::ios::binary);
                std::string before((std::istreambuf_iterator<char>(old)),
                                   std::istreambuf_iterator<char>());
                sp.manifest_changed = !old || before != plan.manifest_text;
            }
            // Replaced whole or not at all, and only when it changed: the period's ingest reads
            // the files it names, and a copy cut short by a crash would name fewer of them
            // (core/durable_file.hpp).
            if (sp.manifest_changed) {
                const std::string part = sp.local_manifest + ".part";
                {
                    std::ofstream f(part, std::ios::binary | std::ios::trunc);
                    f << plan.manifest_text;
                    if (!f.flush()) throw Error(ErrorKind::internal, "cannot write " + part);
                }
                sync_file(part);
                rename_durably(part, sp.local_manifest);
            }
            sp.ok = true;
        } catch (const std::exception& e) {
            sp.error = e.what();
        }
    }
    // What an incomplete period means (a retry, a failed period) is the caller's to say.
    return sp;
}

std::vector<SyncedPeriod> sync_cur(S3Client& s3, const std::string& bucket, const std::string& root,
                                   const std::string& cache_dir, Period from, Period to) {
    std::vector<SyncedPeriod> out;
    for (const CurPeriodPlan& plan : discover_cur(s3, bucket, root, from, to))
        out.push_back(download_period({&s3}, bucket, plan, cache_dir));
    return out;
}

}  // namespace curcrunch::aws
