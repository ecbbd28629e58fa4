#include "curcrunch/report/report_scope.hpp"

namespace curcrunch::report {
namespace {

std::string joined(const std::vector<std::string>& v) {
    std::string o;
    for (const auto& x : v)
        o += (o.empty() ? "" : ", ") + x;
    return o;
}

// "account 1111" / "3 accounts" (or the list, when it is short).
std::string counted(const std::vector<std::string>& v, const char* one, const char* many,
                    size_t list_up_to) {
    if (v.size() == 1) return std::string(one) + " " + v[0];
    if (v.size() <= list_up_to) return std::string(many) + " " + joined(v);
    return std::to_string(v.size()) + " " + many;
}

std::string filters(const ReportParams& p, size_t list_up_to) {
    std::string s;
    auto add = [&](const std::vector<std::string>& v, const char* one, const char* many) {
        if (!v.empty()) s += (s.empty() ? "" : ", ") + counted(v, one, many, list_up_to);
    };
    add(p.payers, "payer", "payers");
    add(p.accounts, "account", "accounts");
    add(p.services, "service", "services");
    add(p.regions, "region", "regions");
    return s;
}

std::string period(const ReportParams& p) {
    return format_day(p.from) + " to " + format_day(p.to);
}

}  // namespace

std::string measure_label(store::Measure m) {
    switch (m) {
        case store::Measure::unblended:
            return "unblended cost";
        case store::Measure::net_unblended:
            return "net unblended cost";
        case store::Measure::amortized:
            return "amortized cost";
        case store::Measure::net_amortized:
            return "net amortized cost";
        case store::Measure::blended:
            return "blended cost";
        case store::Measure::public_on_demand:
            return "public on-demand cost";
        case store::Measure::usage:
            return "usage quantity";
    }
    return "unblended cost";
}

std::string report_title(const ReportParams& p) {
    const std::string f = filters(p, 2);
    return "AWS cost report " + period(p) + (f.empty() ? "" : " \u00b7 " + f);
}

std::string header_line(const ReportParams& p) {
    std::string s = "Period " + period(p);
    if (!p.preset.empty()) s += " (" + p.preset + ")";
    const std::string f = filters(p, 1);
    s += " \u00b7 " + (f.empty() ? std::string("all accounts and services") : f);
    if (p.min_cost) s += " \u00b7 rows under " + format_money(*p.min_cost) + " summed";
    return s + " \u00b7 " + measure_label(p.measure);
}

std::vector<std::string> scope_lines(
    const ReportParams& p, const std::function<std::string(const std::string&)>& account_label) {
    std::vector<std::string> out;
    out.push_back("Period: " + period(p) + (p.preset.empty() ? "" : " (preset " + p.preset + ")"));
    if (p.compare_from)
        out.push_back("Compared with: " + format_day(p.compare_from) + " to " +
                      format_day(p.compare_to));
    auto list = [](const std::vector<std::string>& v) {
        return v.empty() ? std::string("all") : joined(v);
    };
    std::vector<std::string> accounts = p.accounts;
    if (account_label)
        for (auto& a : accounts)
            a = account_label(a);
    // A report of every payer says nothing of payers, as before there were several.
    if (!p.payers.empty()) {
        std::vector<std::string> payers = p.payers;
        if (account_label)
            for (auto& a : payers)
                a = account_label(a);
        out.push_back("Payers: " + list(payers));
    }
    out.push_back("Accounts: " + list(accounts));
    out.push_back("Services: " + list(p.services));
    out.push_back("Regions: " + list(p.regions));
    if (p.min_cost)
        out.push_back("Rows under " + format_money(*p.min_cost) +
                      " are summed as \"Below threshold (N)\"; totals and shares include them");
    out.push_back("Measure: " + measure_label(p.measure) + ", exact to the cent");
    // Amounts of two currencies are never added together (store/currency_scope.hpp).
    if (!p.currency.empty())
        out.push_back("Currency: " + p.currency + " (only amounts billed in " + p.currency + ")");
    return out;
}

}  // namespace curcrunch::report
