#include "curcrunch/billing/margin_report.hpp"

#include <map>

#include "curcrunch/billing/currency.hpp"
#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/billing/invoice_files.hpp"
#include "curcrunch/core/json_text.hpp"

namespace curcrunch::billing {
namespace {

int minor_of(const std::string& currency) {
    return minor_units(currency).value_or(2);
}

MarginLine total_line(const char* level, const MarginRow& first) {
    MarginLine t;
    t.level = level;
    t.customer = first.customer;
    t.group = std::string(level) == "group" ? first.group : "";
    t.currency = first.currency;
    return t;
}

void finish(MarginLine& l) {
    l.margin = checked_add(l.billed, -l.cost);
    l.percent = margin_percent(l.margin, l.billed);
}

}  // namespace

std::string margin_percent(Amount margin, Amount billed) {
    // A share of nothing, or of an amount owed to the customer, means nothing: dividing by a
    // negative billed amount would flip the margin's sign.
    if (billed <= 0) return "";
    const Fraction p =
        Fraction::of_amount(margin) / Fraction::of_amount(billed) * Fraction::of_integer(100);
    return format_money(p.round_half_up(2), 2, false);
}

std::vector<MarginLine> margin_lines(const std::vector<MarginRow>& all) {
    std::vector<MarginLine> out;
    std::vector<MarginRow> rows, not_billed;
    for (const MarginRow& r : all)
        (r.customer.empty() ? not_billed : rows).push_back(r);
    size_t i = 0;
    while (i < rows.size()) {  // rows are ordered by customer, group, service, account
        MarginLine customer = total_line("customer", rows[i]);
        while (i < rows.size() && rows[i].customer == customer.customer) {
            MarginLine group = total_line("group", rows[i]);
            while (i < rows.size() && rows[i].customer == customer.customer &&
                   rows[i].group == group.group) {
                const MarginRow& r = rows[i++];
                MarginLine c{"cell",     r.customer, r.group,  r.service, r.account,
                             r.currency, r.cost,     r.billed, 0,         ""};
                finish(c);
                out.push_back(c);
                group.cost = checked_add(group.cost, r.cost);
                group.billed = checked_add(group.billed, r.billed);
            }
            finish(group);
            out.push_back(group);
            customer.cost = checked_add(customer.cost, group.cost);
            customer.billed = checked_add(customer.billed, group.billed);
        }
        finish(customer);
        out.push_back(customer);
    }
    std::map<std::string, MarginLine> totals;  // by currency
    for (const MarginRow& r : not_billed) {
        MarginLine c{"not_billed", "",     "",       r.service, r.account,
                     r.currency,   r.cost, r.billed, 0,         ""};
        finish(c);
        out.push_back(c);
        MarginLine& t = totals[r.currency];
        t.level = "not_billed_total";
        t.currency = r.currency;
        t.cost = checked_add(t.cost, r.cost);
        t.billed = checked_add(t.billed, r.billed);
    }
    for (auto& [currency, t] : totals) {
        finish(t);
        out.push_back(t);
    }
    return out;
}

std::string margin_csv(const std::vector<MarginLine>& lines, int) {
    std::string o =
        "level,customer,group,service,account,currency,aws_cost,billed,margin,margin_percent\n";
    for (const MarginLine& l : lines) {
        const int mu = minor_of(l.currency);
        o += l.level + "," + csv_cell(l.customer, false) + "," + csv_cell(l.group, false) + "," +
             csv_cell(l.service, false) + "," + csv_cell(l.account, false) + "," + l.currency +
             "," + format_money(l.cost, mu, false) + "," + format_money(l.billed, mu, false) + "," +
             format_money(l.margin, mu, false) + "," + l.percent + "\n";
    }
    return o;
}

std::string margin_json(const std::vector<MarginLine>& lines, Period period) {
    std::string o = "{\"period\":\"" + format_period(period) + "\",\"rows\":[";
    for (size_t i = 0; i < lines.size(); ++i) {
        const MarginLine& l = lines[i];
        const int mu = minor_of(l.currency);
        o += std::string(i ? ",\n" : "\n") + "{\"level\":" + json_quote(l.level) +
             ",\"customer\":" + json_quote(l.customer) + ",\"group\":" + json_quote(l.group) +
             ",\"service\":" + json_quote(l.service) + ",\"account\":" + json_quote(l.account) +
             ",\"currency\":" + json_quote(l.currency) + ",\"aws_cost\":\"" +
             format_money(l.cost, mu, false) + "\",\"billed\":\"" +
             format_money(l.billed, mu, false) + "\",\"margin\":\"" +
             format_money(l.margin, mu, false) + "\",\"margin_percent\":" +
             (l.percent.empty() ? std::string("null") : "\"" + l.percent + "\"") + "}";
    }
    return o + "]}\n";
}

}  // namespace curcrunch::billing
