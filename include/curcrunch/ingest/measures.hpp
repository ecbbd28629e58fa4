#pragma once
// The measures every rollup grain sums, as exact amounts (core/money.hpp); how each is read from
// a row is in ingest/row_decoder.cpp and ingest/commitment_cost.hpp.
#include "curcrunch/core/money.hpp"

namespace curcrunch::ingest {

struct Measures {
    Amount unblended = 0, blended = 0, net_unblended = 0, amortized = 0, net_amortized = 0,
           public_on_demand = 0, usage = 0;
    void add(const Measures& o) {
        unblended += o.unblended;
        blended += o.blended;
        net_unblended += o.net_unblended;
        amortized += o.amortized;
        net_amortized += o.net_amortized;
        public_on_demand += o.public_on_demand;
        usage += o.usage;
    }
};

}  // namespace curcrunch::ingest
