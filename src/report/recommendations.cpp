// Recommendations with the numbers behind them. Commitment advice (Savings Plans, Reserved
// Instances) is sized from on-demand usage only: line item type Usage at the OnDemand term.
// Usage a Savings Plan or RI already covers (SavingsPlanCoveredUsage, DiscountedUsage) and
// the negations that take its on-demand cost back are not on-demand spend, and counting them
// would recommend buying the same commitment twice.
#include "recommendations.hpp"

#include <algorithm>

#include "curcrunch/report/cell_text.hpp"

namespace curcrunch::report {
namespace {

// As every page prints money (cell_text.hpp).
std::string money(Amount a, const std::string& currency) {
    return money_text(a, currency);
}

std::string hours_text(Amount h) {
    return format_money(h, 0) + " h";
}

RecommendationFigure figure(std::string name, Amount v) {
    return {std::move(name), CellKind::money, to_plain_string(v)};
}

RecommendationFigure quantity(std::string name, Amount v) {
    return {std::move(name), CellKind::quantity, to_plain_string(v)};
}

// part * n > whole, exactly, for any two sums of stored amounts (part * n may pass 2^127).
bool more_than_share(Amount part, Amount whole, int n) {
    Amount p;
    if (__builtin_mul_overflow(part, static_cast<Amount>(n), &p)) return part > 0;
    return p > whole;
}

Amount month_hours(Period m) {
    return static_cast<Amount>(days_in_month(m / 100, static_cast<unsigned>(m % 100))) * 24 * kUnit;
}

void savings_plan(ReportData& d, const Aggregates& a) {
    const std::string& cur = d.currency;
    // Steady on-demand compute: the lowest month is a floor a Savings Plan would be used for.
    if (a.ondemand_compute.size() < 3) return;
    const OnDemandUsage* lo = &a.ondemand_compute.begin()->second;
    const OnDemandUsage* hi = lo;
    Period lo_month = a.ondemand_compute.begin()->first;
    for (const auto& [m, v] : a.ondemand_compute) {
        if (v.cost < lo->cost) lo = &v, lo_month = m;
        if (v.cost > hi->cost) hi = &v;
    }
    Amount hourly = 0;
    if (lo->cost <= 100 * kUnit || !mul_div(lo->cost, kUnit, month_hours(lo_month), hourly)) return;
    const std::string months = std::to_string(a.ondemand_compute.size());
    std::string covered;
    if (a.covered_compute.hours > 0)
        covered = " Usage already covered by Savings Plans or Reserved Instances (" +
                  hours_text(a.covered_compute.hours) +
                  " in the period) is not counted: it is not on-demand.";
    d.recommendations.push_back(
        {"savings_plan",
         "Cover steady on-demand EC2 compute with a Compute Savings Plan",
         "On-demand EC2 instance usage (line items of type Usage at on-demand rates) cost "
         "between " +
             money(lo->cost, cur) + " (" + hours_text(lo->hours) + ", " + format_period(lo_month) +
             ") and " + money(hi->cost, cur) + " (" + hours_text(hi->hours) + ") a month over " +
             months + " months. A commitment sized to the lowest month (" + money(hourly, cur) +
             "/hour of on-demand spend) would be fully used; at a typical 1-year discount of 20% "
             "it saves about " +
             money(lo->cost / 5, cur) + " a month (estimate)." + covered,
         {figure("lowest_month", lo->cost),
          quantity("lowest_month_hours", lo->hours),
          figure("highest_month", hi->cost),
          quantity("highest_month_hours", hi->hours),
          {"months", CellKind::text, months},
          figure("hourly_commitment", hourly),
          figure("monthly_saving", lo->cost / 5),
          quantity("covered_hours_excluded", a.covered_compute.hours)}});
}

// Instances of RDS, ElastiCache, OpenSearch and Redshift that ran on demand in every month:
// as many Reserved Instances as ran all month in the lowest month would be fully used.
void reserved_instances(ReportData& d, const Aggregates& a, DimText& dims) {
    const std::string& cur = d.currency;
    struct Candidate {
        std::string service, usage_type;
        Amount instances = 0, hours = 0, cost = 0;
        Period month = 0;
    };
    std::vector<Candidate> found;
    for (const auto& [key, months] : a.ondemand_instances) {
        if (months.size() < 3) continue;
        Period lo_month = 0;
        Amount lo_instances = -1;
        for (const auto& [m, u] : months) {
            const Amount n = u.hours / month_hours(m);  // instances running all month
            // The month with the fewest, and of those the one with the fewest hours.
            if (lo_instances < 0 || n < lo_instances ||
                (n == lo_instances && u.hours < months.at(lo_month).hours))
                lo_instances = n, lo_month = m;
        }
        if (lo_instances < 1) continue;
        const OnDemandUsage& u = months.at(lo_month);
        found.push_back(
            {dims(key.first), dims(key.second), lo_instances, u.hours, u.cost, lo_month});
    }
    if (found.empty()) return;
    std::sort(found.begin(), found.end(), [](const Candidate& x, const Candidate& y) {
        return x.cost != y.cost ? x.cost > y.cost : x.usage_type < y.usage_type;
    });
    if (found.size() > 3) found.resize(3);
    std::string detail;
    std::vector<RecommendationFigure> figures;
    for (const Candidate& c : found) {
        // The on-demand cost of the instances a reservation would cover, for a whole month.
        Amount covered = 0;
        if (!mul_div(c.cost, c.instances * month_hours(c.month), c.hours, covered)) continue;
        detail += (detail.empty() ? "" : "; ") + c.service + " " + c.usage_type + ": " +
                  std::to_string(static_cast<long long>(c.instances)) +
                  " instance(s) ran all month even in " + format_period(c.month) + " (" +
                  hours_text(c.hours) + " on demand, " + money(c.cost, cur) + ")";
        const std::string k = c.service + "." + c.usage_type;
        figures.push_back({k + ".instances", CellKind::text,
                           std::to_string(static_cast<long long>(c.instances))});
        figures.push_back(quantity(k + ".hours", c.hours));
        figures.push_back(figure(k + ".on_demand_cost", c.cost));
        figures.push_back(figure(k + ".monthly_saving", covered * 3 / 10));
    }
    d.recommendations.push_back(
        {"reserved_instances", "Reserve the database and cache instances that always run",
         "From on-demand usage only: " + detail +
             ". Reserving that many for 1 year saves about 30% of their on-demand cost (a typical "
             "No Upfront discount; estimate).",
         std::move(figures)});
}

void fastest_growing(ReportData& d, const Aggregates& a, DimText& dims) {
    const std::string& cur = d.currency;
    const Period last = period_of(d.params.to), before = add_months(last, -1);
    auto now_it = a.service_months.find(last), prev_it = a.service_months.find(before);
    if (now_it == a.service_months.end() || prev_it == a.service_months.end()) return;
    std::vector<std::pair<Amount, int64_t>> growth;
    for (const auto& [id, v] : now_it->second) {
        auto b = prev_it->second.find(id);
        const Amount base = b == prev_it->second.end() ? 0 : b->second;
        if (v - base > 10 * kUnit) growth.push_back({v - base, id});
    }
    std::sort(growth.begin(), growth.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    std::string detail;
    std::vector<RecommendationFigure> figures;
    for (size_t i = 0; i < growth.size() && i < 3; ++i) {
        const int64_t id = growth[i].second;
        auto b = prev_it->second.find(id);
        const Amount base = b == prev_it->second.end() ? 0 : b->second;
        const Amount v = now_it->second.at(id);
        auto name = a.service_name.find(id);
        detail += (i ? "; " : "") + (name == a.service_name.end() ? dims(id) : dims(name->second)) +
                  " " + money(base, cur) + " \u2192 " + money(v, cur) + " (" +
                  percent_change(v, base) + ")";
        figures.push_back(figure(dims(id) + ".before", base));
        figures.push_back(figure(dims(id) + ".after", v));
        figures.push_back({dims(id) + ".change", CellKind::percent, percent_change(v, base)});
    }
    if (!detail.empty())
        d.recommendations.push_back(
            {"growth", "Review the fastest-growing services",
             "From " + format_period(before) + " to " + format_period(last) + ": " + detail + ".",
             std::move(figures)});
}

void shares(ReportData& d, const Aggregates& a) {
    const std::string& cur = d.currency;
    const Amount untagged = a.untagged_base - a.tagged;
    if (a.untagged_base > 0 && more_than_share(untagged, a.untagged_base, 10)) {
        const std::string share = share_text(untagged, a.untagged_base);
        d.recommendations.push_back(
            {"untagged",
             "Tag the untagged spend",
             money(untagged, cur) + " of " + money(a.untagged_base, cur) + " (" + share +
                 ") carries no cost-allocation tag, so it cannot be charged back.",
             {figure("untagged", untagged),
              figure("base", a.untagged_base),
              {"share", CellKind::percent, share}}});
    }
    if (d.totals.total > 0 && more_than_share(a.data_transfer, d.totals.total, 20)) {
        const std::string share = share_text(a.data_transfer, d.totals.total);
        d.recommendations.push_back(
            {"data_transfer",
             "Look at data transfer",
             "Data transfer cost " + money(a.data_transfer, cur) + ", " + share +
                 " of the period's total: check cross-AZ traffic, NAT gateways and egress that "
                 "a CDN or VPC endpoints would avoid.",
             {figure("data_transfer", a.data_transfer), {"share", CellKind::percent, share}}});
    }
}

void anomalies(ReportData& d) {
    if (d.anomalies.empty()) return;
    const Anomaly* worst = &d.anomalies[0];
    auto size = [](const Anomaly& x) {
        const Amount v = x.value - x.median;
        return v < 0 ? -v : v;
    };
    for (const auto& x : d.anomalies)
        if (size(x) > size(*worst)) worst = &x;
    std::string cause;
    if (!worst->drivers.empty()) {
        const AnomalyDriver& dr = worst->drivers.front();
        cause = " Its largest driver: " + dr.service_label + ", account " + dr.account + ", " +
                dr.usage_type + " (" + money(dr.amount, d.currency) + " against a median of " +
                money(dr.median, d.currency) + ").";
    }
    d.recommendations.push_back(
        {"anomalies",
         "Explain the anomalous days",
         std::to_string(d.anomalies.size()) +
             " day(s) of usage cost deviate from the median of the 28 days with data before "
             "them by more than 3.5 robust z-scores and $25; the largest, " +
             format_day(worst->day) + ", had " + money(worst->value, d.currency) +
             " of usage against a median of " + money(worst->median, d.currency) + "." + cause,
         {{"days", CellKind::text, std::to_string(d.anomalies.size())},
          {"largest_day", CellKind::text, format_day(worst->day)},
          figure("largest_usage", worst->value),
          figure("largest_median", worst->median)}});
}

}  // namespace

void recommend(ReportData& d, const Aggregates& a, DimText& dims) {
    savings_plan(d, a);
    reserved_instances(d, a, dims);
    fastest_growing(d, a, dims);
    shares(d, a);
    anomalies(d);
}

}  // namespace curcrunch::report
