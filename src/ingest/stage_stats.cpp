#include "curcrunch/ingest/stage_stats.hpp"

#include <sys/resource.h>
#include <time.h>

#include <cstdio>

namespace curcrunch::ingest {

const char* stage_name(Stage s) {
    static const char* const kNames[kStageCount] = {"read/inflate", "split",  "validate UTF-8",
                                                    "scan",         "decode", "aggregate",
                                                    "merge",        "hash",   "store write"};
    return kNames[static_cast<size_t>(s)];
}

uint64_t thread_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t wall_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

namespace {
double seconds(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}
}  // namespace

std::string StageStats::table(uint64_t bytes, double wall_seconds) const {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    const double user = seconds(ru.ru_utime), sys = seconds(ru.ru_stime);
    const double cpu = user + sys;
    const double gb = static_cast<double>(bytes) / 1e9;
    std::string out;
    char line[160];
    std::snprintf(line, sizeof line, "%-18s %9s %7s %9s\n", "stage", "CPU s", "share", "CPU s/GB");
    out += line;
    double sum = 0;
    auto row = [&](const char* name, double s) {
        std::snprintf(line, sizeof line, "%-18s %9.3f %6.1f%% %9.3f\n", name, s,
                      cpu > 0 ? 100 * s / cpu : 0.0, gb > 0 ? s / gb : 0.0);
        out += line;
    };
    for (size_t i = 0; i < kStageCount; ++i) {
        const double s = static_cast<double>(ns_[i].load()) / 1e9;
        sum += s;
        row(stage_name(static_cast<Stage>(i)), s);
    }
    // Start-up, planning, the progress bar, Parquet decoding and the kernel's share outside the
    // stages (page faults are charged to the stage that took them).
    row("other", cpu > sum ? cpu - sum : 0.0);
    std::snprintf(line, sizeof line,
                  "process: %.3f CPU s (user %.3f, system %.3f) in %.3f s wall, %.3f CPU s/GB of "
                  "%.1f MB decompressed; %ld major / %ld minor page faults\n",
                  cpu, user, sys, wall_seconds, gb > 0 ? cpu / gb : 0.0,
                  static_cast<double>(bytes) / 1e6, ru.ru_majflt, ru.ru_minflt);
    out += line;
    if (const uint64_t n = flushes()) {
        const uint64_t merged = groups_merged(), again = groups_merged_again();
        std::snprintf(
            line, sizeof line,
            "merge: %llu flush%s of %llu groups into the shared rollup, %llu (%.1f%%) "
            "of them merged before; workers flushed at up to %zu groups\n",
            static_cast<unsigned long long>(n), n == 1 ? "" : "es",
            static_cast<unsigned long long>(merged), static_cast<unsigned long long>(again),
            merged > 0 ? 100.0 * static_cast<double>(again) / static_cast<double>(merged) : 0.0,
            largest_flush_size());
        out += line;
    }
    if (const size_t n = hash_threads()) {
        std::snprintf(line, sizeof line,
                      "hash: %zu hasher thread%s started beside the parse (one file at a time "
                      "each)\n",
                      n, n == 1 ? "" : "s");
        out += line;
    }
    return out;
}

}  // namespace curcrunch::ingest
