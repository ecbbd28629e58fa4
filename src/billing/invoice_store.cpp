#include "curcrunch/billing/invoice_store.hpp"

#include "curcrunch/billing/invoice_json.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::billing {
namespace {

const char* kColumns =
    "invoice_id, customer, kind, status, refers_to, currency, tax_rate, issued_at, aws_invoices, "
    "lines_sha256, document, period, version, run_id, subtotal, tax, total";

StoredInvoice row_of(store::Statement& st) {
    StoredInvoice s;
    s.invoice_id = st.column_text(0);
    s.customer = st.column_text(1);
    s.kind = st.column_text(2);
    s.status = st.column_text(3);
    s.refers_to = st.column_text(4);
    s.currency = st.column_text(5);
    s.tax_rate = st.column_text(6);
    s.issued_at = st.column_text(7);
    s.aws_invoices = st.column_text(8);
    s.content_sha256 = st.column_text(9);
    s.document = st.column_text(10);
    s.period = static_cast<Period>(st.column_int(11));
    s.version = static_cast<int>(st.column_int(12));
    s.run_id = st.column_int(13);
    s.subtotal = st.column_amount(14);
    s.tax = st.column_amount(15);
    s.total = st.column_amount(16);
    return s;
}

std::string joined(const std::vector<std::string>& v) {
    std::string o;
    for (const auto& s : v)
        o += (o.empty() ? "" : ",") + s;
    return o;
}

}  // namespace

std::vector<StoredInvoice> current_invoices(store::Database& db, Period period) {
    auto st = db.prepare(std::string("SELECT ") + kColumns +
                         " FROM customer_invoice WHERE period = ? AND kind = 'invoice' AND "
                         "status IN ('draft', 'final') ORDER BY customer");
    st.bind(1, static_cast<int64_t>(period));
    std::vector<StoredInvoice> out;
    while (st.step())
        out.push_back(row_of(st));
    return out;
}

std::optional<StoredInvoice> stored_invoice(store::Database& db, const std::string& id) {
    auto st = db.prepare(std::string("SELECT ") + kColumns +
                         " FROM customer_invoice WHERE invoice_id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    return row_of(st);
}

std::vector<StoredInvoice> list_customer_invoices(store::Database& db, Period period,
                                                  const std::string& customer) {
    auto st = db.prepare(std::string("SELECT ") + kColumns +
                         " FROM customer_invoice WHERE (? = 0 OR period = ?) AND (? = '' OR "
                         "customer = ?) ORDER BY period, customer, version, kind DESC");
    st.bind(1, static_cast<int64_t>(period)).bind(2, static_cast<int64_t>(period));
    st.bind(3, customer).bind(4, customer);
    std::vector<StoredInvoice> out;
    while (st.step())
        out.push_back(row_of(st));
    return out;
}

std::vector<InvoiceLine> stored_lines(store::Database& db, const std::string& id) {
    auto st = db.prepare(
        "SELECT kind, billing_group, account, service, description, quantity, unit, rate, exact, "
        "amount FROM customer_invoice_line WHERE invoice_id = ? ORDER BY line_no");
    st.bind(1, id);
    std::vector<InvoiceLine> out;
    while (st.step()) {
        InvoiceLine l;
        if (!parse_line_kind(st.column_text(0), l.kind))
            db.fail("customer_invoice_line of " + id + " has an unknown kind");
        l.group = st.column_text(1);
        l.account = st.column_text(2);
        l.service = st.column_text(3);
        l.description = st.column_text(4);
        l.quantity = st.column_text(5);
        l.unit = st.column_text(6);
        l.rate = st.column_text(7);
        if (!parse_exact_text(st.column_text(8), l.exact))
            db.fail("customer_invoice_line of " + id + " has an unreadable exact amount");
        l.amount = st.column_amount(9);
        out.push_back(std::move(l));
    }
    return out;
}

int64_t record_billing_run(store::Database& db, Period period, const std::string& sha,
                           const std::string& text, bool reissue) {
    auto st = db.prepare(
        "INSERT INTO billing_run(period, started_at, tool_version, config_sha256, config, reissue, "
        "changes) VALUES (?,?,?,?,?,?, '')");
    st.bind(1, static_cast<int64_t>(period)).bind(2, store::now_utc_iso());
    st.bind(3, std::string_view(CURCRUNCH_VERSION)).bind(4, sha).bind(5, text);
    st.bind(6, static_cast<int64_t>(reissue ? 1 : 0));
    st.run();
    return db.last_insert_rowid();
}

void set_run_changes(store::Database& db, int64_t run_id, const std::string& changes) {
    auto st = db.prepare("UPDATE billing_run SET changes = ? WHERE id = ?");
    st.bind(1, changes).bind(2, run_id);
    st.run();
}

void insert_invoice(store::Database& db, const Invoice& inv, const std::string& document,
                    int64_t run_id) {
    auto st = db.prepare(
        "INSERT INTO customer_invoice(invoice_id, customer, period, version, kind, status, "
        "refers_to, currency, subtotal, tax, total, tax_rate, issued_at, run_id, aws_invoices, "
        "lines_sha256, document) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, inv.invoice_id).bind(2, inv.customer).bind(3, static_cast<int64_t>(inv.period));
    st.bind(4, static_cast<int64_t>(inv.version)).bind(5, inv.kind).bind(6, inv.status);
    st.bind(7, inv.refers_to).bind(8, inv.currency).bind_amount(9, inv.totals.subtotal);
    st.bind_amount(10, inv.totals.tax).bind_amount(11, inv.totals.total).bind(12, inv.tax_rate);
    st.bind(13, inv.issued_at).bind(14, run_id).bind(15, joined(inv.aws_invoices));
    st.bind(16, invoice_content_sha256(inv)).bind(17, document);
    st.run();
    auto line = db.prepare(
        "INSERT INTO customer_invoice_line(invoice_id, line_no, kind, billing_group, account, "
        "service, description, quantity, unit, rate, exact, amount) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    for (size_t i = 0; i < inv.lines.size(); ++i) {
        const InvoiceLine& l = inv.lines[i];
        line.bind(1, inv.invoice_id).bind(2, static_cast<int64_t>(i + 1));
        line.bind(3, std::string_view(line_kind_name(l.kind))).bind(4, l.group).bind(5, l.account);
        line.bind(6, l.service).bind(7, l.description).bind(8, l.quantity).bind(9, l.unit);
        line.bind(10, l.rate).bind(11, l.exact.exact_text()).bind_amount(12, l.amount);
        line.run();
        line.reset();
    }
}

void delete_draft(store::Database& db, const std::string& id) {
    auto s = stored_invoice(db, id);
    if (s && s->status != "draft")
        throw Error(ErrorKind::internal, "refusing to delete " + s->status + " invoice " + id);
    auto l = db.prepare("DELETE FROM customer_invoice_line WHERE invoice_id = ?");
    l.bind(1, id);
    l.run();
    auto st = db.prepare("DELETE FROM customer_invoice WHERE invoice_id = ?");
    st.bind(1, id);
    st.run();
}

void mark_superseded(store::Database& db, const std::string& id) {
    auto st = db.prepare(
        "UPDATE customer_invoice SET status = 'superseded' WHERE invoice_id = ? AND status = "
        "'final'");
    st.bind(1, id);
    st.run();
}

void set_invoice_document(store::Database& db, const std::string& invoice_id,
                          const std::string& document) {
    auto st = db.prepare("UPDATE customer_invoice SET document = ? WHERE invoice_id = ?");
    st.bind(1, document).bind(2, invoice_id);
    st.run();
}

void replace_margin(store::Database& db, Period period, const std::vector<MarginRow>& rows) {
    auto del = db.prepare("DELETE FROM billing_margin WHERE period = ?");
    del.bind(1, static_cast<int64_t>(period));
    del.run();
    auto st = db.prepare(
        "INSERT INTO billing_margin(period, customer, billing_group, service, account, currency, "
        "cost, billed) VALUES (?,?,?,?,?,?,?,?)");
    for (const MarginRow& m : rows) {
        st.bind(1, static_cast<int64_t>(period)).bind(2, m.customer).bind(3, m.group);
        st.bind(4, m.service).bind(5, m.account).bind(6, m.currency).bind_amount(7, m.cost);
        st.bind_amount(8, m.billed);
        st.run();
        st.reset();
    }
}

std::vector<MarginRow> stored_margin(store::Database& db, Period period) {
    auto st = db.prepare(
        "SELECT customer, billing_group, service, account, currency, cost, billed FROM "
        "billing_margin WHERE period = ? ORDER BY customer, billing_group, service, account");
    st.bind(1, static_cast<int64_t>(period));
    std::vector<MarginRow> out;
    while (st.step())
        out.push_back({st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3),
                       st.column_text(4), st.column_amount(5), st.column_amount(6)});
    return out;
}

}  // namespace curcrunch::billing
