#pragma once
// Helpers for the hostile-input tests: a store whose contents must survive a refused ingest,
// the real binary run with its peak memory measured, and generators of the wide, deep and
// oversized files an attacker (or a broken exporter) produces.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace testsupport {

// A store holding one good ingest: every refused ingest must leave it exactly as it was.
class GuardedStore {
  public:
    GuardedStore() {
        write_file(dir / "good.csv", std::string(kLegacyHeader) +
                                         legacy_row("1", "2024-01-03", "1.5") +
                                         legacy_row("2", "2024-02-03", "2.5"));
        RunResult r = run_cli({"ingest", "--db", db, "--no-progress", dir / "good.csv"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        before = dump_store(db);
    }
    // Ingests `args` (paths and options) and checks the refusal contract: exit 3, the message,
    // "nothing was written", the store unchanged and still readable.
    RunResult expect_refused(const std::vector<std::string>& args, const std::string& message) {
        std::vector<std::string> a = {"ingest", "--db", db, "--no-progress"};
        a.insert(a.end(), args.begin(), args.end());
        RunResult r = run_cli(a);
        EXPECT_EQ(r.exit_code, 3) << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << "stderr was: " << r.err;
        EXPECT_NE(r.err.find("nothing was written to the store"), std::string::npos) << r.err;
        EXPECT_EQ(dump_store(db), before);
        expect_readable();
        return r;
    }
    // Every read command still works on the store.
    void expect_readable() {
        for (auto cmd : std::vector<std::vector<std::string>>{
                 {"periods", "--db", db},
                 {"summary", "--db", db, "--by", "service", "--granularity", "month"}}) {
            RunResult r = run_cli(cmd);
            EXPECT_EQ(r.exit_code, 0) << cmd[0] << ": " << r.err;
        }
    }
    std::string file(const std::string& name, const std::string& content) {
        write_file(dir / name, content);
        return dir / name;
    }
    TempDir dir;
    std::string db = dir / "store.db";
    std::string before;
};

struct MeasuredRun {
    RunResult run;
    long max_rss_kib = 0;
};

// The high-water mark of a process's resident memory (VmHWM), or -1 when it has none (gone).
inline long vm_hwm_kib(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(f, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

// run_cli, plus the peak resident memory of the curcrunch process itself. Not wait4's
// ru_maxrss: that would include a forked copy of this (large, under ASan) test process.
// VmHWM is read from /proc while the child runs (posix_spawn returns once the child has
// exec'd the binary, so every reading is the binary's); it only grows, so the last reading is
// the peak up to then. In the ASan build the child's quarantine of freed memory (256 MB by default)
// is made small, so what is measured is what the program holds, not what ASan keeps back; a Release
// binary ignores the setting.
inline MeasuredRun run_cli_measured(const std::vector<std::string>& args) {
    TempDir io;
    const std::string out_path = io / "out", err_path = io / "err";
    const std::string bin = CURCRUNCH_BINARY;
    std::vector<std::string> arg_strings{bin};
    arg_strings.insert(arg_strings.end(), args.begin(), args.end());
    const char* asan = std::getenv("ASAN_OPTIONS");
    std::vector<std::string> env_strings = environment_with(
        {std::string("ASAN_OPTIONS=") + (asan ? asan : "") + (asan && *asan ? ":" : "") +
         "quarantine_size_mb=4:thread_local_quarantine_size_kb=64"});
    const pid_t pid =
        spawn_redirected(c_strings(arg_strings), c_strings(env_strings), out_path, err_path);
    MeasuredRun m;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        m.max_rss_kib = std::max(m.max_rss_kib, vm_hwm_kib(pid));
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    m.run = RunResult{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                      read_file(out_path), read_file(err_path)};
    return m;
}

// A legacy header with the fixed test columns, then `tags` tag columns "resourceTags/user:tN".
inline std::string wide_legacy_header(size_t tags) {
    std::string h(kLegacyHeader);
    h.pop_back();  // its newline
    h.reserve(h.size() + tags * 28);
    for (size_t i = 0; i < tags; ++i)
        h += ",resourceTags/user:t" + std::to_string(i);
    return h + "\n";
}

// A legacy_row for wide_legacy_header: the fixed fields, then the tag fields, all empty except
// those in `values` (tag index -> value).
inline std::string wide_legacy_row(const std::string& id, const std::string& day,
                                   const std::string& cost, size_t tags,
                                   const std::vector<std::pair<size_t, std::string>>& values) {
    std::string r = legacy_row(id, day, cost);
    r.pop_back();
    std::vector<std::string> fields(tags);
    for (const auto& [i, v] : values)
        fields[i] = v;
    for (const auto& f : fields)
        r += "," + f;
    return r + "\n";
}

// A minimal PDF with a classic cross-reference table; `objects` are the bodies of objects
// 1..n (1 must be the catalog); `info` is the Info object's number, 0 for none.
inline std::string tiny_pdf(const std::vector<std::string>& objects, int info) {
    std::string out = "%PDF-1.4\n";
    std::vector<size_t> offsets;
    offsets.reserve(objects.size());
    char head[32];
    for (size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out.append(head, std::snprintf(head, sizeof head, "%zu 0 obj\n", i + 1));
        out.append(objects[i]).append("\nendobj\n");
    }
    const size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    char entry[32];
    for (size_t o : offsets) {
        std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", o);
        out += entry;
    }
    out += "trailer\n<</Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R";
    if (info) out += " /Info " + std::to_string(info) + " 0 R";
    return out + ">>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
}

// The catalog, page tree and one page of tiny_pdf documents (objects 1-3).
inline std::vector<std::string> one_page_objects() {
    return {"<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>"};
}

// About 100 MB of legacy rows over nine months, in `t`: long enough for an ingest of it to be
// caught in the middle (signalled, stopped).
inline std::string big_legacy_input(const TempDir& t) {
    std::string csv = kLegacyHeader;
    csv.reserve(110u << 20);
    char id[16], day[16], desc[16];
    for (int i = 0; csv.size() < (100u << 20); ++i) {
        std::snprintf(id, sizeof id, "%d", i);
        std::snprintf(day, sizeof day, "2024-0%d-1%d", 1 + i % 9, i % 10);
        std::snprintf(desc, sizeof desc, "Usage %d", i % 5000);
        append_legacy_row(csv, id, day, "0.01", desc);
    }
    write_file(t / "big.csv", csv);
    return t / "big.csv";
}

// Whether process `pid` has `path` open: then it is reading it, in the middle of its work.
inline bool process_has_open(pid_t pid, const std::string& path) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
        std::error_code ec2;
        if (fs::read_symlink(e.path(), ec2) == path) return true;
    }
    return false;
}

}  // namespace testsupport
