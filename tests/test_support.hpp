#pragma once
// Helpers shared by the tests: temporary directories, file writers (plain, gzip, zip), running
// the real curcrunch binary, and a full dump of a store's contents for exact comparisons.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <atomic>

#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/net/resilience.hpp"
#include "curcrunch/store/database.hpp"

namespace testsupport {
namespace fs = std::filesystem;

inline std::string shared_dir() {
    return CURCRUNCH_SHARED_DIR;
}
inline std::string real_samples() {
    return shared_dir() + "/samples/real";
}

class TempDir {
  public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "curcrunch-test-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

inline void write_file(const std::string& path, const std::string& data) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream f(path, std::ios::binary);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// zlib's deflate of `data`: window_bits 15 + 16 makes a gzip member, -15 raw deflate data.
inline std::string deflate_bytes(const std::string& data, int level, int window_bits) {
    z_stream z{};
    deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, data.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

// One gzip member.
inline std::string gzip_bytes(const std::string& data, int level = 6) {
    return deflate_bytes(data, level, 15 + 16);
}

// A zip archive holding the given (name, content) members.
inline std::string zip_bytes(const std::vector<std::pair<std::string, std::string>>& members) {
    archive* a = archive_write_new();
    archive_write_set_format_zip(a);
    std::vector<char> buf(1 << 24);
    size_t used = 0;
    archive_write_open_memory(a, buf.data(), buf.size(), &used);
    for (const auto& [name, content] : members) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, name.c_str());
        archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_write_header(a, e);
        archive_write_data(a, content.data(), content.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return std::string(buf.data(), used);
}

struct RunResult {
    int exit_code;
    std::string out, err;
};

// Starts `argv` (argv[0] is the program: a path, or with `search_path` a name looked up in
// PATH) with environment `envp` and stdout and stderr written to the files `out_path` and
// `err_path`; returns its pid. posix_spawn, not fork: a fork copies this process's page
// tables and leaves every private page of it copy-on-write, so each page the test then writes
// faults once more. Under ASan a test process holds hundreds of MB, and on a VM where a page
// fault costs about 8 us (a 2026-12-07 host), starting /bin/true from a process with 300 MB
// written took 328 ms per run that way against 11 ms spawned (50 MB: 45 against 5 ms).
// glibc's posix_spawn shares the memory until the exec.
inline pid_t spawn_redirected(const std::vector<char*>& argv, const std::vector<char*>& envp,
                              const std::string& out_path, const std::string& err_path,
                              bool search_path = false) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    pid_t pid = -1;
    const int rc = search_path
                       ? posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data())
                       : posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw std::runtime_error(std::string("cannot start ") + argv[0] + ": " + std::strerror(rc));
    return pid;
}

// The inherited environment with `env` entries ("NAME=value") added or replacing theirs.
inline std::vector<std::string> environment_with(const std::vector<std::string>& env) {
    std::vector<std::string> env_strings = env;
    for (char** e = environ; *e; ++e) {
        std::string entry = *e, name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const auto& o : env)
            replaced = replaced || o.compare(0, name.size() + 1, name + "=") == 0;
        if (!replaced) env_strings.push_back(entry);
    }
    return env_strings;
}

// Pointers into `strings` ending in nullptr, for an argv or envp; valid while `strings` is.
inline std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Runs the curcrunch binary with `args` (no shell), capturing stdout and stderr. `env` entries
// ("NAME=value") are added to (or replace) the inherited environment; `pid_out` receives the
// child's pid while it runs.
inline RunResult run_cli(const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {},
                         std::atomic<int>* pid_out = nullptr) {
    TempDir io;
    std::string out_path = io / "out", err_path = io / "err";
    std::vector<std::string> env_strings = environment_with(env);
    std::vector<std::string> arg_strings{CURCRUNCH_BINARY};
    arg_strings.insert(arg_strings.end(), args.begin(), args.end());
    const pid_t pid =
        spawn_redirected(c_strings(arg_strings), c_strings(env_strings), out_path, err_path);
    if (pid_out) *pid_out = pid;
    int status = 0;
    waitpid(pid, &status, 0);
    return RunResult{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                     read_file(out_path), read_file(err_path)};
}

// "## name (count)" and then every row of `table` (a table or view) as "v1|v2|...|", sorted.
inline std::string dump_relation(sqlite3* db, const std::string& table) {
    std::vector<std::string> rows;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, ("SELECT * FROM " + table).c_str(), -1, &st, nullptr);
    const int n = sqlite3_column_count(st);
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string r;
        for (int i = 0; i < n; ++i) {
            const unsigned char* v = sqlite3_column_text(st, i);
            r += (v ? reinterpret_cast<const char*>(v) : "NULL");
            r += '|';
        }
        rows.push_back(r);
    }
    sqlite3_finalize(st);
    std::sort(rows.begin(), rows.end());
    std::string out = "## " + table + " (" + std::to_string(rows.size()) + ")\n";
    for (const auto& r : rows)
        out += r + "\n";
    return out;
}

// Every row of every table, sorted, as text: two stores with equal dumps hold the same data.
inline std::string dump_store(const std::string& db_path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return "<no database>";
    }
    std::vector<std::string> tables;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name", -1,
                       &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    std::string out;
    for (const auto& t : tables)
        out += dump_relation(db, t);
    sqlite3_close(db);
    return out;
}

// The rollups with names instead of dim ids (the *_named views), sorted: what two ingests of
// the same data must agree on, whatever ids their dim tables handed out.
inline std::string dump_rollups(const std::string& db_path) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    std::string out;
    for (const char* view : {"cost_daily_named", "line_item_daily_named", "tag_daily_named"})
        out += dump_relation(db, view);
    sqlite3_close(db);
    return out;
}

// The message of the curcrunch::Error `f` throws, or "<no error>".
inline std::string error_text(const std::function<void()>& f) {
    try {
        f();
    } catch (const curcrunch::Error& e) {
        return e.what();
    }
    return "<no error>";
}

// A retry policy with millisecond backoff, so tests of retries stay fast.
inline curcrunch::net::RetryPolicy quick_retries(int attempts) {
    curcrunch::net::RetryPolicy p;
    p.max_attempts = attempts;
    p.base = std::chrono::milliseconds(1);
    p.cap = std::chrono::milliseconds(5);
    return p;
}

// First column of the first row, as text; through the store's own connection so money_sum()
// is available.
inline std::string query_one(const std::string& db_path, const std::string& sql) {
    curcrunch::store::Database db(db_path, curcrunch::store::Database::Mode::read_only);
    auto st = db.prepare(sql);
    if (!st.step()) return "";
    return st.column_is_null(0) ? "NULL" : st.column_text(0);
}

// A small legacy CUR with the given data rows appended to a fixed header.
inline const char* kLegacyHeader =
    "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,"
    "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,"
    "lineItem/Operation,lineItem/UsageAmount,lineItem/UnblendedCost,lineItem/BlendedCost,"
    "lineItem/LineItemDescription,product/ProductName,product/region,pricing/term,pricing/unit,"
    "resourceTags/user:Team\n";

// Appends one row of that CUR to `csv`. The tests that write tens of megabytes of rows append
// them here: built from temporaries, as legacy_row() does, 100 MB of rows took ~10 s of CPU in
// the unoptimised sanitizer build.
inline void append_legacy_row(std::string& csv, std::string_view id, std::string_view day,
                              std::string_view cost, std::string_view desc = "Usage",
                              std::string_view team = "",
                              std::string_view account = "012345678901") {
    for (std::string_view part :
         {id, std::string_view(",000011112222,"), day.substr(0, 7),
          std::string_view("-01T00:00:00Z,"), account, std::string_view(",Usage,"), day,
          std::string_view("T05:00:00Z,AmazonEC2,BoxUsage:m5.large,RunInstances,1.0,"), cost,
          std::string_view(","), cost, std::string_view(","), desc,
          std::string_view(",Amazon Elastic Compute Cloud,us-east-1,OnDemand,Hrs,"), team,
          std::string_view("\n")})
        csv.append(part);
}

inline std::string legacy_row(const std::string& id, const std::string& day,
                              const std::string& cost, const std::string& desc = "Usage",
                              const std::string& team = "",
                              const std::string& account = "012345678901") {
    std::string row;
    append_legacy_row(row, id, day, cost, desc, team, account);
    return row;
}

inline std::string known_row(const std::string& id, const std::string& day,
                             const std::string& account, const std::string& product,
                             const std::string& name, const std::string& cost) {
    return id + ",000011112222," + day.substr(0, 7) + "-01T00:00:00Z," + account + ",Usage," + day +
           "T05:00:00Z," + product + ",Usage:" + product + ",Run,1.0," + cost + "," + cost +
           ",Usage of " + name + "," + name + ",us-east-1,OnDemand,Hrs,\n";
}

// A month of small, known data (28 days; EC2 for account 111111111111 at `ec2_cost` a day, S3
// 2.50 and KMS 0.10 for 222222222222): the report and dashboard tests know every total.
inline std::string known_month_csv(const std::string& month, const std::string& ec2_cost) {
    std::string s = kLegacyHeader;
    for (int d = 1; d <= 28; ++d) {
        char day[16];
        std::snprintf(day, sizeof day, "%s-%02d", month.c_str(), d);
        s += known_row("e" + std::to_string(d), day, "111111111111", "AmazonEC2",
                       "Amazon Elastic Compute Cloud", ec2_cost);
        s += known_row("s" + std::to_string(d), day, "222222222222", "AmazonS3",
                       "Amazon Simple Storage Service", "2.50");
        s += known_row("k" + std::to_string(d), day, "222222222222", "AmazonKMS",
                       "AWS Key Management Service 鍵管理", "0.10");
    }
    return s;
}

struct Shell {
    int code;
    std::string out;
};

// Runs a shell command line (tools under test: qpdf, pdftotext, pdftoppm, pdfsig, openssl),
// stdout and stderr together.
inline Shell sh(const std::string& cmd) {
    Shell r{0, ""};
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        r.out.append(buf, n);
    const int st = ::pclose(p);
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

// The bytes a gzip stream decompresses to ("" when it is damaged).
inline std::string gunzip_bytes(const std::string& gz) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 32) != Z_OK) return {};
    std::string out;
    char buf[1 << 16];
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END ? out : std::string();
}

// "" when the two texts are equal, else their first differing line (GoogleTest's own diff of
// two large dumps needs memory quadratic in their length).
inline std::string first_difference(const std::string& a, const std::string& b) {
    if (a == b) return {};
    std::istringstream x(a), y(b);
    std::string la, lb;
    for (int n = 1;; ++n) {
        const bool ga = static_cast<bool>(std::getline(x, la)),
                   gb = static_cast<bool>(std::getline(y, lb));
        if (!ga && !gb) return "texts differ only in their last newline";
        if (!ga || !gb || la != lb)
            return "line " + std::to_string(n) + ":\n  " + (ga ? la : "<end>") + "\n  " +
                   (gb ? lb : "<end>");
    }
}

}  // namespace testsupport
