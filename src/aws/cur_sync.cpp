#include "curcrunch/aws/cur_sync.hpp"

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"

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

std::string strip_s3_uri(const std::string& uri, const std::string& bucket) {
    const std::string prefix = "s3://" + bucket + "/";
    return uri.rfind(prefix, 0) == 0 ? uri.substr(prefix.size()) : uri;
}

}  // namespace

std::vector<SyncedPeriod> sync_cur(S3Client& s3, const std::string& bucket,
                                   const std::string& root_in, const std::string& cache_dir,
                                   Period from, Period to) {
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
    for (const S3Object& o : objects) {
        bool top = false;
        Period p = manifest_period(root, o.key, top);
        if (p == 0 || p < from || p > to) continue;
        auto it = chosen.find(p);
        if (it == chosen.end() || (top && !chosen_top[p]) ||
            (top == chosen_top[p] && o.last_modified > it->second->last_modified)) {
            chosen[p] = &o;
            chosen_top[p] = top;
        }
    }

    std::vector<SyncedPeriod> out;
    for (const auto& [period, manifest] : chosen) {
        SyncedPeriod sp;
        sp.period = period;
        sp.manifest_key = manifest->key;
        try {
            // Manifests are small and overwritten in place: always fetched fresh.
            const std::string text = s3.get(bucket, manifest->key);
            simdjson::dom::parser parser;
            simdjson::dom::element m;
            if (parser.parse(text).get(m)) throw Error(ErrorKind::remote, "manifest is not JSON");
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
            for (const std::string& key : keys) {
                auto it = by_key.find(key);
                if (it == by_key.end())
                    throw Error(ErrorKind::remote,
                                "listed file s3://" + bucket + "/" + key + " is missing");
                ++sp.files;
                if (s3.download(bucket, *it->second, (fs::path(cache_dir) / key).string()) ==
                    DownloadOutcome::unchanged)
                    ++sp.unchanged;
                else
                    ++sp.downloaded;
            }
            // The manifest is written last: a cache with a manifest has all of its files.
            sp.local_manifest = (fs::path(cache_dir) / manifest->key).string();
            fs::create_directories(fs::path(sp.local_manifest).parent_path());
            std::ofstream(sp.local_manifest, std::ios::binary) << text;
            sp.ok = true;
        } catch (const Error& e) {
            sp.error = e.what();
            log::warn("period " + format_period(period) +
                      " not synced (it will not be ingested): " + sp.error);
        }
        out.push_back(std::move(sp));
    }
    return out;
}

}  // namespace curcrunch::aws
