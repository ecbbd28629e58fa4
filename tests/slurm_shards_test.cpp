// A sharded run on a real Slurm cluster (tests/slurm_cluster.hpp) through the scripts in
// deploy/slurm/: the bundled samples plus a second generated payer as one job array per payer,
// one shard made to fail with bad input, the merge kept pending by it, the index resubmitted
// after the input is fixed, and the merged store compared with a single-machine ingest of the
// same inputs, rollup by rollup.
//
// The daemons need root and Debian's slurmctld, slurmd, slurm-client and munge (setup.sh
// installs them). When they cannot run, this test fails and says why: it never skips.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>

#include "slurm_cluster.hpp"
#include "test_support.hpp"
#include "unity_id.hpp"

namespace CURCRUNCH_UNITY_ID {

using namespace testsupport;
namespace fs = std::filesystem;

namespace {

std::string deploy(const std::string& script) {
    return std::string(CURCRUNCH_SOURCE_DIR) + "/deploy/slurm/" + script;
}

void copy_tree(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive);
}

// The fields of a status/N line ("index=3 exit=0 job=12_3 ...").
std::map<std::string, std::string> status_of(const fs::path& file) {
    std::map<std::string, std::string> out;
    std::istringstream in(read_file(file.string()));
    for (std::string kv; in >> kv;)
        if (auto eq = kv.find('='); eq != std::string::npos)
            out[kv.substr(0, eq)] = kv.substr(eq + 1);
    return out;
}

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

// "" when equal, else the line counts and the first line that differs.
std::string difference(const std::string& a, const std::string& b) {
    if (a == b) return "";
    std::istringstream ia(a), ib(b);
    std::string la, lb;
    for (size_t n = 1;; ++n) {
        const bool ea = !std::getline(ia, la), eb = !std::getline(ib, lb);
        if (ea || eb || la != lb)
            return "first difference at line " + std::to_string(n) +
                   ":\n  merged: " + (ea ? "<end>" : la) + "\n  single: " + (eb ? "<end>" : lb);
    }
}

size_t files_in(const fs::path& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        n += e.path().extension() != ".partial";
    return n;
}

// The (payer, period) units as a single ingest and a merge must agree on, coverage included:
// everything but which ingest wrote them and when.
std::string period_values(const std::string& db) {
    return query_one(db,
                     "SELECT group_concat(line, char(10)) FROM (SELECT payer || '|' || period || "
                     "'|' || rows || '|' || min_day || '|' || max_day || '|' || unblended || '|' "
                     "|| invoice_ids || '|' || invoice_column || '|' || manifest || '|' || "
                     "assembly_id AS line FROM billing_period ORDER BY payer, period)");
}

// Every string with its reference count.
std::string dim_values(const std::string& db) {
    return query_one(db,
                     "SELECT group_concat(line, char(10)) FROM (SELECT value || '|' || refs AS "
                     "line FROM dim ORDER BY value)");
}

TEST(SlurmShards, ArrayPerPayerFailedIndexResubmittedThenMergedEqualsSingleIngest) {
    SlurmCluster cluster;
    ASSERT_EQ(cluster.error(), "")
        << "THE SLURM DAEMONS COULD NOT RUN HERE, so the scale-out path is untested. The "
           "cluster script said:\n"
        << cluster.error();
    const std::vector<std::string> slurm = {cluster.conf_env()};

    TempDir tmp;
    const fs::path inputs = tmp.path() / "inputs";
    copy_tree(fs::path(CURCRUNCH_SOURCE_DIR) / "samples", inputs / "samples");
    // A second export (payer number 2: neither of the samples' two), CUR 2.0, in the samples'
    // last two months: those months' units come from shards of both array jobs.
    const std::string gen =
        "gen --layout --daily --gzip --gzip-level 1 --dialect cur2 --months 2 --start 2026-09 "
        "--payers 1 "
        "--first-payer 2 --accounts 2 --resources 4 --seed 11 --report-name second-payer --out";
    ASSERT_EQ(run_cli(words(gen + " " + (inputs / "second").string())).exit_code, 0);
    const std::vector<std::string> sources = {(inputs / "samples").string(),
                                              (inputs / "second").string()};

    // The single-machine reference.
    const std::string single = tmp / "single.db";
    std::vector<std::string> ingest = {"ingest", "--quiet", "--db", single};
    ingest.insert(ingest.end(), sources.begin(), sources.end());
    ASSERT_EQ(run_cli(ingest).exit_code, 0);

    // Break the March delivery of the samples: its index is the line whose source names it.
    std::vector<std::string> list = {"shards", "--quiet"};
    list.insert(list.end(), sources.begin(), sources.end());
    const RunResult plan = run_cli(list);
    ASSERT_EQ(plan.exit_code, 0) << plan.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(plan.out, m, std::regex("\n?([0-9]+)\t[^\n]*20260301-20260401")));
    const std::string bad_index = m[1];
    fs::path bad_file;
    for (const auto& e : fs::recursive_directory_iterator(inputs / "samples/curcrunch-demo/"
                                                                   "20260301-20260401"))
        if (e.path().extension() == ".gz") bad_file = e.path();
    const std::string good_bytes = read_file(bad_file.string());
    write_file(bad_file.string(), good_bytes.substr(0, 1000));  // a truncated gzip stream

    const fs::path run = tmp.path() / "run";
    const std::string main_db = tmp / "main.db";
    std::vector<std::string> env = {cluster.conf_env(), "CURCRUNCH=" CURCRUNCH_BINARY,
                                    "CURCRUNCH_DB=" + main_db, "SHARD_CONCURRENCY=4"};
    std::vector<std::string> submit = {deploy("submit.sh"), run.string()};
    submit.insert(submit.end(), sources.begin(), sources.end());
    const RunResult submitted = run_program(submit, env);
    ASSERT_EQ(submitted.exit_code, 0) << submitted.out << submitted.err;
    const size_t units = std::count(plan.out.begin(), plan.out.end(), '\n');
    ASSERT_GE(units, 4u);
    EXPECT_NE(submitted.out.find(std::to_string(units) + " unit(s) in 2 array job(s)"),
              std::string::npos)
        << submitted.out;
    std::smatch mj;
    ASSERT_TRUE(std::regex_search(submitted.out, mj, std::regex("merge job ([0-9]+)")));
    const std::string merge_job = mj[1];
    EXPECT_EQ(cluster.job_field(merge_job, "Dependency").rfind("afterok:", 0), 0u);

    // Every index finishes; the broken one with exit code 3 (bad input), the rest with 0.
    ASSERT_TRUE(SlurmCluster::wait_for([&] { return files_in(run / "status") == units; }, 120))
        << files_in(run / "status") << " of " << units << " indexes finished";
    for (size_t i = 0; i < units; ++i) {
        auto s = status_of(run / "status" / std::to_string(i));
        EXPECT_EQ(s["exit"], std::to_string(i) == bad_index ? "3" : "0") << "index " << i;
    }
    // Its log says why.
    const std::string bad_job = status_of(run / "status" / bad_index)["job"];
    const std::string bad_log =
        read_file((run / "logs" / ("shard-job" + bad_job + ".out")).string());
    EXPECT_NE(bad_log.find("truncated gzip stream"), std::string::npos) << bad_log;
    // The merge stays pending: Slurm knows its dependency can no longer be satisfied.
    EXPECT_TRUE(SlurmCluster::wait_for(
        [&] { return cluster.job_field(merge_job, "Reason") == "DependencyNeverSatisfied"; }, 30))
        << cluster.job_field(merge_job, "Reason");
    EXPECT_EQ(cluster.job_field(merge_job, "JobState"), "PENDING");
    EXPECT_FALSE(fs::exists(main_db));
    // status.sh names the failed index with its exit code, and exits 1.
    const RunResult status = run_program({deploy("status.sh"), run.string()}, slurm);
    EXPECT_EQ(status.exit_code, 1) << status.out << status.err;
    EXPECT_TRUE(std::regex_search(
        status.out, std::regex("\n" + bad_index + " +010000000000 +2026-03 +FAILED +3 ")))
        << status.out;
    // Slurm's own record of the task says the same.
    EXPECT_EQ(cluster.job_field(bad_job, "ExitCode"), "3:0");

    // The input is fixed and the index runs again on its own; then the merge runs.
    write_file(bad_file.string(), good_bytes);
    const RunResult again = run_program({deploy("resubmit.sh"), run.string(), bad_index}, slurm);
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("merge job " + merge_job + " now waits for: "), std::string::npos)
        << again.out;
    ASSERT_TRUE(SlurmCluster::wait_for(
        [&] {
            const std::string s = cluster.job_field(merge_job, "JobState");
            return s == "COMPLETED" || s == "FAILED" || s == "CANCELLED";
        },
        90))
        << cluster.job_field(merge_job, "JobState") << " "
        << cluster.job_field(merge_job, "Reason");
    EXPECT_EQ(cluster.job_field(merge_job, "JobState"), "COMPLETED")
        << read_file((run / "logs" / ("merge-job" + merge_job + ".out")).string());
    const RunResult done = run_program({deploy("status.sh"), run.string()}, slurm);
    EXPECT_EQ(done.exit_code, 0) << done.out << done.err;

    // The merged store holds exactly what the single ingest holds.
    EXPECT_EQ(difference(dump_rollups(main_db), dump_rollups(single)), "");
    EXPECT_EQ(difference(period_values(main_db), period_values(single)), "");
    EXPECT_EQ(difference(dim_values(main_db), dim_values(single)), "");
    EXPECT_EQ(query_one(main_db,
                        "SELECT count(*) || ' ' || count(DISTINCT payer) FROM "
                        "billing_period"),
              "26 3");
    // periods says which shard each unit came from.
    const RunResult periods = run_cli({"periods", "--db", main_db});
    EXPECT_EQ(periods.exit_code, 0) << periods.err;
    EXPECT_NE(periods.out.find("shard " + bad_index + "/" + std::to_string(units)),
              std::string::npos)
        << periods.out;

    EXPECT_EQ(cluster.stop(), "");
}

}  // namespace

}  // namespace CURCRUNCH_UNITY_ID
