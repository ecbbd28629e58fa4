#include "curcrunch/cli/shard_option.hpp"

#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {

void ShardOption::declare(OptionSet& o) {
    o.value("--shard", shard, "N",
            "run unit N (0-based: line N+1) of --shards-file into a new shard store at --db; "
            "a scheduler's array index ($SLURM_ARRAY_TASK_ID, $JOB_COMPLETION_INDEX, "
            "$AWS_BATCH_JOB_ARRAY_INDEX)");
    o.value("--shards-file", shards_file, "FILE", "the units, as written by `curcrunch shards`");
}

ShardOption::Selected ShardOption::select() const {
    if (!shard) throw_usage("--shards-file needs --shard N (the unit to run)");
    if (!shards_file) throw_usage("--shard needs --shards-file (the output of curcrunch shards)");
    Selected s;
    s.index = parse_int("--shard", *shard, 0, 999999999);
    s.plan = ingest::ShardPlan::load(*shards_file);
    s.unit = s.plan.at(s.index);
    return s;
}

store::ShardRecord ShardOption::Selected::record(const std::string& started_at) const {
    store::ShardRecord r;
    r.shard_id = store::new_shard_id();
    r.plan_id = plan.id();
    r.plan_units = static_cast<int64_t>(plan.size());
    r.unit_index = index;
    r.unit = plan.line(static_cast<size_t>(index));
    r.version_seen = unit.version;
    r.host = store::this_host();
    r.job = store::scheduler_job_id();
    r.started_at = started_at;
    r.finished_at = store::now_utc_iso();
    return r;
}

}  // namespace curcrunch::cli
