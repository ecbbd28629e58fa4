// The "Cost by" pages: one per tag key or cost category the report was asked to group by
// (report --by tag:KEY / category:KEY), in the order asked.
#include "curcrunch/report/report_charts.hpp"
#include "curcrunch/report/report_scope.hpp"
#include "pdf_pages.hpp"

namespace curcrunch::report {

void grouping_pages(PdfLayout& L, TablePrinter& P, const ReportData& d,
                    const chart::TextMetrics& m) {
    for (const store::Grouping& g : d.params.groupings) {
        const std::string name = store::grouping_name(g.by, g.key);
        auto it = d.groupings.find(name);
        if (it == d.groupings.end()) continue;
        const GroupedCost& c = it->second;
        L.new_page("Cost by " + c.title());
        L.paragraph("The period's " + measure_label(d.params.measure) + " by the values of " +
                        c.title() +
                        "; \"untagged\" is the cost carrying no value of it, so the rows add up "
                        "to the period's total.",
                    8.5);
        P.print(P.make("by_value", {{"by", name}, {"limit", "25"}}));
        L.chart(stacked_months_scene(
            P.make("value_months", {{"by", name},
                                    {"months", stacked_months_param(d)},
                                    {"limit", std::to_string(kStackedServices)}}),
            d, m, L.content_width(),
            "Monthly cost by " + c.title() + " (top " + std::to_string(kStackedServices) +
                " values, the rest as Other)"));
        auto mom = d.mom.find(name);
        if (mom == d.mom.end() || mom->second.months.empty()) continue;
        std::string months;
        bool partial = false;
        for (const store::MomMonth& mm : mom->second.months) {
            months += (months.empty() ? "" : ",") + format_period(mm.month);
            partial = partial || mm.partial;
        }
        L.heading("Month over month by " + c.title());
        L.paragraph(std::string("The last month's change against the month before, like for "
                                "like") +
                        (partial ? "; (partial) marks a month with data for only part of it" : "") +
                        ".",
                    8.5);
        P.print(P.make("month_over_month",
                       {{"of", name}, {"months", months}, {"limit", top_param(d.params.top)}}));
    }
}

}  // namespace curcrunch::report
