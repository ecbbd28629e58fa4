#include "curcrunch/billing/period_status.hpp"

namespace curcrunch::billing {

std::set<std::string> period_payers(store::Database& db, Period period) {
    auto st = db.prepare(
        "SELECT DISTINCT d.value FROM cost_daily c JOIN dim d ON d.id = c.payer_account "
        "WHERE c.period = ?");
    st.bind(1, static_cast<int64_t>(period));
    std::set<std::string> out;
    while (st.step())
        if (!st.column_text(0).empty()) out.insert(st.column_text(0));
    return out;
}

PeriodStatus aws_period_status(store::Database& db, Period period,
                               const std::set<std::string>& payers_in) {
    PeriodStatus s;
    const std::set<std::string> payers = payers_in.empty() ? period_payers(db, period) : payers_in;
    auto st = db.prepare(
        "SELECT invoice_id FROM invoice WHERE period = ? AND account_id = ? AND "
        "invoice_type = 'INVOICE' ORDER BY invoice_id");
    for (const std::string& p : payers) {
        st.bind(1, static_cast<int64_t>(period)).bind(2, p);
        bool found = false;
        while (st.step()) {
            s.aws_invoices.push_back(st.column_text(0));
            found = true;
        }
        st.reset();
        if (!found) s.missing_payers.push_back(p);
    }
    s.final = !payers.empty() && s.missing_payers.empty();
    return s;
}

}  // namespace curcrunch::billing
