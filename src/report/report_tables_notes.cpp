// The tables of the day-by-day findings and the back matter: anomalous days and what drove them,
// fee days, the invoice reconciliation, the recommendations' numbers and the sources.
#include "table_builders.hpp"

namespace curcrunch::report::tables {

namespace {

ReportTable judged_days(const std::vector<Anomaly>& days, const char* amount_title) {
    ReportTable t;
    t.columns = {{"day", "Day", CellKind::text, 110, Scope::none},
                 {"usage_cost", amount_title, CellKind::money, 100, Scope::row_day},
                 {"median", "Median of the days before", CellKind::money, 120, Scope::row_history},
                 {"deviation", "Deviation", CellKind::money, 100, Scope::row_history},
                 {"robust_z", "Robust z", CellKind::text, 85, Scope::row_history}};
    for (const auto& a : days) {
        const std::string day = format_day(a.day);
        t.rows.push_back(row(
            day, {day, money(a.value), money(a.median), money(a.value - a.median), format_z(a.z)}));
    }
    return t;
}

}  // namespace

ReportTable anomalies(const ReportData& d, const TableParams&) {
    return judged_days(d.anomalies, "Usage cost");
}

ReportTable fee_days(const ReportData& d, const TableParams&) {
    return judged_days(d.fee_days, "Fees");
}

// What moved on each anomalous day (anomaly.hpp AnomalyDriver), three rows a day at most.
ReportTable anomaly_drivers(const ReportData& d, const TableParams& p) {
    auto of = p.find("of");
    const bool fees = of != p.end() && of->second == "fees";
    ReportTable t;
    t.columns = {{"day", "Day", CellKind::text, 55, Scope::none},
                 {"service", "Service", CellKind::text, 105, Scope::none},
                 {"account", "Account", CellKind::text, 75, Scope::none},
                 {"usage_type", "Usage type", CellKind::text, 110, Scope::none},
                 {"amount", "That day", CellKind::money, 57, Scope::row_day},
                 {"median", "Median", CellKind::money, 55, Scope::row_history},
                 {"change", "Change", CellKind::money, 58, Scope::row_history}};
    for (const auto& a : fees ? d.fee_days : d.anomalies)
        for (size_t i = 0; i < a.drivers.size(); ++i) {
            const AnomalyDriver& dr = a.drivers[i];
            const std::string day = format_day(a.day);
            t.rows.push_back(row(day + '\x1f' + std::to_string(i + 1),
                                 {day, dr.service_label, dr.account, dr.usage_type,
                                  money(dr.amount), money(dr.median), money(dr.change())}));
        }
    return t;
}

ReportTable invoices(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"month", "Month", CellKind::text, 45, Scope::none},
                 {"invoices", "Inv.", CellKind::text, 25, Scope::none},
                 {"cur_total", "CUR total", CellKind::money, 65, Scope::row_month},
                 {"invoiced", "Invoiced", CellKind::money, 65, Scope::none},
                 {"tax", "Tax", CellKind::money, 55, Scope::none},
                 {"credits", "Credits", CellKind::money, 55, Scope::none},
                 {"paid", "Paid", CellKind::text, 70, Scope::none},
                 {"cost_explorer", "Cost Explorer", CellKind::money, 65, Scope::none},
                 {"difference", "Difference", CellKind::money, 70, Scope::row_month}};
    for (const auto& im : d.invoice_months) {
        TableRow r =
            row(im.month, {im.month, std::to_string(im.invoices), money(im.cur_total),
                           money(im.invoice_total), money(im.invoice_tax), money(im.credits),
                           im.payment_currency.empty() || im.payment_currency == im.currency
                               ? ""
                               : format_money(im.payment_total) + " " + im.payment_currency,
                           im.ce_total ? money(*im.ce_total) : "", money(im.difference)});
        r.flagged = im.flagged;
        t.rows.push_back(std::move(r));
    }
    return t;
}

// The numbers each recommendation's text states. Quantities (hours) go to the value column as
// exact decimals.
ReportTable recommendations(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"recommendation", "Recommendation", CellKind::text, 0, Scope::none},
                 {"figure", "Figure", CellKind::text, 0, Scope::none},
                 {"amount", "Amount", CellKind::money, 0, Scope::period},
                 {"percent", "Percent", CellKind::percent, 0, Scope::period},
                 {"value", "Value", CellKind::text, 0, Scope::period}};
    for (const auto& rec : d.recommendations)
        for (const auto& f : rec.figures) {
            const bool money = f.kind == CellKind::money, percent = f.kind == CellKind::percent;
            t.rows.push_back(row(rec.id + "." + f.name,
                                 {rec.title, f.name, money ? f.value : "", percent ? f.value : "",
                                  money || percent ? "" : f.value}));
        }
    return t;
}

ReportTable sources(const ReportData& d, const TableParams&) {
    ReportTable t;
    t.columns = {{"period", "Period", CellKind::text, 45, Scope::none},
                 {"file", "File", CellKind::text, 185, Scope::none},
                 {"assembly", "Assembly", CellKind::text, 95, Scope::none},
                 {"sha256", "sha256", CellKind::text, 190, Scope::none}};
    for (const auto& s : d.sources)
        t.rows.push_back(row(s.period + '\x1f' + s.path + '\x1f' + s.sha256,
                             {s.period, s.path, s.assembly_id, s.sha256}));
    return t;
}

}  // namespace curcrunch::report::tables
