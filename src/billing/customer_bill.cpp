#include "curcrunch/billing/customer_bill.hpp"

#include <map>
#include <tuple>

#include "curcrunch/billing/aws_charges.hpp"
#include "curcrunch/billing/config_check.hpp"
#include "curcrunch/billing/custom_items.hpp"
#include "curcrunch/billing/usage_lines.hpp"
#include "curcrunch/core/error.hpp"

namespace curcrunch::billing {
namespace {

using CellKey = std::tuple<std::string, std::string, std::string>;  // group, service, account

// The factor from the costs' currency to the customer's.
Fraction exchange(const BillingConfig& c, const Customer& cu, const std::string& from,
                  const std::string& group) {
    if (from.empty() || from == cu.currency) return Fraction::of_integer(1);
    if (!cu.exchange_rate || cu.exchange_from != from)
        throw_input(c.file + ": " + cu.path + ": " + missing_exchange_rate(cu, from, group));
    return *cu.exchange_rate;
}

void add_group(store::Database&, const BillingConfig& c, const Customer& cu, const BillingGroup& g,
               Period period, const CostRowSet& rows, CustomerBill& bill,
               std::map<CellKey, MarginCell>& cells) {
    const PricingPlan* plan = plan_for(c, g, period);
    if (!plan)
        throw_input(c.file + ": " + g.path + ": billing group " + g.id +
                    " has no pricing plan for " + format_period(period));
    GroupCharges ch = price_group(c, g, *plan, rows, c.margin_measure);
    for (auto& w : ch.warnings)
        bill.warnings.push_back(std::move(w));
    const Fraction rate = exchange(c, cu, ch.currency, g.id);
    // Said on the invoice, as configured, whenever a group's costs were converted.
    if (!ch.currency.empty() && ch.currency != cu.currency)
        bill.invoice.exchange = InvoiceExchange{ch.currency, cu.exchange_rate_text};
    for (InvoiceLine& l : ch.lines) {
        l.exact = l.exact * rate;
        l.amount = round_line(l.exact, cu.minor_units);
    }
    for (const auto& [key, cost] : ch.cost) {
        MarginCell& m = cells[{g.id, key.first, key.second}];
        m.cost = checked_add(m.cost, round_line(Fraction::of_amount(cost) * rate, cu.minor_units));
    }
    std::vector<InvoiceLine> items =
        custom_item_lines(c, g, period, ch.lines, ch.savings_plan_benefit * rate, cu.minor_units);
    for (auto& l : ch.lines)
        bill.invoice.lines.push_back(std::move(l));
    for (auto& l : items)
        bill.invoice.lines.push_back(std::move(l));
}

}  // namespace

std::string invoice_id_for(const std::string& customer, Period period, int version) {
    std::string id = customer + "-" + format_period(period);
    if (version > 1) id += "-v" + std::to_string(version);
    return id;
}

CustomerBill bill_customer(store::Database& db, const BillingConfig& c, const Customer& cu,
                           Period period, const CostRowSet& rows) {
    CustomerBill bill;
    Invoice& inv = bill.invoice;
    inv.customer = cu.id;
    inv.customer_name = cu.name;
    inv.address = cu.address;
    inv.currency = cu.currency;
    inv.minor_units = cu.minor_units;
    inv.period = period;
    inv.tax_rate = cu.tax_rate_text;
    inv.invoice_id = invoice_id_for(cu.id, period, 1);
    std::map<CellKey, MarginCell> cells;
    for (const BillingGroup& g : c.groups) {
        if (g.customer != cu.id || !g.months.contains(period)) continue;
        add_group(db, c, cu, g, period, rows, bill, cells);
    }
    for (const Subscription& s : c.subscriptions)
        if (s.customer == cu.id)
            for (auto& l : subscription_lines(db, c, s, period, cu.minor_units))
                inv.lines.push_back(std::move(l));
    settle(inv, cu.tax_rate);
    for (const InvoiceLine& l : inv.lines) {
        MarginCell& m = cells[{l.group, l.service, l.account}];
        m.billed = checked_add(m.billed, l.amount);
    }
    for (auto& [k, m] : cells) {
        std::tie(m.group, m.service, m.account) = k;
        bill.margin.push_back(m);
    }
    return bill;
}

}  // namespace curcrunch::billing
