#pragma once
// An invoice as billing computes it: lines, each exact and rounded once, and the totals that
// follow from them by the money rules (money_rules.hpp). Credits (custom credits, credit-note
// differences) are lines with negative amounts.
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/billing/money_rules.hpp"
#include "curcrunch/core/calendar.hpp"

namespace curcrunch::billing {

enum class LineKind {
    aws_usage,        // AWS usage of a billing group, priced by its plan's rules
    aws_commitment,   // unused commitment (Savings Plan, RI) bought inside the group
    aws_passthrough,  // AWS tax, credits, refunds or support, when the plan bills them
    custom_fee,       // custom line items
    custom_credit,
    standing_charge,  // usage plans
    usage_charge,
    minimum_true_up,
    adjustment,  // credit notes: the difference to the superseded invoice
};
const char* line_kind_name(LineKind k);
bool parse_line_kind(const std::string& s, LineKind& out);

struct InvoiceLine {
    LineKind kind = LineKind::aws_usage;
    std::string group;    // billing group id ("" for usage-plan lines)
    std::string account;  // AWS account, or the usage account
    std::string service;  // AWS product code, meter id, or item id
    std::string description;
    std::string quantity;  // exact decimal text, "" when the line has none
    std::string unit;
    std::string rate;   // how it was priced, in words ("markup 10 % on public on-demand")
    Fraction exact;     // the exact amount
    Amount amount = 0;  // rounded once to the currency's minor unit
};

// The exchange rate an invoice's AWS costs were converted at: their currency and the rate to the
// invoice's, as configured (exact decimal text), so that an auditor can tie each AWS line back
// to the costs (line = cost x rate, rounded once).
struct InvoiceExchange {
    std::string from, rate;
    // Written out: the sources that include qpdf's headers are compiled as C++17
    // (curcrunch_qpdf_sources_as_cxx17), where a defaulted == is an extension clang refuses.
    bool operator==(const InvoiceExchange& o) const { return from == o.from && rate == o.rate; }
    bool operator!=(const InvoiceExchange& o) const { return !(*this == o); }
};

struct Invoice {
    std::string invoice_id, customer, customer_name, currency;
    std::vector<std::string> address;
    int minor_units = 2;
    Period period = 0;
    int version = 1;
    std::string kind = "invoice";  // or credit_note
    std::string status = "draft";  // draft, final (superseded only in the store)
    std::string refers_to;         // credit note: the invoice it corrects
    std::string tax_rate;          // percent text as configured
    std::string issued_at;
    std::vector<std::string> aws_invoices;    // the AWS invoices that made it final
    std::optional<InvoiceExchange> exchange;  // none: no cost was converted
    // False for a document written before invoices stated their exchange (invoice JSON
    // versions 1 and 2): whether its costs were converted, and at what rate, is not recorded.
    bool exchange_stated = true;
    std::vector<InvoiceLine> lines;
    InvoiceTotals totals;
};

// "AWS costs in USD converted at 1 USD = 0.9213 EUR"; "" without an exchange.
std::string exchange_statement(const Invoice& inv);

// Sets every line's amount (rule 1) and the totals (rules 2-4).
void settle(Invoice& inv, const Fraction& tax_rate);

}  // namespace curcrunch::billing
