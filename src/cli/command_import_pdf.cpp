// curcrunch import-pdf PATH...: record archived PDFs (reports and invoices) in the store.
#include <cstdio>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/report/pdf_finish.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class ImportPdfCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"import-pdf",
                "record archived PDFs (reports and invoices) in the store",
                "curcrunch import-pdf --db billing.db /archive/reports/",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        o.positionals("PATH", paths_, "PDF files and folders (walked for *.pdf)");
        o.value("--password-file", password_file_, "FILE",
                "the password of encrypted PDFs (first line)");
        o.flag("--quiet", quiet_, "only the final count and errors");
    }

    int run() override {
        if (paths_.empty()) throw_usage("import-pdf: give at least one PDF or folder");
        std::optional<Secret> password;
        if (password_file_) password = report::read_password_file(*password_file_).user;
        auto store = store::Store::open(store_.path());
        const auto outcomes = report::import_pdfs(store->db(), paths_, password);
        int failed = 0, imported = 0, duplicates = 0;
        for (const auto& o : outcomes) {
            using S = report::ImportOutcome::Status;
            if (o.status == S::failed) {
                ++failed;
                log::error(o.path + ": not imported: " + o.error);
                continue;
            }
            (o.status == S::imported ? imported : duplicates)++;
            if (quiet_) continue;
            std::string what = o.kind;
            if (!o.report_id.empty()) what += " " + o.report_id;
            if (!o.invoice_id.empty()) what += " of invoice " + o.invoice_id;
            std::printf("%s %s: %s, %d page(s)\n",
                        o.status == S::imported ? "imported" : "already imported", o.path.c_str(),
                        what.c_str(), o.pages);
        }
        std::printf("%d imported, %d already in the archive, %d failed\n", imported, duplicates,
                    failed);
        if (outcomes.empty()) log::warn("no PDF found");
        return failed ? 3 : 0;
    }

  private:
    StoreOption store_;
    std::vector<std::string> paths_;
    std::optional<std::string> password_file_;
    bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> make_import_pdf_command() {
    return std::make_unique<ImportPdfCommand>();
}

}  // namespace curcrunch::cli
