// The memory an ingest may use (core/memory_limit.hpp, --max-memory): the control group limits
// read from cgroup v2 and v1 files laid out as the kernel does, the lowest on the group's path
// winning; and an ingest whose groups outgrow its budget stopping with exit 3, a message that
// names the file, its groups and what to do, and the store exactly as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "curcrunch/core/memory_limit.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace curcrunch;
using namespace testsupport;

namespace {

void write_limit(const fs::path& dir, const std::string& file, const std::string& text) {
    fs::create_directories(dir);
    write_file((dir / file).string(), text);
}

}  // namespace

TEST(MemoryLimit, CgroupV2TakesTheLowestLimitOnThePath) {
    TempDir root;
    // A Slurm-like tree: the job has a limit, its step none, a slice above it a higher one.
    write_limit(root / "system.slice", "memory.max", "17179869184\n");
    write_limit(root / "system.slice/job_7", "memory.max", "4294967296\n");
    write_limit(root / "system.slice/job_7/step_0", "memory.max", "max\n");
    EXPECT_EQ(cgroup_memory_limit("0::/system.slice/job_7/step_0\n", root.path().string()),
              uint64_t(4294967296));
    // The step's own limit, when lower, wins.
    write_limit(root / "system.slice/job_7/step_0", "memory.max", "1073741824\n");
    EXPECT_EQ(cgroup_memory_limit("0::/system.slice/job_7/step_0\n", root.path().string()),
              uint64_t(1073741824));
    // A group with no limit anywhere on its path, and a root group (no memory.max file).
    write_limit(root / "user.slice", "memory.max", "max\n");
    EXPECT_EQ(cgroup_memory_limit("0::/user.slice\n", root.path().string()), kNoMemoryLimit);
    EXPECT_EQ(cgroup_memory_limit("0::/\n", root.path().string()), kNoMemoryLimit);
    // In a cgroup namespace the process's group is mounted as the root, with its own limit.
    write_limit(root.path(), "memory.max", "536870912\n");
    EXPECT_EQ(cgroup_memory_limit("0::/\n", root.path().string()), uint64_t(536870912));
}

TEST(MemoryLimit, CgroupV1ReadsTheMemoryHierarchy) {
    TempDir root;
    const fs::path mem = root.path() / "memory";
    write_limit(mem, "memory.limit_in_bytes", "9223372036854771712\n");  // v1's "unlimited"
    write_limit(mem / "docker", "memory.limit_in_bytes", "9223372036854771712\n");
    write_limit(mem / "docker/abc", "memory.limit_in_bytes", "2147483648\n");
    // The layout of a hybrid host: v1 controllers, one of them memory, and the unified line.
    const std::string cgroup =
        "9:name=systemd:/\n8:pids:/docker/abc\n4:cpu,memory:/docker/abc\n0::/\n";
    EXPECT_EQ(cgroup_memory_limit(cgroup, root.path().string()), uint64_t(2147483648));
    EXPECT_EQ(cgroup_memory_limit("4:memory:/docker\n", root.path().string()), kNoMemoryLimit);
}

TEST(MemoryLimit, UnreadableOrMalformedLimitsAreNoLimit) {
    TempDir root;
    write_limit(root / "a", "memory.max", "lots\n");
    write_limit(root / "b", "memory.max", "99999999999999999999999\n");
    write_limit(root / "c", "memory.max", "");
    for (const char* g : {"0::/a\n", "0::/b\n", "0::/c\n", "0::/missing\n", "", "garbage\n",
                          "0::relative\n", "4:memory\n"})
        EXPECT_EQ(cgroup_memory_limit(g, root.path().string()), kNoMemoryLimit) << g;
    // This machine: some limit is known (its physical memory at least), and it is plausible.
    const uint64_t usable = usable_memory_bytes();
    EXPECT_NE(usable, kNoMemoryLimit);
    EXPECT_GT(usable, uint64_t(64) << 20);
}

TEST(MemoryLimit, SizesForMessages) {
    EXPECT_EQ(memory_size_text(500000), "488 KiB");
    EXPECT_EQ(memory_size_text(uint64_t(300) << 20), "300 MiB");
    EXPECT_EQ(memory_size_text((uint64_t(1) << 30) - 1), "1023 MiB");
    EXPECT_EQ(memory_size_text(uint64_t(1) << 30), "1.0 GiB");
    EXPECT_EQ(memory_size_text(uint64_t(1717986918)), "1.5 GiB");  // 1.6 GiB minus a byte
    EXPECT_EQ(memory_size_text(uint64_t(1717986919)), "1.6 GiB");
}

// 12,325 daily rows whose groups (12,325 cost and line-item, 47,880 tag) need about 23 MiB with
// what their store write adds: 20 MB (19 MiB) is too little, 60 MB enough.
TEST(MemoryLimit, AnIngestPastItsBudgetStopsAndWritesNothing) {
    TempDir dir;
    const std::string db = dir / "store.db", wide = dir / "wide.csv", small = dir / "small.csv";
    RunResult g = run_cli({"gen", "--out", wide, "--daily", "--months", "2", "--payers", "1",
                           "--accounts", "10", "--resources", "20", "--seed", "3"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    g = run_cli({"gen", "--out", small, "--months", "1", "--payers", "1", "--accounts", "1",
                 "--resources", "1", "--seed", "5"});
    ASSERT_EQ(g.exit_code, 0) << g.err;
    RunResult r = run_cli({"ingest", "--db", db, "--no-progress", small});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string before = dump_store(db);

    r = run_cli({"ingest", "--db", db, "--no-progress", "--max-memory", "20M", wide});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(wide + ": the ingest's groups need "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("tag groups, with what writing them to the store takes), more than the "
                         "19 MiB this ingest may use (--max-memory); nothing was stored. Ingest "
                         "fewer billing periods or payers per command"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("nothing was written to the store"), std::string::npos) << r.err;
    EXPECT_EQ(dump_store(db), before);

    r = run_cli({"ingest", "--db", db, "--no-progress", "--max-memory", "60M", wide});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(dump_store(db), before);

    r = run_cli({"ingest", "--db", db, "--no-progress", "--max-memory", "0", wide});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--max-memory: expected a size above 0, got '0'"), std::string::npos)
        << r.err;
    r = run_cli({"ingest", "--db", db, "--no-progress", "--max-memory", "lots", wide});
    EXPECT_EQ(r.exit_code, 2) << r.err;
}

}  // namespace CURCRUNCH_UNITY_ID
