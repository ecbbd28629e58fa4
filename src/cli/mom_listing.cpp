#include "mom_listing.hpp"

#include "curcrunch/cli/output.hpp"
#include "curcrunch/store/query_mom.hpp"

namespace curcrunch::cli {
namespace {

std::string window_text(const store::DateRange& w) {
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
    // Usage quantities are no money: their cells carry no currency.
    const std::string money = q.measure == store::Measure::usage ? "" : q.currency;
    std::vector<std::vector<std::string>> rows;
    // A month's rows, then the next month's: ranked rows, "Other (N)", the total.
    for (size_t i = 0; i < m.months.size(); ++i) {
        const store::MomMonth& mm = m.months[i];
        // Each row's own coverage (in a table by payer, its payer's): its status, whether it
        // is partial and the windows compared.
        auto add = [&](const store::MomRow& r, const std::string& key) {
            const store::MomCell& c = r.cells[i];
            std::string status = c.status ? store::period_status_name(*c.status) : "";
            if (!c.amount) status = "no data";
            rows.push_back(
                {format_period(mm.month), key, r.label,
                 c.amount ? money_cell(format, *c.amount, money)
                          : (format == OutputFormat::table ? "no data" : ""),
                 money_cell(format, c.previous, money), money_cell(format, c.change(), money),
                 c.percent, c.partial ? "yes" : "no", status,
                 window_text(c.current) + " vs " + window_text(c.previous_window), q.currency});
        };
        for (const store::MomRow& r : m.rows)
            add(r, r.key);
        if (m.other) add(*m.other, "(other)");
        add(m.total, "(total)");
    }
    print_rows(format,
               {"month", "key", "label", store::measure_name(m.measure), "previous", "change",
                "change_percent", "partial", "status", "compared", "currency"},
               rows);
}

}  // namespace curcrunch::cli
