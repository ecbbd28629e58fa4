#include "curcrunch/billing/invoice.hpp"

namespace curcrunch::billing {
namespace {

constexpr struct {
    LineKind kind;
    const char* name;
} kKinds[] = {
    {LineKind::aws_usage, "aws_usage"},
    {LineKind::aws_commitment, "aws_commitment"},
    {LineKind::aws_passthrough, "aws_passthrough"},
    {LineKind::custom_fee, "custom_fee"},
    {LineKind::custom_credit, "custom_credit"},
    {LineKind::standing_charge, "standing_charge"},
    {LineKind::usage_charge, "usage_charge"},
    {LineKind::minimum_true_up, "minimum_true_up"},
    {LineKind::adjustment, "adjustment"},
};

}  // namespace

const char* line_kind_name(LineKind k) {
    for (const auto& e : kKinds)
        if (e.kind == k) return e.name;
    return "?";
}

bool parse_line_kind(const std::string& s, LineKind& out) {
    for (const auto& e : kKinds)
        if (s == e.name) {
            out = e.kind;
            return true;
        }
    return false;
}

std::string exchange_statement(const Invoice& inv) {
    if (!inv.exchange) return "";
    return "AWS costs in " + inv.exchange->from + " converted at 1 " + inv.exchange->from + " = " +
           inv.exchange->rate + " " + inv.currency;
}

void settle(Invoice& inv, const Fraction& tax_rate) {
    std::vector<Amount> amounts;
    amounts.reserve(inv.lines.size());
    for (InvoiceLine& l : inv.lines) {
        l.amount = round_line(l.exact, inv.minor_units);
        amounts.push_back(l.amount);
    }
    inv.totals = invoice_totals(amounts, tax_rate, inv.minor_units);
}

}  // namespace curcrunch::billing
