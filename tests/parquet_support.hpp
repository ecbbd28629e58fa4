#pragma once
// Shared by the parquet_* tests: the third-party fixtures (tests/parquet/make_fixtures.mjs,
// written by DuckDB and the Rust parquet crate), generated once per build directory under a
// file lock so parallel test processes share them, and small helpers.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "test_support.hpp"

namespace parquettest {
namespace fs = std::filesystem;

// The fixture directory. Generation needs node and `npm ci` in tests/parquet (setup.sh test
// does both); without them this throws and the test fails: these fixtures are never optional.
inline std::string fixtures() {
    static const std::string dir = [] {
        const std::string src = CURCRUNCH_SOURCE_DIR;
        const std::string script = src + "/tests/parquet/make_fixtures.mjs";
        const std::string out = std::string(CURCRUNCH_BUILD_DIR) + "/parquet-fixtures";
        const std::string stamp_text =
            std::to_string(std::hash<std::string>{}(testsupport::read_file(script)));
        fs::create_directories(out);
        const int lock = ::open((out + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
        if (lock < 0 || ::flock(lock, LOCK_EX) != 0) throw std::runtime_error("cannot lock " + out);
        struct Unlock {
            int fd;
            ~Unlock() { ::close(fd); }
        } unlock{lock};
        if (testsupport::read_file(out + "/stamp") == stamp_text) return out;
        for (const auto& [dialect, file] :
             {std::pair<const char*, const char*>{"cur2", "gen-cur2.csv"},
              {"focus", "gen-focus.csv"}}) {
            auto r = testsupport::run_cli({"gen", "--out", out + "/" + file, "--dialect", dialect,
                                           "--months", "2", "--start", "2025-01", "--accounts", "2",
                                           "--resources", "2", "--seed", "3"});
            if (r.exit_code != 0) throw std::runtime_error("curcrunch gen failed: " + r.err);
        }
        const std::string cmd = "cd '" + src + "/tests/parquet' && node make_fixtures.mjs '" + out +
                                "' '" + out + "/gen-cur2.csv' '" + out + "/gen-focus.csv' 2>&1";
        if (std::system(cmd.c_str()) != 0)
            throw std::runtime_error(
                "the Parquet fixture writers failed; run (cd tests/parquet && npm ci) first");
        testsupport::write_file(out + "/stamp", stamp_text);
        return out;
    }();
    return dir;
}

inline std::string fixture(const std::string& name) {
    return fixtures() + "/" + name;
}

// Ingests `paths` into a fresh store in `dir` and returns its rollups (names, sorted).
inline std::string rollups_of(const testsupport::TempDir& dir, const std::string& db,
                              const std::vector<std::string>& paths) {
    std::vector<std::string> args = {"ingest", "--quiet", "--db", dir / db};
    args.insert(args.end(), paths.begin(), paths.end());
    auto r = testsupport::run_cli(args);
    if (r.exit_code != 0) return "<ingest failed: " + r.err + ">";
    return testsupport::dump_rollups(dir / db);
}

}  // namespace parquettest
