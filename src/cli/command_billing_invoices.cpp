// curcrunch billing invoices: the customer invoices and credit notes billing stored.
#include "curcrunch/billing/currency.hpp"
#include "curcrunch/billing/invoice_store.hpp"
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class BillingInvoicesCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"billing invoices",
                "list the customer invoices and credit notes billing stored",
                "curcrunch billing invoices --db billing.db --period 2026-10",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        o.value("--period", period_, "YYYY-MM", "only this month", "all months");
        o.value("--customer", customer_, "ID", "only this customer", "all customers");
        format_.declare(o);
    }

    int run() override {
        const OutputFormat f = format_.get();
        const Period p = period_ ? parse_month("--period", *period_) : 0;
        auto store = store::Store::open(store_.path(), true);
        std::vector<std::vector<std::string>> rows;
        for (const auto& s :
             billing::list_customer_invoices(store->db(), p, customer_.value_or(""))) {
            // Stored amounts are already rounded to the currency's minor unit.
            const int mu = billing::minor_units_of(s.currency);
            auto money = [&](Amount v) { return format_money(v, mu, f == OutputFormat::table); };
            rows.push_back({format_period(s.period), s.invoice_id, s.customer, s.kind,
                            std::to_string(s.version), s.status, s.currency, money(s.subtotal),
                            money(s.tax), money(s.total), s.refers_to, s.issued_at,
                            s.aws_invoices});
        }
        print_rows(f,
                   {"period", "invoice", "customer", "kind", "version", "status", "currency",
                    "subtotal", "tax", "total", "refers_to", "issued", "aws_invoices"},
                   rows);
        return 0;
    }

  private:
    StoreOption store_;
    FormatOption format_;
    std::optional<std::string> period_, customer_;
};

}  // namespace

std::unique_ptr<Command> make_billing_invoices_command() {
    return std::make_unique<BillingInvoicesCommand>();
}

}  // namespace curcrunch::cli
