// curcrunch import-pdf PATH...: record archived PDFs (reports and invoices) in the store.
#include <cstdio>

#include "curcrunch/billing/invoice_archive.hpp"
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/log.hpp"
#include "curcrunch/report/pdf_finish.hpp"
#include "curcrunch/report/pdf_import.hpp"
#include "curcrunch/report/pdf_signature.hpp"
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
        o.value("--trust-file", trust_file_, "PEM",
                "the certificates (PEM) a valid signature must chain to");
        o.flag("--require-signature", require_signature_,
               "refuse curcrunch reports without a valid signature (needs --trust-file)");
        o.flag("--quiet", quiet_, "only the final count and errors");
    }

    int run() override {
        if (paths_.empty()) throw_usage("import-pdf: give at least one PDF or folder");
        report::ImportOptions options;
        if (password_file_) options.password = report::read_password_file(*password_file_).user;
        std::optional<report::TrustStore> trust;
        if (trust_file_) trust = report::TrustStore::load(*trust_file_);
        if (require_signature_ && !trust)
            throw_usage("--require-signature needs --trust-file (the certificates to trust)");
        options.trust = trust ? &*trust : nullptr;
        options.require_signature = require_signature_;
        options.documents = {billing::invoice_archive_kind()};  // invoice PDFs billing wrote
        auto store = store::Store::open(store_.path());
        const auto outcomes = report::import_pdfs(store->db(), paths_, options);
        int failed = 0, imported = 0, duplicates = 0;
        for (const auto& o : outcomes) {
            using S = report::ImportOutcome::Status;
            if (o.status == S::failed) {
                ++failed;
                log::error(o.path + ": not imported: " + o.error);
                continue;
            }
            (o.status == S::imported ? imported : duplicates)++;
            // signature_detail is set only when the signature was checked now: on import, or
            // on a re-import with --trust-file.
            if (o.signature == "untrusted" && !o.signature_detail.empty())
                log::warn(o.path + (o.status == S::imported ? ": imported" : ": already imported") +
                          ", but its signature is untrusted: " + o.signature_detail);
            if (!o.recheck_warning.empty()) log::warn(o.path + ": " + o.recheck_warning);
            if (quiet_) continue;
            std::string what = o.kind;
            if (!o.report_id.empty()) what += " " + o.report_id;
            if (o.kind == billing::kArchivedInvoiceKind)
                what += " " + o.invoice_id;
            else if (!o.invoice_id.empty())
                what += " of invoice " + o.invoice_id;
            std::string sig = "signature " + o.signature;
            if (!o.signer.empty() || !o.signature_detail.empty())
                sig += " (" + o.signer +
                       (o.signature_detail.empty() ? "" : ": " + o.signature_detail) + ")";
            std::string note = o.note.empty() ? "" : "; " + o.note;
            if (!o.previous_signature.empty())
                note += "; stored signature status updated (was " + o.previous_signature + ")";
            std::printf("%s %s: %s, %d page(s), %s%s\n",
                        o.status == S::imported ? "imported" : "already imported", o.path.c_str(),
                        what.c_str(), o.pages, sig.c_str(), note.c_str());
        }
        std::printf("%d imported, %d already in the archive, %d failed\n", imported, duplicates,
                    failed);
        if (outcomes.empty()) log::warn("no PDF found");
        return failed ? 3 : 0;
    }

  private:
    StoreOption store_;
    std::vector<std::string> paths_;
    std::optional<std::string> password_file_, trust_file_;
    bool require_signature_ = false;
    bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> make_import_pdf_command() {
    return std::make_unique<ImportPdfCommand>();
}

}  // namespace curcrunch::cli
