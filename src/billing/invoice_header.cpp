#include "curcrunch/billing/invoice_header.hpp"

namespace curcrunch::billing {
namespace {

std::string quoted_lines(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines)
        s += (s.empty() ? "" : " / ") + l;
    return "\"" + s + "\"";
}

void compare_header(std::vector<std::string>& out, const char* what,
                    const std::vector<std::string>& before, const std::vector<std::string>& after) {
    if (before != after)
        out.push_back(std::string(what) + ": " + quoted_lines(before) + " -> " +
                      quoted_lines(after));
}

std::string exchange_text(const Invoice& inv) {
    return inv.exchange ? exchange_statement(inv) : "none (no cost converted)";
}

void compare_exchange(std::vector<std::string>& out, const Invoice& before, const Invoice& after) {
    if (!before.exchange_stated) {
        if (after.exchange && before.status == "draft")
            out.push_back("exchange rate: not stated -> " + exchange_text(after));
    } else if (before.exchange != after.exchange) {
        out.push_back("exchange rate: " + exchange_text(before) + " -> " + exchange_text(after));
    }
}

}  // namespace

std::vector<std::string> header_differences(const InvoiceDocument& before,
                                            const InvoiceDocument& after) {
    std::vector<std::string> out;
    compare_header(out, "customer name", {before.invoice.customer_name},
                   {after.invoice.customer_name});
    compare_header(out, "customer address", before.invoice.address, after.invoice.address);
    compare_header(out, "seller name", {before.seller.name}, {after.seller.name});
    compare_header(out, "seller tax id", {before.seller.tax_id}, {after.seller.tax_id});
    compare_header(out, "seller address", before.seller.address, after.seller.address);
    compare_exchange(out, before.invoice, after.invoice);
    return out;
}

}  // namespace curcrunch::billing
