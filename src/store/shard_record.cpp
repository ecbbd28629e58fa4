#include "curcrunch/store/shard_record.hpp"

#include <openssl/rand.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>

#include "curcrunch/core/error.hpp"

namespace curcrunch::store {
namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

const char* kColumns =
    "shard_id, plan_id, plan_units, unit_index, unit, version_seen, host, job, tool_version, "
    "schema_version, started_at, finished_at, shard_ingest_id, ingest_id, merged_at, merged_from";

ShardRecord read_record(const Statement& st) {
    ShardRecord r;
    r.shard_id = st.column_text(0);
    r.plan_id = st.column_text(1);
    r.plan_units = st.column_int(2);
    r.unit_index = st.column_int(3);
    r.unit = st.column_text(4);
    r.version_seen = st.column_text(5);
    r.host = st.column_text(6);
    r.job = st.column_text(7);
    r.tool_version = st.column_text(8);
    r.schema_version = st.column_int(9);
    r.started_at = st.column_text(10);
    r.finished_at = st.column_text(11);
    r.shard_ingest_id = st.column_int(12);
    r.ingest_id = st.column_int(13);
    r.merged_at = st.column_text(14);
    r.merged_from = st.column_text(15);
    return r;
}

std::vector<ShardRecord> select_records(Database& db, const std::string& where,
                                        const std::function<void(Statement&)>& bind = nullptr) {
    auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM main.shard_run WHERE " + where);
    if (bind) bind(st);
    std::vector<ShardRecord> out;
    while (st.step())
        out.push_back(read_record(st));
    return out;
}

}  // namespace

std::string new_shard_id() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) throw Error(ErrorKind::internal, "no randomness for an id");
    static const char* hex = "0123456789abcdef";
    std::string id;
    for (unsigned char c : b) {
        id += hex[c >> 4];
        id += hex[c & 15];
    }
    return id;
}

std::string this_host() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) return "";
    return host;
}

std::string scheduler_job_id() {
    if (std::string array = env("SLURM_ARRAY_JOB_ID"); !array.empty())
        return "slurm:" + array + "_" + env("SLURM_ARRAY_TASK_ID");
    if (std::string job = env("SLURM_JOB_ID"); !job.empty()) return "slurm:" + job;
    if (std::string index = env("JOB_COMPLETION_INDEX"); !index.empty())
        return "kubernetes:" + env("HOSTNAME") + "#" + index;
    if (std::string batch = env("AWS_BATCH_JOB_ID"); !batch.empty()) return "aws-batch:" + batch;
    return "";
}

void put_shard_record(Database& db, const ShardRecord& r) {
    auto st = db.prepare(std::string("INSERT INTO main.shard_run(") + kColumns +
                         ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, r.shard_id)
        .bind(2, r.plan_id)
        .bind(3, r.plan_units)
        .bind(4, r.unit_index)
        .bind(5, r.unit)
        .bind(6, r.version_seen)
        .bind(7, r.host)
        .bind(8, r.job)
        .bind(9, r.tool_version)
        .bind(10, r.schema_version)
        .bind(11, r.started_at)
        .bind(12, r.finished_at)
        .bind(13, r.shard_ingest_id)
        .bind(14, r.ingest_id)
        .bind(15, r.merged_at)
        .bind(16, r.merged_from);
    st.run();
}

bool is_shard_store(Database& db) {
    auto st = db.prepare(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'shard_run'");
    if (!st.step() || st.column_int(0) == 0) return false;
    auto own = db.prepare("SELECT count(*) FROM shard_run WHERE merged_at = ''");
    return own.step() && own.column_int(0) == 1;
}

ShardRecord own_shard_record(Database& db) {
    auto records = select_records(db, "merged_at = ''");
    if (records.size() != 1)
        throw_input(db.path() + (records.empty()
                                     ? " is not a finished shard store (it has no shard record: "
                                       "written by `ingest|fetch --shard`?)"
                                     : " holds more than one shard record"));
    return records.front();
}

std::optional<ShardRecord> merged_run(Database& db, const ShardRecord& run) {
    // By (plan_id, unit_index), the index shard_run keeps: a merge looks this up per shard.
    auto r = select_records(
        db, "plan_id = ? AND unit_index = ? AND shard_id = ? AND merged_at <> '' LIMIT 1",
        [&](Statement& st) {
            st.bind(1, run.plan_id).bind(2, run.unit_index).bind(3, run.shard_id);
        });
    if (r.empty()) return std::nullopt;
    return r.front();
}

std::optional<ShardRecord> shard_of_ingest(Database& db, int64_t ingest_id) {
    auto r = select_records(db, "merged_at <> '' AND ingest_id = ? ORDER BY rowid DESC LIMIT 1",
                            [&](Statement& st) { st.bind(1, ingest_id); });
    if (r.empty()) return std::nullopt;
    return r.front();
}

}  // namespace curcrunch::store
