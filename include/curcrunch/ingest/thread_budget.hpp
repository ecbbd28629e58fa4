#pragma once
// How many threads of an ingest may work at once. tbb::this_task_arena::max_concurrency() alone
// does not say it: it gives the arena's size (the core count) and does not see the
// tbb::global_control limit that --threads sets (measured: 2 under a limit of 1).
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstddef>
#include <memory>

namespace curcrunch::ingest {

inline size_t thread_budget() {
    const size_t limit =
        tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
    const size_t arena = static_cast<size_t>(tbb::this_task_arena::max_concurrency());
    return std::max<size_t>(1, std::min(limit, arena));
}

// While alive, at most `threads` threads work for this process's ingests (0: as many as the
// cores): `ingest --threads` holds one over the whole command, so that the store write, whose
// helpers ask thread_budget(), keeps the limit as the parse does.
class ThreadLimit {
  public:
    explicit ThreadLimit(int threads) {
        if (threads > 0)
            limit_ = std::make_unique<tbb::global_control>(
                tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
    }

  private:
    std::unique_ptr<tbb::global_control> limit_;
};

}  // namespace curcrunch::ingest
