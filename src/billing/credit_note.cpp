#include "curcrunch/billing/credit_note.hpp"

#include <map>
#include <tuple>

#include "curcrunch/billing/invoice_json.hpp"

namespace curcrunch::billing {
std::map<LineKey, Amount> line_amounts(const Invoice& inv) {
    std::map<LineKey, Amount> m;
    for (const InvoiceLine& l : inv.lines) {
        const LineKey k{l.kind, l.group, l.account, l.service, l.description};
        m[k] = checked_add(m[k], l.amount);
    }
    return m;
}

std::string line_label(const LineKey& k) {
    std::string s = std::get<4>(k);
    if (!std::get<2>(k).empty()) s += " (" + std::get<2>(k) + ")";
    return s;
}

Invoice make_credit_note(const Invoice& old_inv, const Invoice& new_inv) {
    Invoice cn = new_inv;
    cn.kind = "credit_note";
    cn.refers_to = old_inv.invoice_id;
    cn.invoice_id = new_inv.customer + "-" + format_period(new_inv.period) + "-CN" +
                    std::to_string(new_inv.version);
    cn.lines.clear();
    // Its lines are differences of the two invoices' amounts, converted by neither: each of
    // them states its own rate.
    cn.exchange.reset();
    const auto before = line_amounts(old_inv), after = line_amounts(new_inv);
    std::map<LineKey, Amount> diff;
    for (const auto& [k, v] : after)
        diff[k] = v;
    for (const auto& [k, v] : before)
        diff[k] = checked_add(diff[k], -v);
    for (const auto& [k, d] : diff) {
        if (d == 0) continue;
        InvoiceLine l;
        l.kind = LineKind::adjustment;
        l.group = std::get<1>(k);
        l.account = std::get<2>(k);
        l.service = std::get<3>(k);
        l.description = "Correction: " + std::get<4>(k);
        l.rate = "difference to " + old_inv.invoice_id;
        l.exact = Fraction::of_amount(d);
        l.amount = d;
        cn.lines.push_back(std::move(l));
    }
    cn.totals.subtotal = checked_add(new_inv.totals.subtotal, -old_inv.totals.subtotal);
    cn.totals.tax = checked_add(new_inv.totals.tax, -old_inv.totals.tax);
    cn.totals.total = checked_add(new_inv.totals.total, -old_inv.totals.total);
    return cn;
}

std::vector<std::string> line_differences(const Invoice& before, const Invoice& after) {
    std::vector<std::string> out;
    const auto a = line_amounts(before), b = line_amounts(after);
    const int mu = after.minor_units;
    for (const auto& [k, v] : b) {
        auto it = a.find(k);
        if (it == a.end()) {
            out.push_back("+ " + line_label(k) + ": " + minor_text(v, mu));
        } else if (it->second != v) {
            out.push_back("~ " + line_label(k) + ": " + minor_text(it->second, mu) + " -> " +
                          minor_text(v, mu));
        }
    }
    for (const auto& [k, v] : a)
        if (!b.count(k)) out.push_back("- " + line_label(k) + ": " + minor_text(v, mu));
    return out;
}

}  // namespace curcrunch::billing
