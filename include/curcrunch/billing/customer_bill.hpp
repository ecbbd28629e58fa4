#pragma once
// One customer's bill for one month: the AWS charges of each of its billing groups active in
// the month (converted to the customer's currency when the costs are in another), the groups'
// custom line items, and the lines of its usage subscriptions; settled by the money rules.
// Also the margin cells it gives (margin.hpp). Whether the invoice is final is not the bill's
// to say (period_status.hpp).
#include <string>
#include <vector>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/cost_rows.hpp"
#include "curcrunch/billing/invoice.hpp"
#include "curcrunch/store/database.hpp"

namespace curcrunch::billing {

struct MarginCell {
    std::string group, service, account;
    Amount cost = 0;    // AWS cost by the margin measure, in the customer's currency
    Amount billed = 0;  // the rounded invoice lines attributed to the cell
};

struct CustomerBill {
    Invoice invoice;
    std::vector<MarginCell> margin;
    std::vector<std::string> warnings;  // "warning: ..." lines for the run
};

CustomerBill bill_customer(store::Database& db, const BillingConfig& c, const Customer& cu,
                           Period period, const CostRowSet& rows);

// "<customer>-<YYYY-MM>", "-v<N>" from version 2 on.
std::string invoice_id_for(const std::string& customer, Period period, int version);

}  // namespace curcrunch::billing
