#include "curcrunch/billing/invoice_audit.hpp"

#include "curcrunch/billing/credit_note.hpp"
#include "curcrunch/billing/invoice_json.hpp"
#include "curcrunch/billing/invoice_store.hpp"

namespace curcrunch::billing {
namespace {

using report::AuditCell;

Amount magnitude(Amount v) {
    return v < 0 ? -v : v;
}

// A cell when the amounts differ by more than the tolerance or only one side has the row.
void compare(std::vector<AuditCell>& out, const char* table, const std::string& key,
             const char* column, std::optional<Amount> reported, std::optional<Amount> current,
             int minor, Amount tolerance) {
    const Amount r = reported.value_or(0), c = current.value_or(0);
    if (magnitude(checked_add(c, -r)) <= tolerance && reported.has_value() == current.has_value())
        return;
    AuditCell cell;
    cell.kind = table;
    cell.key = key;
    cell.column = column;
    cell.reported = reported ? minor_text(r, minor) : "";
    cell.current = current ? minor_text(c, minor) : "";
    cell.money = true;
    cell.reported_amount = r;
    cell.current_amount = c;
    out.push_back(std::move(cell));
}

InvoiceAudit audit_one(store::Database& db, const std::string& json, Amount tolerance) {
    const Invoice archived = parse_invoice_json(json).invoice;
    InvoiceAudit a;
    a.invoice_id = archived.invoice_id;
    a.period = archived.period;
    a.currency = archived.currency;
    const int mu = archived.minor_units;
    auto stored = stored_invoice(db, archived.invoice_id);
    if (!stored) {
        compare(a.differences, "invoice", a.invoice_id, "total", archived.totals.total,
                std::nullopt, mu, tolerance);
        a.differences.back().status = AuditCell::Status::no_data;
        return a;
    }
    a.in_store = true;
    if (stored->document == json) return a;
    const Invoice now = parse_invoice_json(stored->document).invoice;
    const auto before = line_amounts(archived), after = line_amounts(now);
    for (const auto& [k, v] : before) {
        auto it = after.find(k);
        compare(a.differences, "invoice_lines", line_label(k), "amount", v,
                it == after.end() ? std::nullopt : std::optional<Amount>(it->second), mu,
                tolerance);
    }
    for (const auto& [k, v] : after)
        if (!before.count(k))
            compare(a.differences, "invoice_lines", line_label(k), "amount", std::nullopt, v, mu,
                    tolerance);
    compare(a.differences, "invoice", a.invoice_id, "subtotal", archived.totals.subtotal,
            now.totals.subtotal, mu, tolerance);
    compare(a.differences, "invoice", a.invoice_id, "tax", archived.totals.tax, now.totals.tax, mu,
            tolerance);
    compare(a.differences, "invoice", a.invoice_id, "total", archived.totals.total,
            now.totals.total, mu, tolerance);
    return a;
}

}  // namespace

std::vector<InvoiceAudit> audit_invoices(store::Database& db, const std::string& invoice_id,
                                         Amount tolerance) {
    // Files of one invoice id hold one JSON (import-pdf refuses another as altered).
    auto st = db.prepare(
        "SELECT invoice_id, min(document) FROM customer_invoice_archive WHERE ? = '' OR "
        "invoice_id = ? GROUP BY invoice_id ORDER BY invoice_id");
    st.bind(1, invoice_id).bind(2, invoice_id);
    std::vector<std::string> documents;
    while (st.step())
        documents.push_back(st.column_text(1));
    std::vector<InvoiceAudit> out;
    for (const auto& d : documents)
        out.push_back(audit_one(db, d, tolerance));
    return out;
}

bool is_archived_invoice(store::Database& db, const std::string& invoice_id) {
    auto st = db.prepare("SELECT 1 FROM customer_invoice_archive WHERE invoice_id = ?");
    st.bind(1, invoice_id);
    return st.step();
}

}  // namespace curcrunch::billing
