#pragma once
// A scan split across two cores (internal to src/report): one thread steps SQLite and decodes
// the rows, the calling thread adds them up. Decoding is most of a report's scan, the adding up
// most of the rest, so the two overlap instead of taking turns.
#include <functional>

#include "report_scan.hpp"

namespace curcrunch::report {

// src.scan(from, to, filtered) with `fn` called on this thread, in the scan's order. The reading
// thread uses src's connection: `fn` must not use it. An error of either side ends both and is
// thrown here. A cube (already in memory) is scanned on this thread alone.
void scan_alongside(const RowSource& src, Day from, Day to, bool filtered,
                    const std::function<void(const CostRow&)>& fn);

}  // namespace curcrunch::report
