#include "curcrunch/store/coverage.hpp"

#include <algorithm>
#include <map>

namespace curcrunch::store {
namespace {

Day day_of(int64_t ymd) {
    return days_from_civil(static_cast<int>(ymd / 10000), static_cast<unsigned>(ymd / 100 % 100),
                           static_cast<unsigned>(ymd % 100));
}

bool has_table(Database& db, const char* name) {
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    st.bind(1, std::string_view(name));
    return st.step() && st.column_int(0) > 0;
}

std::string placeholders(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i)
        s += i ? ",?" : "?";
    return s;
}

// The AWS invoice `fetch` stored for a payer's period, "" when none. Marketplace invoices and
// purchase invoices (RI / Savings Plan upfront fees) are issued during the month, so they do not
// make the month final.
class StoredInvoices {
  public:
    explicit StoredInvoices(Database& db) {
        if (!has_table(db, "invoice")) return;
        auto st = db.prepare(
            "SELECT account_id, period, min(invoice_id) FROM invoice WHERE upper(invoice_type) = "
            "'INVOICE' AND upper(billing_entity) NOT LIKE '%MARKETPLACE%' AND upper(bill_type) "
            "NOT LIKE '%PURCHASE%' GROUP BY account_id, period");
        while (st.step())
            by_unit_[{st.column_text(0), static_cast<Period>(st.column_int(1))}] =
                st.column_text(2);
    }
    std::string find(const std::string& payer, Period p) const {
        auto it = by_unit_.find({payer, p});
        return it == by_unit_.end() ? std::string() : it->second;
    }

  private:
    std::map<std::pair<std::string, Period>, std::string> by_unit_;
};

}  // namespace

const char* period_status_name(PeriodStatus s) {
    switch (s) {
        case PeriodStatus::accruing:
            return "accruing";
        case PeriodStatus::final:
            return "final";
        case PeriodStatus::unknown:
            return "unknown";
    }
    return "?";
}

Day UnitCoverage::covers_from() const {
    return std::min(curcrunch::first_day(period), first_day);
}

std::vector<UnitCoverage> unit_coverage(Database& db, const std::vector<std::string>& payers) {
    std::string sql =
        "SELECT payer, period, min_day, max_day, invoice_ids, invoice_column, origin, ingest_id, "
        "rows, unblended, replaced_at, manifest, assembly_id FROM billing_period";
    if (!payers.empty()) sql += " WHERE payer IN (" + placeholders(payers.size()) + ")";
    sql += " ORDER BY payer, period";
    auto st = db.prepare(sql);
    int i = 1;
    for (const auto& p : payers)
        st.bind(i++, p);
    const StoredInvoices invoices(db);
    std::vector<UnitCoverage> out;
    while (st.step()) {
        UnitCoverage u;
        u.payer = st.column_text(0);
        u.period = static_cast<Period>(st.column_int(1));
        u.first_day = day_of(st.column_int(2));
        u.data_through = day_of(st.column_int(3));
        u.invoice_ids = st.column_text(4);
        const bool invoice_column = st.column_int(5) != 0;
        u.migrated = st.column_text(6) == "upgraded";
        u.ingest_id = st.column_int(7);
        u.rows = st.column_int(8);
        u.unblended = st.column_amount(9);
        u.replaced_at = st.column_text(10);
        u.manifest = st.column_text(11);
        u.assembly_id = st.column_text(12);
        const std::string invoice = invoices.find(u.payer, u.period);
        if (!u.invoice_ids.empty()) {
            u.status = PeriodStatus::final;
            u.status_basis = "invoice id in rows";
        } else if (!invoice.empty()) {
            u.status = PeriodStatus::final;
            u.status_basis = "invoice " + invoice + " (fetch)";
        } else if (u.migrated) {
            u.status = PeriodStatus::unknown;
            u.status_basis = "carried over from an older store; re-ingest to know";
        } else if (invoice_column) {
            u.status = PeriodStatus::accruing;
            u.status_basis = "no invoice id yet";
        } else {
            u.status = PeriodStatus::unknown;
            u.status_basis = "no invoice id column";
        }
        out.push_back(std::move(u));
    }
    return out;
}

DataThrough data_through(Database& db, const std::vector<std::string>& payers) {
    DataThrough r;
    std::map<std::string, Day> per_payer;
    for (const UnitCoverage& u : unit_coverage(db, payers)) {
        Day& d = per_payer[u.payer];
        d = std::max(d, u.data_through);
    }
    for (const auto& [payer, d] : per_payer) {
        r.latest = r.latest ? std::max(*r.latest, d) : d;
        r.every_payer = r.every_payer ? std::min(*r.every_payer, d) : d;
    }
    return r;
}

std::vector<Day> days_with_data(Database& db, Day from, Day to,
                                const std::vector<std::string>& payers) {
    if (to < from) return {};
    std::vector<bool> covered(static_cast<size_t>(to - from) + 1, false);
    for (const UnitCoverage& u : unit_coverage(db, payers)) {
        const Day a = std::max(from, u.covers_from()), b = std::min(to, u.data_through);
        for (Day d = a; d <= b; ++d)
            covered[static_cast<size_t>(d - from)] = true;
    }
    std::vector<Day> out;
    for (size_t k = 0; k < covered.size(); ++k)
        if (covered[k]) out.push_back(from + static_cast<Day>(k));
    return out;
}

}  // namespace curcrunch::store
