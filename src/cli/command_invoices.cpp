// curcrunch invoices: the invoices fetch stored, with their archived documents.
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/store/billing_records.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class InvoicesCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"invoices",
                "list the invoices fetch stored, with their documents",
                "curcrunch invoices --db billing.db",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        format_.declare(o);
    }

    int run() override {
        const OutputFormat f = format_.get();
        auto store = store::Store::open(store_.path(), true);
        std::vector<std::vector<std::string>> rows;
        for (const auto& r : store::list_invoices(store->db()))
            rows.push_back({r.period, r.invoice_id, r.invoice_type, r.payer_profile, r.account_id,
                            r.issued_at, r.base_currency, money_cell(f, r.base_total),
                            money_cell(f, r.base_taxes), money_cell(f, r.base_discounts),
                            r.payment_currency, money_cell(f, r.payment_total), r.payment_method,
                            std::to_string(r.documents)});
        print_rows(
            f,
            {"period", "invoice", "type", "profile", "account", "issued", "currency", "total",
             "tax", "discounts", "pay_currency", "pay_total", "pay_method", "documents"},
            rows);
        return 0;
    }

  private:
    StoreOption store_;
    FormatOption format_;
};

}  // namespace

std::unique_ptr<Command> make_invoices_command() {
    return std::make_unique<InvoicesCommand>();
}

}  // namespace curcrunch::cli
