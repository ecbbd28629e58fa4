// curcrunch reports: the PDF archive (reports and invoices import-pdf recorded).
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class ReportsCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"reports",
                "list the PDF archive (reports and invoices)",
                "curcrunch reports --db billing.db --format csv",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        format_.declare(o);
    }

    int run() override {
        const OutputFormat format = format_.get();
        auto store = store::Store::open(store_.path(), true);
        std::vector<std::vector<std::string>> rows;
        for (const auto& r : report::list_archive(store->db()))
            rows.push_back({r.imported_at, r.kind, r.report_id.empty() ? r.invoice_id : r.report_id,
                            std::to_string(r.pages), std::to_string(r.bytes),
                            r.encrypted ? "yes" : "no", r.signature, r.signer, r.title, r.path,
                            r.sha256, r.note});
        print_rows(format,
                   {"imported", "kind", "id", "pages", "bytes", "encrypted", "signature", "signer",
                    "title", "path", "sha256", "note"},
                   rows);
        return 0;
    }

  private:
    StoreOption store_;
    FormatOption format_;
};

}  // namespace

std::unique_ptr<Command> make_reports_command() {
    return std::make_unique<ReportsCommand>();
}

}  // namespace curcrunch::cli
