#include "curcrunch/aws/cached_object.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "curcrunch/core/durable_file.hpp"
#include "curcrunch/core/error.hpp"

namespace curcrunch::aws {

CachedObject read_cached_object(const std::string& path) {
    CachedObject c;
    std::ifstream f(path + ".etag");
    std::getline(f, c.etag);
    std::string line;
    if (!std::getline(f, line)) return c;
    std::istringstream in(line);
    std::string tag, sha;
    FileIdentity id;
    // A line that does not read whole records nothing: the ETag alone still holds.
    if (in >> tag >> sha >> id.dev >> id.ino >> id.size >> id.mtime_ns && tag == "sha256" &&
        sha.size() == 64) {
        c.sha256 = sha;
        c.identity = id;
    }
    return c;
}

void write_cached_object(const std::string& path, const CachedObject& c) {
    const std::string file = path + ".etag";
    {
        std::ofstream f(file, std::ios::trunc);
        f << c.etag << "\n";
        if (!c.sha256.empty() && c.identity.known())
            f << "sha256 " << c.sha256 << " " << c.identity.dev << " " << c.identity.ino << " "
              << c.identity.size << " " << c.identity.mtime_ns << "\n";
        f.close();
        if (!f) throw Error(ErrorKind::internal, "cannot write " + file);
    }
    sync_file(file);
}

void forget_cached_object(const std::string& path) {
    std::error_code ec;
    std::filesystem::remove(path + ".etag", ec);
}

}  // namespace curcrunch::aws
