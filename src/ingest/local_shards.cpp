#include "curcrunch/ingest/local_shards.hpp"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"

namespace curcrunch::ingest {
namespace fs = std::filesystem;
namespace {

std::string absolute_path(const std::string& p) {
    return fs::absolute(fs::path(p)).lexically_normal().string();
}

bool is_manifest_path(const std::string& p) {
    const std::string suffix = "-Manifest.json";
    return p.size() >= suffix.size() &&
           p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The version of loose files: their names and sizes (reading every byte would make listing as
// slow as ingesting; each file's sha256 is recorded by the shard's ingest).
std::string names_and_sizes_version(std::vector<std::string> files) {
    std::sort(files.begin(), files.end());
    Sha256 h;
    for (const std::string& f : files) {
        std::error_code ec;
        const auto size = fs::file_size(f, ec);
        if (ec) throw_input(f + ": cannot read its size: " + ec.message());
        h.update(fs::path(f).filename().string());
        h.update("\t" + std::to_string(size) + "\n");
    }
    return "sha256:" + h.hex_digest();
}

std::string manifest_version(const std::string& path) {
    return "sha256:" + Sha256::of_file(path);
}

// The manifest's "account" (legacy CUR manifests name the account that owns the report), or "".
std::string manifest_account(const std::string& path) {
    simdjson::padded_string json;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    std::string_view v;
    if (simdjson::padded_string::load(path).get(json) || parser.parse(json).get(root) ||
        root["account"].get_string().get(v))
        return "";
    return std::string(v);
}

[[noreturn]] void throw_changed(const ShardUnit& u, const std::string& now) {
    throw_input(u.source + ": changed since the shards file was written (listed as " + u.version +
                ", now " + now + "); run `curcrunch shards` again");
}

}  // namespace

std::vector<ShardUnit> list_local_units(const std::vector<std::string>& paths) {
    std::set<std::string> named_files;
    for (const std::string& p : paths)
        if (fs::is_regular_file(p) && !is_manifest_path(p)) named_files.insert(absolute_path(p));

    std::map<std::string, ShardUnit> by_source;  // one unit per source, even if reached twice
    std::map<std::string, std::vector<std::string>> folder_files;
    for (const InputUnit& in : plan_inputs(paths)) {
        if (!in.manifest.empty()) {
            const std::string source = absolute_path(in.manifest);
            if (by_source.count(source)) continue;
            ShardUnit u;
            u.period = in.period;
            u.payer = manifest_account(in.manifest);
            u.source = source;
            u.version = manifest_version(in.manifest);
            by_source[source] = u;
            continue;
        }
        const std::string file = absolute_path(in.path);
        if (named_files.count(file)) {
            ShardUnit u;
            u.source = file;
            u.version = names_and_sizes_version({file});
            by_source[file] = u;
        } else {
            folder_files[fs::path(file).parent_path().string()].push_back(file);
        }
    }
    for (auto& [folder, files] : folder_files) {
        std::sort(files.begin(), files.end());
        files.erase(std::unique(files.begin(), files.end()), files.end());
        ShardUnit u;
        u.source = folder;
        u.version = names_and_sizes_version(files);
        by_source[folder] = u;
    }
    std::vector<ShardUnit> out;
    for (auto& [source, u] : by_source)
        out.push_back(std::move(u));
    return out;
}

std::vector<InputUnit> local_unit_inputs(const ShardUnit& u) {
    if (!u.profile.empty() || u.source.rfind("s3://", 0) == 0)
        throw_usage("the unit " + u.source + " is read from S3 (profile " + u.profile +
                    "): run `curcrunch fetch --shard` for it, not ingest");
    std::error_code ec;
    const fs::file_status st = fs::status(u.source, ec);
    if (ec || !fs::exists(st))
        throw_input(u.source + ": listed by the shards file, but no longer there");
    if (fs::is_regular_file(st) && is_manifest_path(u.source)) {
        // Hashed before and after reading, so the files read are those of the listed version.
        const std::string before = manifest_version(u.source);
        if (before != u.version) throw_changed(u, before);
        std::vector<InputUnit> inputs = read_manifest(u.source);
        const std::string after = manifest_version(u.source);
        if (after != before) throw_changed(u, after);
        return inputs;
    }
    std::vector<InputUnit> inputs;
    if (fs::is_regular_file(st)) {
        InputUnit in;
        in.path = u.source;
        inputs.push_back(std::move(in));
    } else if (fs::is_directory(st)) {
        for (InputUnit& in : plan_inputs({u.source}))
            if (in.manifest.empty() && fs::path(absolute_path(in.path)).parent_path() == u.source)
                inputs.push_back(std::move(in));
    } else {
        throw_input(u.source + ": not a regular file or folder");
    }
    std::vector<std::string> files;
    for (const InputUnit& in : inputs)
        files.push_back(in.path);
    const std::string now = files.empty() ? "no data files" : names_and_sizes_version(files);
    if (now != u.version) throw_changed(u, now);
    return inputs;
}

}  // namespace curcrunch::ingest
