// Billing: the customer invoices `billing run` stored, per customer — the month's invoice and
// its lines, the month-over-month totals of the view's range, and the margin against the AWS
// cost. The month shown is the last month of the view's range that has invoices.
#include <map>
#include <set>

#include "curcrunch/billing/currency.hpp"
#include "curcrunch/billing/invoice_files.hpp"
#include "curcrunch/billing/invoice_json.hpp"
#include "curcrunch/billing/invoice_store.hpp"
#include "curcrunch/billing/margin_report.hpp"
#include "curcrunch/core/json_text.hpp"
#include "page_parts.hpp"
#include "pages.hpp"

namespace curcrunch::serve {
namespace {

// The invoices of the view's months: the current version of each customer's invoice (drafts
// and finals; superseded versions and credit notes are in `billing invoices`).
struct BillingView {
    Period month = 0;            // the month shown in detail, 0 when no invoice is in range
    std::vector<Period> months;  // every month of the range with invoices, oldest first
    std::map<std::string, std::map<Period, billing::StoredInvoice>> by_customer;
    std::vector<billing::MarginLine> margin;  // of `month`
};

BillingView load(const ViewContext& c) {
    BillingView b;
    const Period first = period_of(c.view.report.from), last = period_of(c.view.report.to);
    std::set<Period> months;
    for (auto& s : billing::list_customer_invoices(c.db, 0, "")) {
        if (s.kind != "invoice" || s.status == "superseded") continue;
        if (s.period < first || s.period > last) continue;
        months.insert(s.period);
        b.by_customer[s.customer][s.period] = std::move(s);
    }
    b.months.assign(months.begin(), months.end());
    if (!b.months.empty()) {
        b.month = b.months.back();
        b.margin = billing::margin_lines(billing::stored_margin(c.db, b.month));
    }
    return b;
}

billing::Invoice invoice_of(const billing::StoredInvoice& s) {
    return billing::parse_invoice_json(s.document).invoice;
}

std::string th(const std::string& t, bool num = false) {
    return std::string("<th scope=\"col\"") + (num ? " class=\"num\"" : "") + ">" + esc(t) +
           "</th>";
}

std::string td(const std::string& t, bool num = false) {
    return std::string("<td") + (num ? " class=\"num\"" : "") + ">" + esc(t) + "</td>";
}

// One column for what a line is (description, then its account and how it was priced in
// small print), so the table stays readable on a phone.
std::string lines_table(const billing::Invoice& inv) {
    std::string o = "<div class=\"table-wrap\"><table><caption>" + esc(inv.invoice_id) +
                    ": lines</caption><thead><tr>" + th("Line") + th("Quantity", true) +
                    th("Amount", true) + "</tr></thead><tbody>";
    for (const auto& l : inv.lines)
        o += "<tr><td>" + esc(l.description) + "<br><span class=\"note\">" +
             esc(l.account + (l.rate.empty() ? "" : " \u00b7 " + l.rate)) + "</span></td>" +
             td(l.quantity.empty() ? "" : l.quantity + " " + l.unit, true) +
             td(format_money(l.amount, inv.minor_units, true), true) + "</tr>";
    o += "</tbody><tfoot>";
    auto total = [&](const std::string& label, Amount v) {
        o += "<tr><th scope=\"row\" colspan=\"2\">" + esc(label) + "</th>" +
             td(format_money(v, inv.minor_units, true), true) + "</tr>";
    };
    total("Subtotal", inv.totals.subtotal);
    total("Tax (" + inv.tax_rate + " %)", inv.totals.tax);
    total("Total (" + inv.currency + ")", inv.totals.total);
    return o + "</tfoot></table></div>\n";
}

std::string month_over_month(const BillingView& b) {
    std::string o =
        "<div class=\"table-wrap\"><table><caption>Month over month (invoice "
        "totals)</caption><thead><tr>" +
        th("Customer");
    for (Period p : b.months)
        o += th(format_period(p), true);
    o += th("Change", true) + "</tr></thead><tbody>";
    for (const auto& [customer, per] : b.by_customer) {
        o += "<tr><th scope=\"row\">" + esc(customer) + "</th>";
        const billing::StoredInvoice* prev = nullptr;
        const billing::StoredInvoice* cur = nullptr;
        for (Period p : b.months) {
            auto it = per.find(p);
            if (it == per.end()) {
                o += td("", true);
                continue;
            }
            const int mu = billing::minor_units_of(it->second.currency);
            o += td(format_money(it->second.total, mu, true) +
                        (it->second.status == "draft" ? "*" : ""),
                    true);
            prev = cur;
            cur = &it->second;
        }
        o += td(prev && cur ? report::percent_change(cur->total, prev->total) : "", true) + "</tr>";
    }
    return o +
           "</tbody></table></div>\n<p class=\"note\">* draft: AWS has not invoiced that "
           "month yet. Each customer's amounts are in its own currency.</p>\n";
}

std::string margin_table(const BillingView& b, const std::string& customer) {
    std::string o = "<div class=\"table-wrap\"><table><caption>Margin, " +
                    esc(format_period(b.month)) + "</caption><thead><tr>" + th("Group") +
                    th("Service") + th("Account") + th("AWS cost", true) + th("Billed", true) +
                    th("Margin", true) + th("Margin %", true) + "</tr></thead><tbody>";
    for (const auto& m : b.margin) {
        if (m.customer != customer) continue;
        const int mu = billing::minor_units_of(m.currency);
        const bool total = m.level != "cell";
        o += std::string(total ? "<tr class=\"subtotal\">" : "<tr>") +
             td(m.level == "customer" ? "all groups"
                : m.group.empty()     ? "(usage plans)"
                                      : m.group) +
             td(total ? "total" : m.service) + td(m.account) +
             td(format_money(m.cost, mu, true), true) + td(format_money(m.billed, mu, true), true) +
             td(format_money(m.margin, mu, true), true) +
             td(m.percent.empty() ? "" : m.percent + " %", true) + "</tr>";
    }
    return o + "</tbody></table></div>\n";
}

std::string customer_section(const BillingView& b, const std::string& customer) {
    const auto& per = b.by_customer.at(customer);
    auto it = per.find(b.month);
    std::string o = "<section class=\"customer\" aria-label=\"" + esc(customer) + "\"><h2>" +
                    esc(customer) + "</h2>";
    if (it == per.end())
        return o + "<p class=\"note\">No invoice for " + esc(format_period(b.month)) +
               ".</p></section>\n";
    const billing::Invoice inv = invoice_of(it->second);
    o += "<section class=\"kpis\" aria-label=\"Invoice figures\">";
    auto kpi = [&](const std::string& l, const std::string& v, const std::string& note) {
        o += "<div class=\"kpi\"><div class=\"label\">" + esc(l) + "</div><div class=\"value\">" +
             esc(v) + "</div><div class=\"note\">" + esc(note) + "</div></div>";
    };
    kpi("Invoice " + inv.invoice_id, billing::invoice_money(inv.totals.total, inv),
        inv.status + (inv.aws_invoices.empty() ? "" : ", AWS invoice received") + ", issued " +
            inv.issued_at.substr(0, 10));
    Amount cost = 0, billed = 0;
    for (const auto& m : b.margin)
        if (m.customer == customer && m.level == "customer") cost = m.cost, billed = m.billed;
    kpi("AWS cost", billing::invoice_money(cost, inv), "by the configured measure");
    // No percentage of nothing, nor of an amount owed to the customer (margin_report.hpp).
    const std::string percent = billing::margin_percent(billed - cost, billed);
    kpi("Margin", billing::invoice_money(billed - cost, inv),
        billed == 0  ? "nothing billed"
        : billed < 0 ? "n/a: credits exceed charges"
                     : percent + " % of the billed amount");
    o += "</section>";
    // The rate the AWS lines were converted at, as the invoice states it, so the lines tie
    // back to the AWS costs here too (billing/invoice.hpp).
    const std::string exchange = billing::exchange_statement(inv);
    if (!exchange.empty()) o += "<p class=\"note\">" + esc(exchange) + "</p>";
    o += "<details open><summary>Lines (" + std::to_string(inv.lines.size()) + ")</summary>" +
         lines_table(inv) + "</details>";
    o += "<details><summary>Margin by group, service and account</summary>" +
         margin_table(b, customer) + "</details>";
    return o + "</section>\n";
}

}  // namespace

std::string billing_page(const ViewContext& c, PageFrame& f) {
    f.crumbs.clear();
    const BillingView b = load(c);
    if (!b.month)
        return "<p class=\"note\">No customer invoices in this range. <code>curcrunch billing "
               "run --config billing.json --period YYYY-MM --out DIR</code> bills a month.</p>\n";
    std::string o = "<p class=\"note\">Invoices of " + esc(format_period(b.month)) +
                    ", the last month of the range that has any; amounts in each customer's "
                    "currency.</p>\n";
    o += month_over_month(b);
    for (const auto& [customer, per] : b.by_customer)
        o += customer_section(b, customer);
    return o;
}

std::string billing_json(const ViewContext& c) {
    const BillingView b = load(c);
    std::string o = "{\"month\":" + (b.month ? json_quote(format_period(b.month)) : "null") +
                    ",\"customers\":[";
    bool first = true;
    for (const auto& [customer, per] : b.by_customer) {
        o += std::string(first ? "" : ",") + "{\"customer\":" + json_quote(customer) +
             ",\"months\":[";
        first = false;
        bool f2 = true;
        for (const auto& [p, s] : per) {
            const int mu = billing::minor_units_of(s.currency);
            o += std::string(f2 ? "" : ",") + "{\"period\":" + json_quote(format_period(p)) +
                 ",\"invoice_id\":" + json_quote(s.invoice_id) +
                 ",\"status\":" + json_quote(s.status) + ",\"currency\":" + json_quote(s.currency) +
                 ",\"total\":" + json_quote(billing::minor_text(s.total, mu)) + "}";
            f2 = false;
        }
        o += "]";
        auto it = per.find(b.month);
        if (it != per.end()) o += ",\"invoice\":" + it->second.document;
        o += ",\"margin\":[";
        bool f3 = true;
        for (const auto& m : b.margin) {
            if (m.customer != customer) continue;
            const int mu = billing::minor_units_of(m.currency);
            o += std::string(f3 ? "" : ",") + "{\"level\":" + json_quote(m.level) +
                 ",\"group\":" + json_quote(m.group) + ",\"service\":" + json_quote(m.service) +
                 ",\"account\":" + json_quote(m.account) +
                 ",\"aws_cost\":" + json_quote(billing::minor_text(m.cost, mu)) +
                 ",\"billed\":" + json_quote(billing::minor_text(m.billed, mu)) +
                 ",\"margin_percent\":" +
                 (m.percent.empty() ? std::string("null") : json_quote(m.percent)) + "}";
            f3 = false;
        }
        o += "]}";
    }
    return o + "]}";
}

}  // namespace curcrunch::serve
