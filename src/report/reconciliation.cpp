// The reconciliation page: for each billing month of the period, the whole bill from the CUR
// (no filters: invoices cover the whole bill) against the invoices AWS issued and, when
// fetched, Cost Explorer's monthly total.
#include "reconciliation.hpp"

namespace curcrunch::report {
namespace {

bool table_exists(store::Database& db, const char* name) {
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
    st.bind(1, std::string_view(name));
    return st.step() && st.column_int(0) > 0;
}

Amount unfiltered_month(const RowSource& src, Period m) {
    Amount t = 0;
    src.scan(first_day(m), last_day(m), false, [&](const CostRow& r) { t += r.unblended; });
    return t;
}

}  // namespace

void reconcile(ReportData& d, store::Database& db, const RowSource& src) {
    if (!table_exists(db, "invoice")) return;
    const Period first = period_of(d.params.from), last = period_of(d.params.to);
    auto st = db.prepare(
        "SELECT period, count(*), max(base_currency), max(payment_currency), "
        "money_sum(CASE WHEN invoice_type = 'CREDIT_MEMO' THEN 0 ELSE base_total END), "
        "money_sum(base_taxes), "
        "money_sum(CASE WHEN invoice_type = 'CREDIT_MEMO' THEN base_total ELSE 0 END), "
        "money_sum(payment_total) FROM invoice WHERE period BETWEEN ? AND ? AND (?3 = '' OR "
        "base_currency = ?3 OR (?3 = 'USD' AND base_currency = '')) GROUP BY period "
        "ORDER BY period");
    st.bind(1, static_cast<int64_t>(first));
    st.bind(2, static_cast<int64_t>(last));
    // The invoices of the report's currency only, against the CUR's rows in it (src.scan).
    st.bind(3, d.params.every_currency ? std::string() : d.params.currency);
    while (st.step()) {
        const Period m = static_cast<Period>(st.column_int(0));
        InvoiceMonth im;
        im.month = format_period(m);
        im.invoices = static_cast<int>(st.column_int(1));
        im.currency = st.column_text(2);
        im.payment_currency = st.column_text(3);
        im.invoice_total = st.column_amount(4);
        im.invoice_tax = st.column_amount(5);
        im.credits = st.column_amount(6);
        im.payment_total = st.column_amount(7);
        im.cur_total = unfiltered_month(src, m);  // invoices cover the whole bill
        im.difference = im.invoice_total + im.credits - im.cur_total;
        im.flagged = im.difference > kUnit / 100 || im.difference < -kUnit / 100;
        d.invoice_months.push_back(std::move(im));
    }
    if (d.invoice_months.empty() || !table_exists(db, "ce_cost")) return;
    for (auto& im : d.invoice_months) {
        auto ce = db.prepare(
            "SELECT count(*), money_sum(amount) FROM ce_cost WHERE granularity = 'MONTHLY' AND "
            "start_day = ?");
        ce.bind(1, static_cast<int64_t>(to_yyyymmdd(first_day(*parse_period(im.month)))));
        if (ce.step() && ce.column_int(0) > 0) {
            im.ce_total = ce.column_amount(1);
            d.has_ce = true;
        }
    }
}

}  // namespace curcrunch::report
