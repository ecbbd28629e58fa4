// A report's cost by tag key or cost category: the period by value, by month and value, and month
// over month by value, each through the store's query API (store/query_tags.hpp), so the PDF
// states exactly what `summary --by tag:KEY` and the dashboard's Categories page state.
#include "report_groupings.hpp"

#include <algorithm>

#include "curcrunch/core/error.hpp"
#include "curcrunch/report/report_query.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/query_mom.hpp"
#include "curcrunch/store/query_tags.hpp"

namespace curcrunch::report {
namespace {

store::Query scope_of(const ReportParams& p, const store::Grouping& g) {
    store::Query q = scope_query(p);
    q.by = g.by;
    q.tag_key = g.key;
    return q;
}

}  // namespace

store::Query scope_query(const ReportParams& p) {
    store::Query q;
    q.from = p.from;
    q.to = p.to;
    q.payers = p.payers;
    q.accounts = p.accounts;
    q.services = p.services;
    q.regions = p.regions;
    q.measure = p.measure;
    q.currency = p.every_currency ? "" : p.currency;
    q.any_currency = p.every_currency;
    return q;
}

std::string GroupedCost::title() const {
    return (by == store::Dimension::category ? "cost category " : "tag ") + key;
}

void gather_groupings(ReportData& d, store::Database& db, Day mom_end) {
    const ReportParams& p = d.params;
    for (const store::Grouping& g : p.groupings) {
        const std::string name = store::grouping_name(g.by, g.key);
        if (d.groupings.count(name)) continue;  // the same --by twice: one page
        GroupedCost c;
        c.by = g.by;
        c.key = g.key;
        store::Query q = scope_of(p, g);
        q.grain = store::Grain::total;
        Amount sum = 0;
        for (const store::ResultRow& r : store::run_query(db, q)) {
            c.values.push_back({r.key, r.label, r.measure(p.measure)});
            sum += r.measure(p.measure);
        }
        // Untagged is what the cost rollup holds beyond the key's values, so the values add up
        // to the period's total by construction; a difference is a bug, never a figure to print.
        if (sum != d.totals.total)
            throw Error(ErrorKind::internal, "report: the values of " + c.title() + " add up to " +
                                                 to_plain_string(sum) + ", not the total " +
                                                 to_plain_string(d.totals.total));
        std::sort(c.values.begin(), c.values.end(), [](const KeyAmount& a, const KeyAmount& b) {
            return a.amount != b.amount ? a.amount > b.amount : a.key < b.key;
        });
        q.grain = store::Grain::month;
        for (const store::ResultRow& r : store::run_query(db, q))
            c.months[r.bucket][r.key] += r.measure(p.measure);

        store::MomQuery m;
        m.scope = scope_of(p, g);
        m.months = kReportMomMonths;
        m.end = mom_end;
        d.mom[name] = store::month_over_month(db, m);
        d.groupings[name] = std::move(c);
    }
}

}  // namespace curcrunch::report
