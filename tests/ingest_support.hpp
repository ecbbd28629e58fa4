#pragma once
// Helpers for tests that run the ingest engine in-process.
#include "curcrunch/core/money.hpp"
#include "curcrunch/ingest/engine.hpp"

namespace testsupport {

// The unblended cost of every cost group of an ingest, summed.
inline curcrunch::Amount total(const curcrunch::ingest::IngestResult& r) {
    curcrunch::Amount t = 0;
    for (const auto& e : r.rollup.cost.entries())
        t += e.value.unblended;
    return t;
}

}  // namespace testsupport
