// deploy/slurm/ where Slurm itself says no or ends a task, on a real Slurm cluster
// (tests/slurm_cluster.hpp) whose MaxArraySize (4) is smaller than the plan (6 units of one
// payer): the plan goes out as two arrays with task ids from 0; a submission sbatch refuses
// fails with exit 8 and cancels what it had submitted; a task cancelled by scancel and one whose
// batch shell is killed (as an OOM kill or a node failure would) are shown failed with Slurm's
// state, as is a task Slurm forgot; tasks held back by %K are pending; status.sh's exit codes;
// the killed indexes resubmitted, and the merge equal to a single-machine ingest.
//
// The daemons need root and Debian's slurmctld, slurmd, slurm-client and munge (setup.sh
// installs them). When they cannot run, these tests fail and say why: they never skip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "slurm_cluster.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSmallArrays = "CURCRUNCH_SLURM_MAX_ARRAY_SIZE=4";

std::string deploy(const std::string& script) {
    return std::string(CURCRUNCH_SOURCE_DIR) + "/deploy/slurm/" + script;
}

void write_script(const fs::path& path, const std::string& text) {
    write_file(path.string(), text);
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add);
}

// Six monthly deliveries of one payer: a plan of six units, 2025-01 .. 2025-06.
fs::path six_units(const TempDir& tmp) {
    const fs::path inputs = tmp.path() / "inputs";
    const RunResult gen =
        run_cli({"gen",           "--layout", "--daily",    "--gzip",
                 "--gzip-level",  "1",        "--months",   "6",
                 "--start",       "2025-01",  "--payers",   "1",
                 "--first-payer", "3",        "--accounts", "1",
                 "--resources",   "2",        "--seed",     "5",
                 "--report-name", "p3",       "--out",      (inputs / "p3").string()});
    EXPECT_EQ(gen.exit_code, 0) << gen.err;
    return inputs;
}

// A stand-in for the curcrunch binary on the nodes: `touch DIR/hang-N` makes index N hang (as a
// stuck read would) until Slurm ends it, `touch DIR/kill-N` makes it SIGKILL its batch shell
// (as the OOM killer or a node failure ends a job without a word), hang-all hangs every index.
// Everything else runs the real curcrunch.
fs::path curcrunch_with_faults(const TempDir& tmp) {
    const fs::path path = tmp.path() / "curcrunch-with-faults";
    write_script(path,
                 "#!/bin/sh\n"
                 "dir=$(dirname \"$0\") n= prev=\n"
                 "for a in \"$@\"; do [ \"$prev\" = --shard ] && n=$a; prev=$a; done\n"
                 "if [ -n \"$n\" ]; then\n"
                 "  [ -e \"$dir/hang-$n\" ] || [ -e \"$dir/hang-all\" ] && exec sleep 600\n"
                 "  [ -e \"$dir/kill-$n\" ] && { kill -KILL $PPID; exec sleep 600; }\n"
                 "fi\n"
                 "exec " CURCRUNCH_BINARY " \"$@\"\n");
    return path;
}

// The line of index N in status.sh's output ("" when absent).
std::string unit_line(const std::string& status, int index) {
    std::smatch m;
    const std::regex line("(^|\n)(" + std::to_string(index) + " [^\n]*)");
    return std::regex_search(status, m, line) ? m[2].str() : "";
}

std::string first_number(const std::string& s, const std::string& pattern) {
    std::smatch m;
    return std::regex_search(s, m, std::regex(pattern)) ? m[1].str() : "";
}

TEST(SlurmFailures, RefusedSubmissionExits8CancelsWhatItSubmittedAndStatusSaysFailed) {
    SlurmCluster cluster({kSmallArrays});
    ASSERT_EQ(cluster.error(), "")
        << "THE SLURM DAEMONS COULD NOT RUN HERE, so the scale-out path is untested. The "
           "cluster script said:\n"
        << cluster.error();
    TempDir tmp;
    const fs::path inputs = six_units(tmp);
    const fs::path faults = curcrunch_with_faults(tmp);
    write_file(tmp / "hang-all", "");  // no task may finish before the merge is refused
    const std::vector<std::string> slurm = {cluster.conf_env()};
    std::vector<std::string> env = {cluster.conf_env(), "CURCRUNCH=" + faults.string(),
                                    "CURCRUNCH_DB=" + tmp / "main.db", "SHARD_CONCURRENCY=1"};

    // A partition that does not exist: the first sbatch fails, nothing is submitted.
    const fs::path run1 = tmp.path() / "run1";
    env.push_back("SBATCH_OPTIONS=--partition=nosuch");
    const RunResult bad = run_program({deploy("submit.sh"), run1.string(), inputs.string()}, env);
    env.pop_back();
    EXPECT_EQ(bad.exit_code, 8) << bad.out << bad.err;
    EXPECT_NE(bad.err.find("sbatch: error: Batch job submission failed: Invalid partition name "
                           "specified"),
              std::string::npos)
        << bad.err;
    EXPECT_NE(bad.err.find("submit.sh: sbatch refused the shard array of indexes 0-3"),
              std::string::npos)
        << bad.err;
    EXPECT_EQ(bad.out.find("merge job"), std::string::npos) << bad.out;
    const RunResult st1 = run_program({deploy("status.sh"), run1.string()}, slurm);
    EXPECT_EQ(st1.exit_code, 1) << st1.out << st1.err;
    EXPECT_NE(st1.out.find("submission failed: sbatch refused the shard array of indexes 0-3 "
                           "(sbatch: error: Batch job submission failed: Invalid partition name "
                           "specified); no job of this run was submitted"),
              std::string::npos)
        << st1.out;
    const RunResult again = run_program({deploy("resubmit.sh"), run1.string(), "0"}, slurm);
    EXPECT_EQ(again.exit_code, 2) << again.out << again.err;
    EXPECT_NE(again.err.find("its submission failed"), std::string::npos) << again.err;

    // The arrays go in, then Slurm refuses the merge job (as a QOS limit would): the arrays are
    // cancelled rather than left to run for a merge that never comes.
    const fs::path bin = tmp.path() / "bin";
    fs::create_directories(bin);
    const std::string real_sbatch = sh("command -v sbatch").out;
    write_script(bin / "sbatch",
                 "#!/bin/sh\n"
                 "for a in \"$@\"; do if [ \"$a\" = --job-name=curcrunch-merge ]; then\n"
                 "  echo 'sbatch: error: Batch job submission failed: Job violates accounting/QOS "
                 "policy' >&2; exit 1\n"
                 "fi; done\n"
                 "exec " +
                     real_sbatch.substr(0, real_sbatch.find('\n')) + " \"$@\"\n");
    env.push_back("PATH=" + bin.string() + ":" + std::getenv("PATH"));
    const fs::path run2 = tmp.path() / "run2";
    const RunResult merge_refused =
        run_program({deploy("submit.sh"), run2.string(), inputs.string()}, env);
    EXPECT_EQ(merge_refused.exit_code, 8) << merge_refused.out << merge_refused.err;
    const std::string jobs = read_file((run2 / "jobs").string());
    std::smatch m;
    ASSERT_TRUE(std::regex_match(jobs, m, std::regex("([0-9]+) 0 3 0\n([0-9]+) 4 5 4\n"))) << jobs;
    const std::string a = m[1], b = m[2];
    EXPECT_NE(merge_refused.err.find("submit.sh: sbatch refused the merge job (sbatch: error: "
                                     "Batch job submission failed: Job violates accounting/QOS "
                                     "policy); the jobs of this run submitted before it (" +
                                     a + " " + b + ") were cancelled"),
              std::string::npos)
        << merge_refused.err;
    EXPECT_TRUE(SlurmCluster::wait_for(
        [&] {
            return cluster.run({"squeue", "-h", "-j", a + "," + b}).out.empty();
        },
        30))
        << cluster.run({"squeue", "-h", "-j", a + "," + b}).out;
    const RunResult st2 = run_program({deploy("status.sh"), run2.string()}, slurm);
    EXPECT_EQ(st2.exit_code, 1) << st2.out << st2.err;
    EXPECT_NE(st2.out.find("submission failed: sbatch refused the merge job"), std::string::npos)
        << st2.out;

    EXPECT_EQ(cluster.stop(), "");
}

TEST(SlurmFailures, ArraysWithinMaxArraySizeKilledTasksFailedResubmittedMergedEqualsSingle) {
    SlurmCluster cluster({kSmallArrays});
    ASSERT_EQ(cluster.error(), "")
        << "THE SLURM DAEMONS COULD NOT RUN HERE, so the scale-out path is untested. The "
           "cluster script said:\n"
        << cluster.error();
    TempDir tmp;
    const fs::path inputs = six_units(tmp);
    const fs::path faults = curcrunch_with_faults(tmp);
    const std::string single = tmp / "single.db";
    ASSERT_EQ(run_cli({"ingest", "--quiet", "--db", single, inputs.string()}).exit_code, 0);
    const std::vector<std::string> slurm = {cluster.conf_env()};
    auto status = [&](const fs::path& run) {
        return run_program({deploy("status.sh"), run.string()}, slurm);
    };

    // Index 1 hangs until cancelled; index 5 kills its batch shell.
    write_file(tmp / "hang-1", "");
    write_file(tmp / "kill-5", "");
    const fs::path run = tmp.path() / "run";
    const std::string main_db = tmp / "main.db";
    const RunResult submitted = run_program({deploy("submit.sh"), run.string(), inputs.string()},
                                            {cluster.conf_env(), "CURCRUNCH=" + faults.string(),
                                             "CURCRUNCH_DB=" + main_db, "SHARD_CONCURRENCY=1"});
    ASSERT_EQ(submitted.exit_code, 0) << submitted.out << submitted.err;
    // Six units, MaxArraySize 4: two arrays, each with task ids from 0, the second waiting for
    // the first so that one payer never runs more than K tasks.
    EXPECT_NE(submitted.out.find("6 unit(s) in 2 array job(s): "), std::string::npos)
        << submitted.out;
    EXPECT_NE(submitted.out.find("(at most 1 running per payer, at most 4 tasks per array)"),
              std::string::npos)
        << submitted.out;
    const std::string jobs = read_file((run / "jobs").string());
    std::smatch m;
    ASSERT_TRUE(std::regex_match(jobs, m, std::regex("([0-9]+) 0 3 0\n([0-9]+) 4 5 4\n"))) << jobs;
    const std::string a = m[1], b = m[2];
    EXPECT_EQ(cluster.job_field(b, "ArrayTaskId"), "0-1%1");
    EXPECT_EQ(cluster.job_field(b, "Dependency").rfind("afterany:" + a + "_*", 0), 0u)
        << cluster.job_field(b, "Dependency");
    const std::string merge_job = first_number(submitted.out, "merge job ([0-9]+)");
    ASSERT_NE(merge_job, "");

    // While index 1 hangs: 2 and 3 wait behind %1, 4 and 5 for the first array; all pending.
    ASSERT_TRUE(SlurmCluster::wait_for(
        [&] { return cluster.job_field(a + "_1", "JobState") == "RUNNING"; }, 60))
        << cluster.job_field(a + "_1", "JobState");
    const RunResult busy = status(run);
    EXPECT_EQ(busy.exit_code, 3) << busy.out << busy.err;
    EXPECT_EQ(busy.out.find("unknown"), std::string::npos) << busy.out;
    EXPECT_TRUE(std::regex_search(unit_line(busy.out, 1), std::regex(" running +- +" + a + "_1 ")))
        << busy.out;
    for (int i : {2, 3})
        EXPECT_TRUE(std::regex_search(unit_line(busy.out, i),
                                      std::regex(" pending +- +" + a + "_" + std::to_string(i))))
            << busy.out;
    for (int i : {4, 5})
        EXPECT_TRUE(std::regex_search(
            unit_line(busy.out, i), std::regex(" pending +- +" + b + "_" + std::to_string(i - 4))))
            << busy.out;

    // scancel ends index 1; index 5 (task 1 of the second array) dies without a record.
    ASSERT_EQ(cluster.run({"scancel", a + "_1"}).exit_code, 0);
    ASSERT_TRUE(SlurmCluster::wait_for(
        [&] {
            return fs::exists(run / "status" / "4") &&
                   cluster.job_field(b + "_1", "JobState") == "FAILED";
        },
        90))
        << cluster.job_field(b + "_1", "JobState");
    const RunResult failed = status(run);
    EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
    // The cancelled task recorded curcrunch's exit (143: SIGTERM); Slurm's state says why.
    EXPECT_TRUE(std::regex_search(unit_line(failed.out, 1),
                                  std::regex("2025-02 +CANCELLED +143 +" + a + "_1 ")))
        << failed.out;
    // The killed one recorded nothing: Slurm's state and exit code (signal 9).
    EXPECT_TRUE(std::regex_search(unit_line(failed.out, 5),
                                  std::regex("2025-06 +FAILED +0:9 +" + b + "_1 ")))
        << failed.out;
    EXPECT_TRUE(
        std::regex_search(unit_line(failed.out, 4), std::regex("2025-05 +done +0 +" + b + "_0 ")))
        << failed.out;
    EXPECT_NE(failed.out.find("merge job " + merge_job + ": PENDING DependencyNeverSatisfied"),
              std::string::npos)
        << failed.out;

    // A task Slurm no longer knows (MinJobAge after its end, no accounting) and that recorded
    // nothing is LOST, a failure too: the same run with indexes 4 and 5 last run by a job id
    // Slurm never gave out.
    const fs::path forgotten = tmp.path() / "forgotten";
    fs::copy(run, forgotten, fs::copy_options::recursive);
    write_file((forgotten / "jobs").string(), jobs + "999999 4 5 4\n");
    const RunResult lost = status(forgotten);
    EXPECT_EQ(lost.exit_code, 1) << lost.out << lost.err;
    EXPECT_TRUE(std::regex_search(unit_line(lost.out, 4), std::regex(" LOST +- +999999_0 ")))
        << lost.out;
    EXPECT_TRUE(std::regex_search(unit_line(lost.out, 5), std::regex(" LOST +- +999999_1 ")))
        << lost.out;

    // Fixed: both indexes run again, each as an array of one task, and the merge goes.
    fs::remove(tmp / "hang-1");
    fs::remove(tmp / "kill-5");
    const RunResult again = run_program({deploy("resubmit.sh"), run.string(), "1", "5"}, slurm);
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    const std::string c = first_number(again.out, "index 1: job ([0-9]+)_0\n");
    const std::string d = first_number(again.out, "index 5: job ([0-9]+)_0\n");
    ASSERT_NE(c, "") << again.out;
    ASSERT_NE(d, "") << again.out;
    // The merge waits for the new tasks that have not recorded success yet: on a busy machine a
    // task can run and record before resubmit.sh reads the records (its wait is then dropped),
    // so any in-order part of the two, down to none.
    EXPECT_TRUE(std::regex_search(
        again.out, std::regex("merge job " + merge_job + " now waits for: (" + c + "_0 " + d +
                              "_0|" + c + "_0|" + d + "_0|nothing)\n")))
        << again.out;
    ASSERT_TRUE(SlurmCluster::wait_for(
        [&] {
            const std::string s = cluster.job_field(merge_job, "JobState");
            return s == "COMPLETED" || s == "FAILED" || s == "CANCELLED";
        },
        90))
        << cluster.job_field(merge_job, "JobState");
    const RunResult done = status(run);
    EXPECT_EQ(done.exit_code, 0) << done.out << done.err;
    EXPECT_TRUE(std::regex_search(unit_line(done.out, 5), std::regex(" done +0 +" + d + "_0 ")))
        << done.out;
    EXPECT_EQ(first_difference(dump_rollups(main_db), dump_rollups(single)), "");
    const RunResult periods = run_cli({"periods", "--db", main_db});
    EXPECT_NE(periods.out.find("shard 4/6 of plan"), std::string::npos) << periods.out;
    EXPECT_NE(periods.out.find("(slurm:" + b + "_0)"), std::string::npos) << periods.out;
    EXPECT_NE(periods.out.find("(slurm:" + d + "_0)"), std::string::npos) << periods.out;

    // With Slurm gone, what the run recorded still answers: done. A unit without a record
    // cannot be told apart from one still queued: unknown, exit 4.
    EXPECT_EQ(cluster.stop(), "");
    const RunResult recorded = status(run);
    EXPECT_EQ(recorded.exit_code, 0) << recorded.out << recorded.err;
    EXPECT_NE(recorded.out.find("merge job " + merge_job + ": COMPLETED (merge.status)"),
              std::string::npos)
        << recorded.out;
    // (Its configuration with a 2 s message timeout: a controller that does not answer costs
    // the client 18 s of retries by default.)
    fs::remove(run / "status" / "3");
    const std::string conf = cluster.conf_env().substr(std::string("SLURM_CONF=").size());
    write_file(tmp / "gone.conf", read_file(conf) + "MessageTimeout=2\n");
    const RunResult unanswered =
        run_program({deploy("status.sh"), run.string()}, {"SLURM_CONF=" + tmp / "gone.conf"});
    EXPECT_EQ(unanswered.exit_code, 4) << unanswered.out << unanswered.err;
    EXPECT_TRUE(std::regex_search(unit_line(unanswered.out, 3), std::regex(" unknown +- ")))
        << unanswered.out;
    EXPECT_NE(unanswered.err.find("squeue failed, Slurm did not answer"), std::string::npos)
        << unanswered.err;
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
