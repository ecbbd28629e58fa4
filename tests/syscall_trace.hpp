#pragma once
// The file system calls of one run of the real binary, read with `strace -f -y` (which names the
// file behind each descriptor): a crash cannot be staged in a test, but what it would leave
// follows from the order of the syncs, renames and writes (core/durable_file.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace testsupport {

struct SyscallTrace {
    std::vector<std::string> calls;  // "PID call(args) = result", in the order they were made

    // The index of the first call at or after `from` holding every one of `parts`, or -1.
    long find(const std::vector<std::string>& parts, long from = 0) const {
        for (long i = std::max(from, 0L); i < static_cast<long>(calls.size()); ++i) {
            bool all = true;
            for (const std::string& p : parts)
                all = all && calls[i].find(p) != std::string::npos;
            if (all) return i;
        }
        return -1;
    }
    long count(const std::vector<std::string>& parts) const {
        long n = 0;
        for (long i = find(parts); i >= 0; i = find(parts, i + 1))
            ++n;
        return n;
    }
    std::string dump() const {
        std::string s;
        for (const std::string& c : calls)
            s += c + "\n";
        return s;
    }
};

// Runs curcrunch with `args` (and `env` entries, "NAME=value", added to its environment) under
// strace, tracing syncs, renames and pwrite64; the trace is written in `dir`.
inline SyscallTrace trace_syscalls(const std::string& dir, const std::vector<std::string>& args,
                                   const std::vector<std::string>& env = {}) {
    const std::string trace = dir + "/trace.txt";
    // LeakSanitizer cannot run under ptrace; the sanitizer build's other tests check these
    // paths for leaks.
    std::string cmd = "env ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\"";
    for (const std::string& e : env)
        cmd += " '" + e + "'";
    cmd += " strace -f -y -qq -e trace=fsync,fdatasync,rename,renameat,renameat2,pwrite64 -o " +
           trace + " " + CURCRUNCH_BINARY;
    for (const std::string& a : args)
        cmd += " '" + a + "'";
    const Shell r = sh(cmd);
    EXPECT_EQ(r.code, 0) << cmd << "\n" << r.out;
    SyscallTrace t;
    std::ifstream f(trace);
    for (std::string line; std::getline(f, line);)
        t.calls.push_back(line);
    EXPECT_FALSE(t.calls.empty()) << "strace wrote nothing: " << r.out;
    return t;
}

// `file` was synced under `tmp`, then renamed from it, then its folder was synced.
inline void expect_synced_then_named(const SyscallTrace& t, const std::string& tmp,
                                     const std::string& file) {
    const std::string folder = fs::path(file).parent_path().string();
    const long synced = t.find({"fsync(", "<" + tmp + ">"});
    const long renamed = t.find({"rename", "\"" + tmp + "\"", "\"" + file + "\""});
    const long folder_synced = t.find({"fsync(", "<" + folder + ">"}, renamed);
    EXPECT_GE(synced, 0) << tmp << " never synced\n" << t.dump();
    EXPECT_GT(renamed, synced) << file << "\n" << t.dump();
    EXPECT_GT(folder_synced, renamed) << folder << " not synced after the rename\n" << t.dump();
}

}  // namespace testsupport
