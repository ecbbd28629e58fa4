#include "curcrunch/ingest/input_plan.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/file_identity.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/core/object_key.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::ingest {
namespace fs = std::filesystem;
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_manifest_name(const std::string& name) {
    return ends_with(name, "-Manifest.json");
}

// Files in a walked directory that may hold billing rows. Content decides the format later
// (CSV, gzip, zip or Parquet); this only keeps out what is certainly not data: metadata, the
// Athena integration's SQL and crawler template, AWS's write-test object, hidden files, and
// usage-meter files in JSON lines (`meters ingest` reads those).
bool looks_like_data_name(const std::string& name) {
    if (name.empty() || name[0] == '.') return false;
    for (const char* skip :
         {".json", ".jsonl", ".ndjson", ".sql", ".yml", ".yaml", ".md", ".txt.sha256"})
        if (ends_with(name, skip)) return false;
    if (name == "cost_and_usage_data_status" || name == "aws-programmatic-access-test-object")
        return false;
    return true;
}

// The Athena integration's status table (cost_and_usage_data_status/*.parquet says whether
// the report is being updated) sits beside the data and is not billing rows.
bool under_status_folder(const fs::path& p) {
    for (const fs::path& part : p)
        if (part == "cost_and_usage_data_status") return true;
    return false;
}

// The billing period a data file's partition path names: CUR 2.0
// .../BILLING_PERIOD=YYYY-MM/..., legacy Athena .../year=YYYY/month=M/...; 0 when none.
Period period_from_partition_path(const fs::path& file) {
    for (fs::path dir = file.parent_path(); !dir.empty() && dir != dir.parent_path();
         dir = dir.parent_path()) {
        const std::string name = dir.filename().string();
        const std::string tag = "BILLING_PERIOD=";
        if (name.rfind(tag, 0) == 0) {
            auto p = parse_period(name.substr(tag.size()));
            if (p) return *p;
        }
        if (name.rfind("month=", 0) == 0) {
            const std::string year = dir.parent_path().filename().string();
            const std::string m = name.substr(6);
            if (year.rfind("year=", 0) != 0 || year.size() != 9 || m.empty() || m.size() > 2 ||
                m.find_first_not_of("0123456789") != std::string::npos ||
                year.find_first_not_of("0123456789", 5) != std::string::npos)
                continue;
            const int month = std::stoi(m);
            if (month >= 1 && month <= 12) return std::stoi(year.substr(5)) * 100 + month;
        }
    }
    return 0;
}

// "20180501-20180601" -> 201805
Period period_from_range_dir(const std::string& name) {
    if (name.size() != 17 || name[8] != '-') return 0;
    auto p = parse_period(name.substr(0, 6));
    return p ? *p : 0;
}

Period period_from_partition(const std::string& name) {
    const std::string tag = "BILLING_PERIOD=";
    if (name.rfind(tag, 0) != 0) return 0;
    auto p = parse_period(name.substr(tag.size()));
    return p ? *p : 0;
}

// Whether a folder's name is an AWS delivery's: a legacy assembly id (a UUID) or a CUR 2.0 run
// (<timestamp>-<execution id>, the id a UUID). Other folders below a period folder are the
// user's own layout (a folder per payer, say), not deliveries.
bool is_delivery_folder_name(const std::string& name) {
    if (name.size() < 36) return false;
    const std::string_view id = std::string_view(name).substr(name.size() - 36);
    for (size_t i = 0; i < id.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? id[i] != '-' : !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return name.size() == 36 || name[name.size() - 37] == '-';
}

// A loose data file's delivery, below the folder the user named (`root`): the period folder it
// lies under (BILLING_PERIOD=YYYY-MM, or a legacy <yyyymmdd-yyyymmdd> range) and the delivery
// folder right below it that holds the file (is_delivery_folder_name); "" for the second when
// the file lies in the period folder itself. {"", ""} when no period folder is on its path, or
// the folder below it is not a delivery's.
std::pair<std::string, std::string> delivery_of(const fs::path& file, const fs::path& root) {
    std::string below;
    for (fs::path dir = file.parent_path();
         !dir.empty() && dir != dir.parent_path() && dir != root.parent_path();
         dir = dir.parent_path()) {
        const std::string name = dir.filename().string();
        if (period_from_partition(name) != 0 || period_from_range_dir(name) != 0) {
            if (!below.empty() && !is_delivery_folder_name(below)) return {};
            return {dir.string(), below};
        }
        below = name;
    }
    return {};
}

// Each delivery of a billing period is the whole period again (a cumulative snapshot), so the
// loose files of two deliveries of one period must never be summed: that doubled the month
// (exit 0). A manifest names the one to read; without it the choice is the user's.
void refuse_two_deliveries(const std::vector<fs::path>& loose, const fs::path& root) {
    std::map<std::string, std::set<std::string>> runs;  // period folder -> delivery folders
    for (const fs::path& f : loose) {
        const auto [period_dir, run] = delivery_of(f, root);
        if (!period_dir.empty()) runs[period_dir].insert(run);
    }
    for (const auto& [period_dir, names] : runs) {
        if (names.size() < 2) continue;
        std::string list;
        for (const std::string& n : names)
            list += (list.empty() ? "" : ", ") +
                    (n.empty() ? std::string("(the folder itself)") : shown_text(n, 80));
        throw_input(shown_text(period_dir) + ": " + std::to_string(names.size()) +
                    " deliveries of one billing period without a manifest (" + list +
                    "); each holds the whole period, so reading them all would count it " +
                    std::to_string(names.size()) +
                    " times: ingest the export with its manifest, or one delivery's folder");
    }
}

std::string key_tail_after(const std::string& key, const std::string& component) {
    const std::string needle = "/" + component + "/";
    size_t at = ("/" + key).find(needle);
    if (at == std::string::npos) return {};
    return key.substr(at + needle.size() - 1);
}

std::string strip_s3_uri(const std::string& uri) {
    if (uri.rfind("s3://", 0) != 0) return uri;
    size_t slash = uri.find('/', 5);
    return slash == std::string::npos ? std::string() : uri.substr(slash + 1);
}

// Whether `p` lies under `root`, comparing normalized paths part by part.
bool lies_under(const fs::path& p, const fs::path& root) {
    const fs::path a = p.lexically_normal(), r = root.lexically_normal();
    auto ai = a.begin();
    for (auto ri = r.begin(); ri != r.end(); ++ri, ++ai) {
        if (ri->empty() && std::next(ri) == r.end()) break;  // trailing separator of root
        if (ai == a.end() || *ai != *ri) return false;
    }
    return ai != a.end();
}

struct ManifestFile {
    fs::path path;
    fs::path report_root;  // files under here belong to this report
    Period period = 0;
    bool top_level = false;  // legacy: the per-period copy AWS overwrites with the newest
    fs::file_time_type mtime;
};

// Classifies a manifest by where it sits in the S3 layout.
ManifestFile classify(const fs::path& p) {
    ManifestFile m;
    m.path = p;
    m.mtime = fs::last_write_time(p);
    fs::path dir = p.parent_path();
    std::string d1 = dir.filename().string();
    if (Period per = period_from_partition(d1); per && dir.parent_path().filename() == "metadata") {
        m.period = per;
        m.report_root = dir.parent_path().parent_path();
        m.top_level = true;
    } else if (Period per2 = period_from_range_dir(d1)) {
        m.period = per2;
        m.report_root = dir.parent_path();
        m.top_level = true;
    } else if (Period per3 = period_from_range_dir(dir.parent_path().filename().string())) {
        m.period = per3;  // <period>/<assemblyId>/<report>-Manifest.json
        m.report_root = dir.parent_path().parent_path();
    } else {
        m.report_root = dir;
    }
    return m;
}

}  // namespace

std::vector<InputUnit> read_manifest(const std::string& manifest_path) {
    simdjson::padded_string json;
    if (simdjson::padded_string::load(manifest_path).get(json))
        throw_input(manifest_path + ": cannot read manifest");
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(json).get(root) || !root.is_object())
        throw_input(manifest_path + ": manifest is not a JSON object");
    ManifestFile mf = classify(fs::path(manifest_path));
    std::vector<InputUnit> units;
    std::string assembly;
    std::string_view sv;
    if (!root["assemblyId"].get_string().get(sv))
        assembly = std::string(sv);
    else if (!root["executionId"].get_string().get(sv))
        assembly = std::string(sv);

    // The account that owns the report: the payer for a management account's report, a member
    // account for its own. Rows name their payer; this only fills in for rows that do not.
    std::string account;
    if (!root["account"].get_string().get(sv)) account = std::string(sv);

    Period period = mf.period;
    std::string_view start;
    if (!root["billingPeriod"]["start"].get_string().get(start)) {
        Day d;
        if (!parse_utc_day(start, d))
            throw_input(manifest_path + ": billingPeriod.start is not a date: '" +
                        shown_text(start) + "'");
        period = period_of(d);
    }
    if (period != 0 && (period < 200001 || period > 209912))
        throw_input(manifest_path + ": billing period " + format_period(period) +
                    " is outside 2000-01..2099-12");
    if (period == 0)
        throw_input(manifest_path +
                    ": cannot tell the billing period (no billingPeriod.start, "
                    "and not under <yyyymmdd-yyyymmdd>/ or BILLING_PERIOD=YYYY-MM/)");

    std::vector<std::string> keys;
    simdjson::dom::array arr;
    if (!root["reportKeys"].get_array().get(arr)) {
        for (auto k : arr)
            if (!k.get_string().get(sv)) keys.emplace_back(sv);
    } else if (!root["dataFiles"].get_array().get(arr)) {
        for (auto k : arr) {
            if (!k.get_string().get(sv))
                keys.emplace_back(sv);
            else if (!k["key"].get_string().get(sv))
                keys.emplace_back(sv);
        }
    } else {
        throw_input(manifest_path + ": manifest has neither reportKeys nor dataFiles");
    }
    const fs::path dir = fs::path(manifest_path).parent_path();
    for (const std::string& raw : keys) {
        std::string key = strip_s3_uri(raw);
        if (!plain_object_key(key))
            throw_input(manifest_path + ": lists '" + shown_text(raw) +
                        "', which is not a plain object key under the report (absolute, or "
                        "with an empty, '.' or '..' part): refused");
        // Map the S3 key onto the local copy of the layout.
        fs::path local;
        std::string tail;
        if (mf.period && !(tail = key_tail_after(key, "data")).empty() &&
            key.find("BILLING_PERIOD=") != std::string::npos) {
            local = mf.report_root / "data" / tail;
        } else {
            fs::path range_dir = mf.top_level ? dir : dir.parent_path();
            tail = key_tail_after(key, range_dir.filename().string());
            local = tail.empty() ? dir / fs::path(key).filename() : range_dir / tail;
        }
        if (!fs::exists(local)) {
            // Parquet reports (Athena integration) keep their data under
            // <report>/<report>/year=.../month=.../, outside the period folder.
            const std::string t = key_tail_after(key, mf.report_root.filename().string());
            if (!t.empty() && fs::exists(mf.report_root / t)) local = mf.report_root / t;
        }
        if (!lies_under(local, mf.report_root))
            throw_input(manifest_path + ": lists '" + shown_text(raw) +
                        "', which resolves outside the report folder " +
                        shown_text(mf.report_root.string(), 255) + ": refused");
        if (!fs::exists(local))
            throw_input(manifest_path + ": lists '" + shown_text(key) +
                        "', which is not on disk (looked for " + shown_text(local.string(), 255) +
                        ")");
        units.push_back(InputUnit{local.string(), period, manifest_path, assembly, account});
    }
    if (units.empty()) throw_input(manifest_path + ": manifest lists no data files");
    return units;
}

namespace {

// The same file reached twice in one command (`ingest dir dir/jan.csv`, `a.csv ./a.csv`, a
// symlink, a manifest listing one key twice) would be summed twice: it is read once, with a
// warning. Reached as two different units (another period, manifest or delivery), it is refused:
// which one is meant cannot be told. Files are the same by device and inode, not by name.
void drop_repeated_files(std::vector<InputUnit>& units) {
    std::map<std::pair<uint64_t, uint64_t>, size_t> first;  // (device, inode) -> index in kept
    std::vector<InputUnit> kept;
    kept.reserve(units.size());
    for (InputUnit& u : units) {
        const FileIdentity id = file_identity(u.path);
        if (!id.known()) {
            kept.push_back(std::move(u));
            continue;
        }
        auto [it, fresh] = first.emplace(std::make_pair(id.dev, id.ino), kept.size());
        if (fresh) {
            kept.push_back(std::move(u));
            continue;
        }
        const InputUnit& k = kept[it->second];
        const std::string both = shown_text(k.path, 255) + " and " + shown_text(u.path, 255);
        if (k.period != u.period || k.manifest != u.manifest || k.assembly_id != u.assembly_id ||
            k.account != u.account)
            throw_input(both +
                        " are the same file, reached as two inputs of different periods, "
                        "manifests or deliveries: give it once");
        log::warn(both + (k.path == u.path ? " is given twice" : " are the same file") +
                  "; it is read once");
    }
    units = std::move(kept);
}

// A report file beside its own compressed copy (`a.csv` and `a.csv.gz` after `gunzip -k`, or
// `a.csv.zip`) is two files holding the same rows: summed, the month doubled silently. Which
// copy is meant cannot be told, so neither is read. The name decides here, not the content
// (content decides the format, byte_source.cpp), since only names say that one file is meant
// as a copy of the other. Files a manifest lists are AWS's own and never such a pair.
void refuse_compressed_copies(const std::vector<InputUnit>& units) {
    std::map<std::string, const InputUnit*> seen;  // folder/name without .gz or .zip -> file
    for (const InputUnit& u : units) {
        if (!u.manifest.empty()) continue;
        fs::path p = fs::absolute(fs::path(u.path)).lexically_normal();
        std::string name = p.filename().string();
        for (const char* suffix : {".gz", ".zip"})
            if (ends_with(name, suffix) && name.size() > std::string(suffix).size()) {
                name.resize(name.size() - std::string(suffix).size());
                break;
            }
        auto [it, fresh] = seen.emplace((p.parent_path() / name).string(), &u);
        if (fresh) continue;
        throw_input(shown_text(it->second->path, 255) + " and " + shown_text(u.path, 255) +
                    " are one report file twice, plain and compressed (or compressed twice); "
                    "reading both would count its rows twice: ingest one of them");
    }
}

}  // namespace

std::vector<InputUnit> plan_inputs(const std::vector<std::string>& paths) {
    std::vector<InputUnit> out;
    for (const std::string& p : paths) {
        std::error_code ec;
        fs::file_status st = fs::status(p, ec);
        if (ec || !fs::exists(st)) throw_input(p + ": no such file or directory");
        if (fs::is_regular_file(st)) {
            if (is_manifest_name(fs::path(p).filename().string())) {
                auto u = read_manifest(p);
                out.insert(out.end(), u.begin(), u.end());
            } else {
                out.push_back(InputUnit{p, period_from_partition_path(p), {}, {}, {}});
            }
            continue;
        }
        if (!fs::is_directory(st)) throw_input(p + ": not a regular file or directory");
        std::vector<fs::path> data;
        std::vector<ManifestFile> manifests;
        for (auto it =
                 fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied);
             it != fs::recursive_directory_iterator(); ++it) {
            if (!it->is_regular_file()) continue;
            std::string name = it->path().filename().string();
            if (under_status_folder(it->path())) continue;
            if (is_manifest_name(name))
                manifests.push_back(classify(it->path()));
            else if (looks_like_data_name(name))
                data.push_back(it->path());
        }
        // Newest manifest per (report, period): the top-level copy when present, else the
        // most recently written assembly copy.
        std::map<std::pair<std::string, Period>, ManifestFile> chosen;
        std::set<std::string> roots;
        for (const ManifestFile& m : manifests) {
            roots.insert(m.report_root.string());
            auto key = std::make_pair(m.report_root.string(), m.period);
            auto it = chosen.find(key);
            if (it == chosen.end() || (m.top_level && !it->second.top_level) ||
                (m.top_level == it->second.top_level && m.mtime > it->second.mtime))
                chosen[key] = m;
        }
        for (const auto& [key, m] : chosen) {
            auto u = read_manifest(m.path.string());
            out.insert(out.end(), u.begin(), u.end());
        }
        std::sort(data.begin(), data.end());
        std::vector<fs::path> loose;
        for (const fs::path& f : data) {
            std::string fstr = f.string();
            bool under_report = std::any_of(roots.begin(), roots.end(), [&](const std::string& r) {
                return fstr.size() > r.size() && fstr.compare(0, r.size(), r) == 0 &&
                       fstr[r.size()] == '/';
            });
            if (under_report) continue;
            loose.push_back(f);
            out.push_back(InputUnit{fstr, period_from_partition_path(f), {}, {}, {}});
        }
        fs::path root(p);
        if (root.filename().empty()) root = root.parent_path();  // "dir/" is "dir"
        refuse_two_deliveries(loose, root);
    }
    if (out.empty()) throw_input("no input files found in the given paths");
    drop_repeated_files(out);
    refuse_compressed_copies(out);
    return out;
}

}  // namespace curcrunch::ingest
