#include "mom_listing.hpp"

#include "curcrunch/cli/output.hpp"
#include "curcrunch/store/query_mom.hpp"

namespace curcrunch::cli {
namespace {

std::string window_text(const store::WindowCoverage& w) {
    return format_day(w.from) + ".." + format_day(w.to);
}

}  // namespace

void print_month_over_month(store::Database& db, const store::Query& q, int months, Day end,
                            OutputFormat format) {
    store::MomQuery mq;
    mq.scope = q;
    mq.months = months;
    mq.end = end;
    mq.top = q.limit;
    const store::MonthOverMonth m = store::month_over_month(db, mq);
    std::vector<std::vector<std::string>> rows;
    // A month's rows, then the next month's: ranked rows, "Other (N)", the total.
    for (size_t i = 0; i < m.months.size(); ++i) {
        const store::MomMonth& mm = m.months[i];
        std::string status = mm.status ? store::period_status_name(*mm.status) : "";
        if (mm.coverage.none()) status = "no data";
        const std::string compared =
            window_text(mm.compared.current) + " vs " + window_text(mm.compared.previous);
        auto add = [&](const store::MomRow& r, const std::string& key) {
            const store::MomCell& c = r.cells[i];
            rows.push_back({format_period(mm.month), key, r.label,
                            c.amount ? money_cell(format, *c.amount)
                                     : (format == OutputFormat::table ? "no data" : ""),
                            money_cell(format, c.previous), money_cell(format, c.change()),
                            c.percent, mm.partial ? "yes" : "no", status, compared});
        };
        for (const store::MomRow& r : m.rows)
            add(r, r.key);
        if (m.other) add(*m.other, "(other)");
        add(m.total, "(total)");
    }
    print_rows(format,
               {"month", "key", "label", store::measure_name(m.measure), "previous", "change",
                "change_percent", "partial", "status", "compared"},
               rows);
}

}  // namespace curcrunch::cli
