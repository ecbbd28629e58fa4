// curcrunch audit: recompute imported reports from today's data, compare imported invoices
// with the store's, and list what differs.
#include <cstdio>

#include "curcrunch/billing/invoice_audit.hpp"
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/report/audit.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class AuditCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"audit",
                "check imported reports and invoices against today's data",
                "curcrunch audit --db billing.db --all",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        o.value("--report-id", report_id_, "ID", "audit this report only", "all reports");
        o.flag("--all", all_, "audit every imported report (the default)");
        o.value("--tolerance", tolerance_, "AMOUNT", "differences up to this are not reported");
        format_.declare(o);
    }

    int run() override {
        const OutputFormat f = format_.get();
        if (report_id_ && all_) throw_usage("give --report-id or --all, not both");
        const Amount tolerance = parse_non_negative_amount("--tolerance", tolerance_);
        auto store = store::Store::open(store_.path(), true);
        // --report-id may name an archived invoice (invoice PDFs given to import-pdf).
        const bool one_invoice =
            report_id_ && billing::is_archived_invoice(store->db(), *report_id_);
        const auto results =
            one_invoice ? std::vector<report::AuditResult>{}
                        : report::audit_reports(store->db(), report_id_.value_or(""), tolerance);
        const auto invoices =
            report_id_ && !one_invoice
                ? std::vector<billing::InvoiceAudit>{}
                : billing::audit_invoices(store->db(), report_id_.value_or(""), tolerance);
        std::vector<std::vector<std::string>> rows;
        size_t differing = 0;
        auto cell = [&](const std::string& text, bool money) {
            Amount v = 0;
            if (text.empty() || !money || parse_amount(text, v) != ParseStatus::ok) return text;
            return money_cell(f, v);
        };
        for (const auto& r : results) {
            if (!r.differences.empty()) ++differing;
            for (const auto& c : r.differences)
                rows.push_back({r.report_id, r.from + ".." + r.to, c.kind, c.key, c.column,
                                cell(c.reported, c.money), cell(c.current, c.money),
                                c.money ? money_cell(f, c.difference()) : "",
                                report::audit_status_name(c.status)});
        }
        size_t invoices_differing = 0;
        for (const auto& inv : invoices) {
            if (!inv.differences.empty()) ++invoices_differing;
            for (const auto& c : inv.differences)
                rows.push_back({inv.invoice_id, format_period(inv.period), c.kind, c.key, c.column,
                                cell(c.reported, c.money), cell(c.current, c.money),
                                c.current.empty() ? "" : money_cell(f, c.difference()),
                                report::audit_status_name(c.status)});
        }
        print_rows(f,
                   {"report", "period", "table", "row", "column", "reported", "current",
                    "difference", "status"},
                   rows);
        if (f == OutputFormat::table) {
            for (const auto& r : results)
                if (!r.missing_periods.empty())
                    std::printf("report %s: %s\n", r.report_id.c_str(),
                                report::audit_data_loss(r).c_str());
            std::printf("%zu report(s) audited, %zu with differences above %s\n", results.size(),
                        differing, format_money(tolerance, 2).c_str());
            if (!invoices.empty())
                std::printf("%zu invoice(s) audited, %zu with differences above %s\n",
                            invoices.size(), invoices_differing,
                            format_money(tolerance, 2).c_str());
        }
        return differing || invoices_differing ? 7 : 0;
    }

  private:
    StoreOption store_;
    std::optional<std::string> report_id_;
    bool all_ = false;
    std::string tolerance_ = "0.01";
    FormatOption format_;
};

}  // namespace

std::unique_ptr<Command> make_audit_command() {
    return std::make_unique<AuditCommand>();
}

}  // namespace curcrunch::cli
