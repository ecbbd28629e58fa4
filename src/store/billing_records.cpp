#include "curcrunch/store/billing_records.hpp"

#include <ctime>
#include <map>
#include <tuple>

#include "curcrunch/store/store.hpp"

namespace curcrunch::store {
namespace {

std::string iso_of_epoch(int64_t t) {
    if (t <= 0) return {};
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return b;
}

}  // namespace

void put_accounts(Database& db, const std::string& profile,
                  const std::vector<aws::OrgAccount>& accounts,
                  const std::map<std::string, aws::OrgPlacement>& placements) {
    Transaction tx(db);
    // updated_at says when something about the account last changed: an account listed again
    // exactly as stored keeps its row untouched. ?9 and ?10 are NULL when this run did not read
    // the account's OU path: the stored one stays.
    auto st = db.prepare(
        "INSERT INTO account(id, name, email, state, joined_method, joined_at, arn, "
        "payer_profile, ou_path, ou_ids, updated_at) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,coalesce(?9,''),coalesce(?10,''),?11) "
        "ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, "
        "state = excluded.state, joined_method = excluded.joined_method, "
        "joined_at = excluded.joined_at, arn = excluded.arn, "
        "payer_profile = excluded.payer_profile, ou_path = coalesce(?9, account.ou_path), "
        "ou_ids = coalesce(?10, account.ou_ids), updated_at = excluded.updated_at "
        "WHERE (name, email, state, joined_method, joined_at, arn, payer_profile, ou_path, "
        "ou_ids) IS NOT (excluded.name, excluded.email, excluded.state, excluded.joined_method, "
        "excluded.joined_at, excluded.arn, excluded.payer_profile, "
        "coalesce(?9, account.ou_path), coalesce(?10, account.ou_ids))");
    const std::string now = now_utc_iso();
    for (const auto& a : accounts) {
        st.bind(1, a.id).bind(2, a.name).bind(3, a.email).bind(4, a.state);
        st.bind(5, a.joined_method).bind(6, iso_of_epoch(a.joined)).bind(7, a.arn);
        st.bind(8, profile);
        if (auto it = placements.find(a.id); it != placements.end())
            st.bind(9, it->second.path_text()).bind(10, it->second.ids_text());
        else
            st.bind_null(9).bind_null(10);
        st.bind(11, now);
        st.run();
        st.reset();
    }
    tx.commit();
}

void put_invoices(Database& db, const std::string& profile,
                  const std::vector<aws::InvoiceSummary>& invoices,
                  const std::string& payment_method) {
    Transaction tx(db);
    auto st = db.prepare(
        "INSERT OR REPLACE INTO invoice(invoice_id, payer_profile, account_id, period, "
        "invoice_type, bill_type, frequency, billing_entity, invoicing_entity, "
        "commercial_invoice_id, original_invoice_id, purchase_order, issued_at, due_at, "
        "base_currency, base_total, base_before_tax, base_subtotal, base_discounts, base_taxes, "
        "base_fees, tax_currency, tax_total, tax_taxes, tax_exchange_rate, payment_currency, "
        "payment_total, payment_before_tax, payment_taxes, payment_exchange_rate, "
        "payment_method, fetched_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    const std::string now = now_utc_iso();
    for (const auto& v : invoices) {
        int i = 0;
        auto text = [&](const std::string& x) { st.bind(++i, x); };
        auto money = [&](Amount x) { st.bind_amount(++i, x); };
        text(v.invoice_id);
        text(profile);
        text(v.account_id);
        st.bind(++i, static_cast<int64_t>(v.period));
        for (const std::string* x :
             {&v.invoice_type, &v.bill_type, &v.frequency, &v.billing_entity, &v.invoicing_entity,
              &v.commercial_invoice_id, &v.original_invoice_id, &v.purchase_order})
            text(*x);
        text(iso_of_epoch(v.issued));
        text(iso_of_epoch(v.due));
        text(v.base.currency);
        for (Amount x : {v.base.total, v.base.before_tax, v.base.subtotal, v.base.discounts,
                         v.base.taxes, v.base.fees})
            money(x);
        text(v.tax.currency);
        money(v.tax.total);
        money(v.tax.taxes);
        text(v.tax.exchange_rate);
        text(v.payment.currency);
        money(v.payment.total);
        money(v.payment.before_tax);
        money(v.payment.taxes);
        text(v.payment.exchange_rate);
        text(payment_method);
        text(now);
        st.run();
        st.reset();
    }
    tx.commit();
}

void put_invoice_document(Database& db, const std::string& invoice_id,
                          const aws::InvoiceDocumentLink& doc, const std::string& path,
                          const std::string& sha256, int64_t bytes) {
    auto st = db.prepare(
        "INSERT OR REPLACE INTO invoice_document(invoice_id, document_id, kind, path, sha256, "
        "bytes, fetched_at) VALUES (?,?,?,?,?,?,?)");
    st.bind(1, invoice_id).bind(2, doc.document_id).bind(3, doc.kind).bind(4, path);
    st.bind(5, sha256).bind(6, bytes).bind(7, now_utc_iso());
    st.run();
}

std::string invoice_document_sha256(Database& db, const std::string& invoice_id,
                                    const std::string& document_id) {
    auto st =
        db.prepare("SELECT sha256 FROM invoice_document WHERE invoice_id = ? AND document_id = ?");
    st.bind(1, invoice_id).bind(2, document_id);
    return st.step() ? st.column_text(0) : std::string();
}

std::vector<StoredDocument> invoice_documents(Database& db, const std::string& invoice_id) {
    auto st = db.prepare(
        "SELECT document_id, path, sha256 FROM invoice_document WHERE invoice_id = ? ORDER BY "
        "document_id");
    st.bind(1, invoice_id);
    std::vector<StoredDocument> out;
    while (st.step())
        out.push_back({st.column_text(0), st.column_text(1), st.column_text(2)});
    return out;
}

void replace_ce_costs(Database& db, const std::string& profile, aws::CeGranularity g, Day from,
                      Day to, const std::vector<aws::CeCostRow>& rows) {
    const char* gname = g == aws::CeGranularity::monthly ? "MONTHLY" : "DAILY";
    Transaction tx(db);
    auto del = db.prepare(
        "DELETE FROM ce_cost WHERE payer_profile = ? AND granularity = ? AND start_day "
        "BETWEEN ? AND ?");
    del.bind(1, profile).bind(2, gname).bind(3, static_cast<int64_t>(to_yyyymmdd(from)));
    del.bind(4, static_cast<int64_t>(to_yyyymmdd(to)));
    del.run();
    // CE may split one cell over pages: amounts of the same cell are added, never overwritten.
    std::map<std::tuple<Day, std::string, std::string>, aws::CeCostRow> cells;
    for (const auto& r : rows) {
        auto [it, fresh] = cells.try_emplace({r.start, r.account, r.service}, r);
        if (!fresh) {
            it->second.amount += r.amount;
            it->second.estimated = it->second.estimated || r.estimated;
        }
    }
    auto ins = db.prepare(
        "INSERT INTO ce_cost(payer_profile, granularity, start_day, account, service, unit, "
        "amount, estimated, fetched_at) VALUES (?,?,?,?,?,?,?,?,?)");
    const std::string now = now_utc_iso();
    for (const auto& [key, r] : cells) {
        ins.bind(1, profile).bind(2, gname).bind(3, static_cast<int64_t>(to_yyyymmdd(r.start)));
        ins.bind(4, r.account).bind(5, r.service).bind(6, r.unit).bind_amount(7, r.amount);
        ins.bind(8, static_cast<int64_t>(r.estimated ? 1 : 0)).bind(9, now);
        ins.run();
        ins.reset();
    }
    tx.commit();
}

void put_payment_instruments(Database& db, const std::string& profile,
                             const std::vector<aws::PaymentInstrument>& instruments) {
    Transaction tx(db);
    auto del = db.prepare("DELETE FROM payment_instrument WHERE payer_profile = ?");
    del.bind(1, profile);
    del.run();
    auto st = db.prepare(
        "INSERT INTO payment_instrument(payer_profile, id, arn, method, status, fetched_at) "
        "VALUES (?,?,?,?,?,?)");
    const std::string now = now_utc_iso();
    for (const auto& p : instruments) {
        st.bind(1, profile).bind(2, p.id).bind(3, p.arn).bind(4, p.method).bind(5, p.status);
        st.bind(6, now);
        st.run();
        st.reset();
    }
    tx.commit();
}

int64_t record_fetch_run(Database& db, const FetchRunRecord& r) {
    auto st = db.prepare(
        "INSERT INTO fetch_run(started_at, finished_at, outcome, profiles, periods_ingested, "
        "periods_failed, ce_requests, retries, problems) VALUES (?,?,?,?,?,?,?,?,?)");
    st.bind(1, r.started_at).bind(2, now_utc_iso()).bind(3, r.outcome).bind(4, r.profiles);
    st.bind(5, static_cast<int64_t>(r.periods_ingested));
    st.bind(6, static_cast<int64_t>(r.periods_failed));
    st.bind(7, static_cast<int64_t>(r.ce_requests)).bind(8, static_cast<int64_t>(r.retries));
    st.bind(9, r.problems);
    st.run();
    return db.last_insert_rowid();
}

std::vector<InvoiceRow> list_invoices(Database& db) {
    std::vector<InvoiceRow> out;
    auto st = db.prepare(
        "SELECT i.invoice_id, i.payer_profile, i.account_id, i.period, i.invoice_type, "
        "i.issued_at, i.due_at, i.base_currency, i.payment_currency, i.payment_method, "
        "i.base_total, i.base_taxes, i.base_discounts, i.payment_total, "
        "(SELECT count(*) FROM invoice_document d WHERE d.invoice_id = i.invoice_id) "
        "FROM invoice i ORDER BY i.period, i.payer_profile, i.invoice_id");
    while (st.step()) {
        InvoiceRow r;
        r.invoice_id = st.column_text(0);
        r.payer_profile = st.column_text(1);
        r.account_id = st.column_text(2);
        r.period = format_period(static_cast<Period>(st.column_int(3)));
        r.invoice_type = st.column_text(4);
        r.issued_at = st.column_text(5);
        r.due_at = st.column_text(6);
        r.base_currency = st.column_text(7);
        r.payment_currency = st.column_text(8);
        r.payment_method = st.column_text(9);
        r.base_total = st.column_amount(10);
        r.base_taxes = st.column_amount(11);
        r.base_discounts = st.column_amount(12);
        r.payment_total = st.column_amount(13);
        r.documents = static_cast<int>(st.column_int(14));
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace curcrunch::store
