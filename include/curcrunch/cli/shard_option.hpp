#pragma once
// --shard N --shards-file F: run one unit of a `curcrunch shards` plan (ingest and fetch).
#include <optional>
#include <string>

#include "curcrunch/cli/options.hpp"
#include "curcrunch/ingest/shard_plan.hpp"
#include "curcrunch/store/shard_record.hpp"

namespace curcrunch::cli {

struct ShardOption {
    std::optional<std::string> shard, shards_file;
    void declare(OptionSet& o);
    // Either option given (then both must be).
    bool given() const { return shard.has_value() || shards_file.has_value(); }

    struct Selected {
        ingest::ShardPlan plan;
        long long index = 0;
        ingest::ShardUnit unit;
        // The shard's record, but for what the store fills in (ingest ids, versions).
        store::ShardRecord record(const std::string& started_at) const;
    };
    // Loads the plan and picks the unit: Error(usage) for a missing partner option or an index
    // outside the plan, Error(input) for a malformed shards file.
    Selected select() const;
};

}  // namespace curcrunch::cli
