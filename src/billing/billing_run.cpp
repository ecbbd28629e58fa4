#include "curcrunch/billing/billing_run.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "curcrunch/billing/aws_charges.hpp"
#include "curcrunch/billing/config_check.hpp"
#include "curcrunch/billing/credit_note.hpp"
#include "curcrunch/billing/currency.hpp"
#include "curcrunch/billing/customer_bill.hpp"
#include "curcrunch/billing/invoice_archive.hpp"
#include "curcrunch/billing/invoice_files.hpp"
#include "curcrunch/billing/invoice_header.hpp"
#include "curcrunch/billing/invoice_json.hpp"
#include "curcrunch/billing/invoice_store.hpp"
#include "curcrunch/billing/period_status.hpp"
#include "curcrunch/core/durable_file.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/interrupt.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::billing {
namespace fs = std::filesystem;
namespace {

enum class Action { add, keep, replace, reissue, refuse };

struct Plan {
    Action action = Action::add;
    Invoice invoice;                      // the bill as computed (id, version, status set)
    std::optional<StoredInvoice> stored;  // the current stored invoice, if any
    std::optional<Invoice> credit_note;
    std::vector<MarginCell> margin;
    std::string change;  // the run's report line
    std::vector<std::string> details;
    size_t document = 0, credit_document = 0;  // indexes into the run's documents
};

std::string signed_money(Amount v, const Invoice& inv) {
    return (v > 0 ? "+" : "") + invoice_money(v, inv);
}

int next_version(store::Database& db, const std::string& customer, Period period) {
    int v = 0;
    for (const auto& s : list_customer_invoices(db, period, customer))
        v = std::max(v, s.version);
    return v + 1;
}

class Run {
  public:
    Run(store::Database& db, const BillingConfig& c, const BillingRunOptions& o)
        : db_(db), c_(c), o_(o) {}

    BillingRunResult go() {
        const std::vector<std::string> seen = known_accounts(db_);
        result_.warnings = raise_config_errors(c_, check_billing_config(c_, seen));
        result_.units = read_cost_rows(db_, o_.period, rows_);
        if (std::any_of(c_.rules.begin(), c_.rules.end(),
                        [](const PricingRule& r) { return !r.unit.empty(); }))
            read_usage_units(db_, result_.units, rows_);
        std::set<std::string> accounts;
        for (const BillingGroup& g : c_.groups)
            if (g.months.contains(o_.period)) accounts.insert(g.accounts.begin(), g.accounts.end());
        payers_.emplace(db_, o_.period, rows_, accounts,
                        std::set<std::string>(seen.begin(), seen.end()), store::unit_coverage(db_));
        if (result_.units.empty() && !accounts.empty())
            result_.warnings.push_back("warning: the store has no AWS costs for " +
                                       format_period(o_.period) +
                                       ": every invoice of the month is a draft without them");
        for (const store::UnitCoverage& u : result_.units)
            if (u.migrated)
                result_.warnings.push_back(
                    "warning: payer " + u.payer + " " + format_period(o_.period) +
                    " was carried over from a store before schema 6: until it is re-ingested its "
                    "rows have no commitment owner or billing entity, so covered usage is billed "
                    "as covered from outside every group and billing-entity rules match nothing");
        now_ = store::now_utc_iso();
        lock_store();
        std::map<std::string, StoredInvoice> current;
        for (auto& s : current_invoices(db_, o_.period))
            current.emplace(s.customer, s);
        for (const Customer& cu : c_.customers) {
            throw_if_interrupted();
            auto it = current.find(cu.id);
            plan_customer(
                cu, it == current.end() ? std::nullopt : std::optional<StoredInvoice>(it->second));
            if (it != current.end()) current.erase(it);
        }
        refuse_rewrites();
        for (const auto& [customer, s] : current) {  // no longer billed
            if (s.status == "draft") {
                removed_.push_back(s.invoice_id);
                result_.changes.push_back(customer + " " + format_period(o_.period) + ": draft " +
                                          s.invoice_id + " removed (no longer billed)");
            } else {
                result_.warnings.push_back("warning: " + s.invoice_id + " is " + s.status +
                                           " and kept, although " + customer +
                                           " is no longer billed");
            }
        }
        collect_documents();
        std::vector<std::string> temps = render_files();
        try {
            write_store();
        } catch (...) {
            for (const auto& t : temps) {
                std::error_code ec;
                fs::remove(t, ec);
            }
            throw;
        }
        // Each file was synced before the store recorded it; the names persist with the
        // folder's one sync (core/durable_file.hpp).
        for (const auto& t : temps) {
            const std::string final_path = t.substr(0, t.size() - 4);  // drop ".tmp"
            fs::rename(t, final_path);
            result_.files.push_back(final_path);
        }
        if (!result_.files.empty()) sync_folder_of(result_.files.front());
        return std::move(result_);
    }

  private:
    // Invariant: every decision (add, keep, replace, refuse, reissue, and the version numbers)
    // is taken on the invoices as they are inside the transaction that writes them, so that
    // no other run can make them stale in between. A second run waits here (the store's busy
    // timeout) for the first to commit, then decides on what it wrote.
    void lock_store() {
        try {
            tx_.emplace(db_);
        } catch (const Error&) {
            const int code = sqlite3_errcode(db_.handle());
            if (code != SQLITE_BUSY && code != SQLITE_LOCKED) throw;
            throw_store(db_.path() + ": another billing run on " + db_.path() +
                        " is in progress (or another command is writing to the store): nothing "
                        "was written; run again once it has finished");
        }
    }

    void plan_customer(const Customer& cu, std::optional<StoredInvoice> stored) {
        CustomerBill bill = bill_customer(db_, c_, cu, o_.period, rows_);
        Plan p;
        p.invoice = std::move(bill.invoice);
        p.margin = std::move(bill.margin);
        for (auto& w : bill.warnings)
            result_.warnings.push_back(std::move(w));
        p.stored = std::move(stored);
        if (p.invoice.lines.empty() && !p.stored) return;  // nothing to bill, nothing billed
        Invoice& inv = p.invoice;
        PeriodStatus st =
            customer_period_status(db_, c_, cu, o_.period, rows_, result_.units, *payers_);
        for (auto& w : st.warnings)
            result_.warnings.push_back(std::move(w));
        inv.status = st.final ? "final" : "draft";
        if (st.final) inv.aws_invoices = st.aws_invoices;
        inv.issued_at = now_;
        const std::string who = cu.id + " " + format_period(o_.period) + ": ";
        const std::string total = invoice_money(inv.totals.total, inv);
        if (!p.stored) {
            inv.version = next_version(db_, cu.id, o_.period);
            inv.invoice_id = invoice_id_for(cu.id, o_.period, inv.version);
            p.action = Action::add;
            p.change = who + "new " + inv.status + " " + inv.invoice_id + ", total " + total +
                       " (" + std::to_string(inv.lines.size()) + " lines)";
        } else {
            const StoredInvoice& s = *p.stored;
            const bool same = s.content_sha256 == invoice_content_sha256(inv);
            const InvoiceDocument issued = parse_invoice_json(s.document);
            const Invoice& before = issued.invoice;
            const std::vector<std::string> header = header_differences(issued, document(inv));
            if (s.status == "draft") {
                inv.version = s.version;
                inv.invoice_id = s.invoice_id;
                if (same && inv.status == "draft" && header.empty()) {
                    p.action = Action::keep;
                    p.invoice = before;
                    // Drawn from the run's configuration, a draft states its exchange (the
                    // same, or none where an older document stated nothing: header).
                    p.invoice.exchange = inv.exchange;
                    p.invoice.exchange_stated = true;
                    p.change = who + s.invoice_id + " unchanged (draft), total " + total;
                } else {
                    p.action = Action::replace;
                    if (!same)
                        p.change = who + "draft " + s.invoice_id + " replaced" +
                                   std::string(inv.status == "final" ? " and now final" : "") +
                                   ": total " + invoice_money(s.total, inv) + " -> " + total +
                                   " (" + signed_money(inv.totals.total - s.total, inv) + ")";
                    else if (inv.status == "final")
                        p.change = who + "draft " + s.invoice_id +
                                   " unchanged, now final (AWS invoice " +
                                   joined(inv.aws_invoices) + ")";
                    else
                        p.change = who + "draft " + s.invoice_id +
                                   " updated from the configuration, total " + total;
                    p.details = line_differences(before, inv);
                    if (p.details.empty() && !same)
                        p.change += "; no amount changed (descriptions or pricing texts did)";
                    for (const auto& h : header)
                        p.details.push_back("~ " + h);
                }
            } else if (same) {
                p.action = Action::keep;
                p.invoice = before;
                p.change = who + s.invoice_id + " unchanged (" + s.status + "), total " + total;
                // An issued invoice is not rewritten for a new name or address: say so, since
                // the customer holds the old one (a reissue starts from a changed bill).
                if (!header.empty()) {
                    std::string w = "warning: " + s.invoice_id + " is " + s.status +
                                    " and kept as issued, but the configuration now differs "
                                    "from it:";
                    for (const auto& h : header)
                        w += "\n    " + h;
                    result_.warnings.push_back(w);
                }
            } else {
                p.details = line_differences(before, inv);
                if (!o_.reissue) {
                    p.action = Action::refuse;
                    p.change = who + s.invoice_id + " is final and would change: total " +
                               invoice_money(s.total, inv) + " -> " + total;
                } else {
                    p.action = Action::reissue;
                    inv.version = next_version(db_, cu.id, o_.period);
                    inv.invoice_id = invoice_id_for(cu.id, o_.period, inv.version);
                    inv.refers_to = s.invoice_id;
                    p.credit_note = make_credit_note(before, inv);
                    p.change = who + s.invoice_id + " reissued as " + inv.invoice_id + " (" +
                               inv.status + "), total " + total + ", with credit note " +
                               p.credit_note->invoice_id + " of " +
                               signed_money(p.credit_note->totals.total, inv);
                }
            }
        }
        warn_if_owed(p.invoice);
        result_.changes.push_back(p.change);
        for (const auto& d : p.details)
            result_.changes.push_back("    " + d);
        plans_.push_back(std::move(p));
    }

    // Pass-through AWS credits larger than the charges leave a negative invoice: issued as
    // computed (AWS would cap the credits; curcrunch carries nothing forward), and said.
    void warn_if_owed(const Invoice& inv) {
        if (inv.totals.subtotal >= 0) return;
        const int mu = inv.minor_units;
        result_.warnings.push_back(
            "warning: " + inv.invoice_id + ": credits exceed charges: " +
            invoice_money(-inv.totals.total, inv) + " is owed to the customer (subtotal " +
            minor_text(inv.totals.subtotal, mu) + ", tax " + minor_text(inv.totals.tax, mu) + ")");
    }

    static std::string joined(const std::vector<std::string>& v) {
        std::string o;
        for (const auto& s : v)
            o += (o.empty() ? "" : ", ") + s;
        return o;
    }

    void refuse_rewrites() {
        std::string msg;
        for (const Plan& p : plans_)
            if (p.action == Action::refuse) {
                msg += (msg.empty() ? "" : "\n") + p.change;
                for (const auto& d : p.details)
                    msg += "\n    " + d;
            }
        if (msg.empty()) return;
        throw_usage(msg +
                    "\nnothing was written: a final invoice is never rewritten; run again with "
                    "--reissue to issue a new version with a credit note for the difference");
    }

    InvoiceDocument document(const Invoice& inv) const {
        InvoiceDocument d;
        d.invoice = inv;
        d.seller = {c_.seller_name, c_.seller_tax_id, c_.seller_address};
        d.config_sha256 = c_.sha256;
        d.tool_version = CURCRUNCH_VERSION;
        return d;
    }

    void collect_documents() {
        for (Plan& p : plans_) {
            p.document = result_.documents.size();
            issued_.push_back(p.action == Action::keep && p.stored->status != "draft"
                                  ? &p.stored->document
                                  : nullptr);
            if (p.action == Action::keep) {
                result_.documents.push_back(parse_invoice_json(p.stored->document));
                // A draft is drawn from the configuration of the run (its header is the same,
                // or the draft would have been replaced).
                if (!issued_.back()) {
                    InvoiceDocument& d = result_.documents.back();
                    d.config_sha256 = c_.sha256;
                    d.invoice.exchange = p.invoice.exchange;
                    d.invoice.exchange_stated = true;
                }
            } else {
                result_.documents.push_back(document(p.invoice));
            }
            if (p.credit_note) {
                p.credit_document = result_.documents.size();
                issued_.push_back(nullptr);
                result_.documents.push_back(document(*p.credit_note));
            }
            for (const MarginCell& m : p.margin)
                margin_rows_.push_back({p.invoice.customer, m.group, m.service, m.account,
                                        p.invoice.currency, m.cost, m.billed});
        }
        add_not_billed();
        std::sort(margin_rows_.begin(), margin_rows_.end(), [](const auto& a, const auto& b) {
            return std::tie(a.customer, a.group, a.service, a.account) <
                   std::tie(b.customer, b.group, b.service, b.account);
        });
        result_.margin = margin_lines(margin_rows_);
    }

    // AWS costs of accounts in no billing group of the month: nobody is billed for them, and
    // the margin report lists them (customer and group empty) so that they are not lost from
    // the AWS-cost side. In the costs' currency, rounded to its minor unit like every cost.
    void add_not_billed() {
        std::set<std::string, std::less<>> grouped;
        for (const BillingGroup& g : c_.groups)
            if (g.months.contains(o_.period)) grouped.insert(g.accounts.begin(), g.accounts.end());
        std::map<std::tuple<std::string, std::string, std::string>, Amount> cost;
        for (const CostRow& r : rows_.rows) {
            if (grouped.count(r.account)) continue;
            Amount& a =
                cost[{std::string(r.currency), std::string(r.service), std::string(r.account)}];
            a = checked_add(a, cost_by_measure(r, c_.margin_measure));
        }
        for (const auto& [key, amount] : cost) {
            const auto& [currency, service, account] = key;
            const Amount rounded =
                round_line(Fraction::of_amount(amount), minor_units_of(currency));
            if (rounded != 0)
                margin_rows_.push_back({"", "", service, account, currency, rounded, 0});
        }
    }

    // The files, under temporary names. The PDFs come first: drawing one gives its document
    // the pages digest that its JSON (embedded, written next to it and stored) then states.
    // The files of a final invoice kept as issued are not written again, so that what the
    // customer was sent (maybe signed) stays as it is; one that is missing, or is not the
    // issued document, is drawn again from the stored invoice, the same bytes when this
    // curcrunch drew it unsigned.
    std::vector<std::string> render_files() {
        std::vector<std::string> temps;
        jsons_.assign(result_.documents.size(), std::string());
        if (o_.out_dir.empty()) {
            for (size_t i = 0; i < result_.documents.size(); ++i)
                jsons_[i] = issued_[i] ? *issued_[i] : invoice_json(result_.documents[i]);
            return temps;
        }
        std::error_code ec;
        fs::create_directories(o_.out_dir, ec);
        if (ec) throw_usage("--out " + o_.out_dir + ": cannot create the folder: " + ec.message());
        auto base_of = [&](size_t i) {
            return (fs::path(o_.out_dir) / result_.documents[i].invoice.invoice_id).string();
        };
        // A draft's files are always written; an issued invoice's only when missing or not
        // the issued document (a draft of the same id left there by an earlier run, an edited
        // file), and then the run says so: the folder held something the customer may have.
        auto wanted = [&](size_t i, const char* ext) {
            if (!issued_[i]) return true;
            const std::string path = base_of(i) + ext;
            if (!fs::exists(path)) return true;
            const std::string why = issued_file_mismatch(path, *issued_[i]);
            if (why.empty()) return false;
            result_.warnings.push_back("warning: " + path + " is not the issued " +
                                       result_.documents[i].invoice.status + " invoice " +
                                       result_.documents[i].invoice.invoice_id + " (" + why +
                                       "): written again from the stored invoice");
            return true;
        };
        try {
            std::vector<InvoicePdf> pdfs;
            for (size_t i = 0; i < result_.documents.size(); ++i) {
                if (!wanted(i, ".pdf")) {
                    jsons_[i] = *issued_[i];
                    continue;
                }
                temps.push_back(base_of(i) + ".pdf.tmp");
                pdfs.push_back({&result_.documents[i], &jsons_[i], temps.back(), o_.signer});
            }
            const chart::TextMetrics metrics;
            write_invoice_pdfs(pdfs, metrics);
            for (size_t i = 0; i < result_.documents.size(); ++i) {
                if (issued_[i]) keep_issued_document(i);
                const InvoiceDocument& d = result_.documents[i];
                if (wanted(i, ".json")) {
                    write_text_file(jsons_[i], base_of(i) + ".json.tmp");
                    temps.push_back(base_of(i) + ".json.tmp");
                }
                if (wanted(i, ".csv")) {
                    write_invoice_csv(d.invoice, base_of(i) + ".csv.tmp");
                    temps.push_back(base_of(i) + ".csv.tmp");
                }
            }
            const std::string m =
                (fs::path(o_.out_dir) / ("margin-" + format_period(o_.period))).string();
            write_text_file(margin_csv(result_.margin), m + ".csv.tmp");
            temps.push_back(m + ".csv.tmp");
            write_text_file(margin_json(result_.margin, o_.period), m + ".json.tmp");
            temps.push_back(m + ".json.tmp");
            sync_files(temps);  // on the disk before the store records them
        } catch (...) {
            for (const auto& t : temps)
                fs::remove(t, ec);
            throw;
        }
        return temps;
    }

    // An issued invoice's stored document stays what was issued. Its PDF drawn again states
    // another one only when the stored one predates the pages digest (it gains it) or another
    // curcrunch draws the pages differently (kept, and said).
    void keep_issued_document(size_t i) {
        const std::string& issued = *issued_[i];
        if (jsons_[i] == issued) return;
        const InvoiceDocument stored = parse_invoice_json(issued);
        if (stored.pages_sha256.empty()) return;
        result_.warnings.push_back(
            "warning: " + stored.invoice.invoice_id + " is final and its issued PDF was not in " +
            o_.out_dir + ": drawn again, its pages differ from the issued one's (another " +
            "curcrunch version drew them); the stored invoice keeps the issued pages digest");
        jsons_[i] = issued;
    }

    void write_store() {
        const int64_t run_id = record_billing_run(db_, o_.period, c_.sha256, c_.text, o_.reissue);
        for (const std::string& id : removed_)
            delete_draft(db_, id);
        for (const Plan& p : plans_) {
            const std::string& json = jsons_[p.document];
            switch (p.action) {
                case Action::add:
                    insert_invoice(db_, p.invoice, json, run_id);
                    break;
                case Action::replace:
                    delete_draft(db_, p.stored->invoice_id);
                    insert_invoice(db_, p.invoice, json, run_id);
                    break;
                case Action::reissue:
                    mark_superseded(db_, p.stored->invoice_id);
                    insert_invoice(db_, p.invoice, json, run_id);
                    insert_invoice(db_, *p.credit_note, jsons_[p.credit_document], run_id);
                    break;
                case Action::keep:
                    // The same bill: a draft's document follows the run's configuration and
                    // pages (a newer curcrunch may draw them differently); an issued one only
                    // gains the pages digest it had none of (render_files). Nothing billed
                    // changes.
                    if (p.stored && json != p.stored->document)
                        set_invoice_document(db_, p.stored->invoice_id, json);
                    break;
                case Action::refuse:
                    break;
            }
        }
        replace_margin(db_, o_.period, margin_rows_);
        std::string changes;
        for (const auto& l : result_.changes)
            changes += l + "\n";
        set_run_changes(db_, run_id, changes);
        throw_if_interrupted();  // the last moment at which nothing is written yet
        tx_->commit();
        result_.run_id = run_id;
    }

    store::Database& db_;
    const BillingConfig& c_;
    const BillingRunOptions& o_;
    std::optional<store::Transaction> tx_;  // from lock_store until write_store commits
    CostRowSet rows_;
    std::optional<AccountPayers> payers_;
    std::string now_;
    std::vector<Plan> plans_;
    std::vector<std::string> removed_;
    std::vector<MarginRow> margin_rows_;
    std::vector<std::string> jsons_;  // each document's JSON, as embedded and stored
    // Per document, the stored JSON of a final invoice kept as issued (else null).
    std::vector<const std::string*> issued_;
    BillingRunResult result_;
};

}  // namespace

std::vector<std::string> known_accounts(store::Database& db) {
    auto st = db.prepare(
        "SELECT value FROM dim WHERE id IN (SELECT DISTINCT usage_account FROM cost_daily)");
    std::vector<std::string> out;
    while (st.step())
        out.push_back(st.column_text(0));
    return out;
}

std::vector<StoreCurrency> store_currencies(store::Database& db) {
    auto st = db.prepare(
        "SELECT a.value, c.period, m.value FROM (SELECT DISTINCT usage_account, period, "
        "currency FROM cost_daily) c JOIN dim a ON a.id = c.usage_account JOIN dim m ON m.id = "
        "c.currency");
    std::vector<StoreCurrency> out;
    while (st.step())
        out.push_back(
            {st.column_text(0), static_cast<Period>(st.column_int(1)), st.column_text(2)});
    return out;
}

std::vector<StoreUnit> store_units(store::Database& db) {
    auto st = db.prepare(
        "SELECT a.value, s.value, u.value FROM (SELECT DISTINCT usage_account, product_code, unit "
        "FROM line_item_daily) l JOIN dim a ON a.id = l.usage_account JOIN dim s ON s.id = "
        "l.product_code JOIN dim u ON u.id = l.unit");
    std::vector<StoreUnit> out;
    while (st.step())
        out.push_back({st.column_text(0), st.column_text(1), st.column_text(2)});
    return out;
}

BillingRunResult run_billing(store::Database& db, const BillingConfig& c,
                             const BillingRunOptions& o) {
    return Run(db, c, o).go();
}

}  // namespace curcrunch::billing
