// curcrunch report: a PDF cost report from the store (report/pdf_report.hpp).
#include <cstdio>
#include <filesystem>
#include <future>

#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/report/pdf_finish.hpp"
#include "curcrunch/report/pdf_report.hpp"
#include "curcrunch/report/pdf_sign.hpp"
#include "curcrunch/report/report_scope.hpp"
#include "curcrunch/store/currency_scope.hpp"
#include "curcrunch/store/filter_values.hpp"
#include "curcrunch/store/payer_ids.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"
#include "curcrunch/store/view_coverage.hpp"

namespace curcrunch::cli {
namespace {

class ReportCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"report",
                "write a PDF cost report from the store",
                "curcrunch report --db billing.db --preset last-12-months --out costs.pdf",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        period_.declare(o, "--preset last-12-months", "the last day with data");
        o.list("--payer", payers_, "ID", "only these payer accounts");
        o.list("--account", accounts_, "ID", "only these usage accounts");
        o.list("--service", services_, "NAME", "only these services (product code or name)");
        o.value("--currency", currency_, "CODE",
                "only the amounts billed in this currency (needed when the store holds more "
                "than one for the report's selection: they are never added together)");
        o.list("--region", regions_, "CODE",
               "only these regions (the line items, which have none, are left out)");
        o.value("--measure", measure_, "M",
                "the cost every figure sums: unblended, net, amortized, net-amortized, blended or "
                "on-demand",
                "unblended");
        o.list("--by", by_, "tag:KEY|category:KEY",
               "add a page of the cost by this tag key or cost category's values (repeatable)");
        o.value("--min-cost", min_cost_, "AMOUNT",
                "hide breakdown rows and chart entries under AMOUNT (totals keep them)");
        o.value("--granularity", granularity_, "G", "of the second trend chart: day, week, month",
                "day");
        o.value("--top", top_, "N", "services and accounts shown before \"Other\"", "10");
        o.value("--line-items", line_items_, "N|all",
                "line-item groups listed before \"Other\" (all: every group)", "50");
        o.value("--out", out_, "FILE", "the PDF to write");
        o.value("--password-file", password_file_, "FILE",
                "encrypt (AES-256): user password on line 1, optional owner password on line 2");
        o.value("--sign-cert", sign_cert_, "PEM",
                "sign (PAdES B-B) with this certificate (then any intermediates)");
        o.value("--sign-key", sign_key_, "PEM", "the signing certificate's private key");
        o.value("--sign-key-pass-file", sign_key_pass_file_, "FILE",
                "the passphrase of an encrypted --sign-key (first line)");
        o.flag("--quiet", quiet_, "print nothing on success");
    }

    int run() override {
        // Usage errors first, before anything is opened.
        (void)params();
        if (const auto dir = std::filesystem::path(out_).parent_path();
            !dir.empty() && !std::filesystem::is_directory(dir))
            throw_usage("--out: the folder " + dir.string() + " does not exist");
        report::ReportOutput o;
        if (password_file_) o.passwords = report::read_password_file(*password_file_);
        const std::optional<report::SigningKey> key = signing_key();
        if (key) o.signer = &*key;
        // Read-write, as the store records every report it writes; but a report never creates
        // a store (the read-only open says why there is none).
        if (!std::filesystem::exists(store_.path())) store::Store::open(store_.path(), true);
        auto store = store::Store::open(store_.path());
        store->db().advise_random_reads();
        // A report reads most pages once: the 64 MiB page cache an ingest wants would only
        // cost page faults here (SQLite's default, 2 MiB, is plenty).
        store->db().exec("PRAGMA cache_size=-2000");
        store::require_payers_in_store(store->db(), payers_, "--payer");
        store::require_values_in_store(store->db(), accounts_, "--account", "account");
        store::require_values_in_store(store->db(), services_, "--service", "service");
        if (currency_)
            store::require_currency_in_store(store->db(), params().currency, "--currency");
        store::require_values_in_store(store->db(), regions_, "--region", "region");
        // Without --as-of the period ends where the store's data ends (the chosen payers').
        period_.default_as_of = store::default_as_of(store->db(), today_utc(), payers_);
        const report::ReportParams p = params();
        o.record_in = &store->db();
        // The fonts are set up on another core while the store is read (pdf_report.hpp).
        auto canvas = std::async(std::launch::async, [&p] {
            return std::make_unique<report::ReportCanvas>(report::header_line(p));
        });
        report::ReportData d = report::gather_report(store->db(), p);
        const auto w = report::write_report(d, out_, o, canvas.get());
        if (!quiet_)
            std::printf("report %s: %s, %s to %s, total %s%s%s\nsha256 %s\n", w.report_id.c_str(),
                        w.path.c_str(), format_day(p.from).c_str(), format_day(p.to).c_str(),
                        d.coverage.none() ? "none (no data for the period)"
                                          : report::money_text(d.totals.total, d.currency).c_str(),
                        o.passwords ? " (encrypted, AES-256)" : "",
                        key ? (", signed by " + key->subject()).c_str() : "", w.sha256.c_str());
        return 0;
    }

  private:
    // Checked before anything is read or written.
    std::optional<report::SigningKey> signing_key() const {
        if (!sign_cert_ && !sign_key_) {
            if (sign_key_pass_file_)
                throw_usage("--sign-key-pass-file needs --sign-cert and --sign-key");
            return std::nullopt;
        }
        if (!sign_cert_ || !sign_key_) throw_usage("--sign-cert and --sign-key go together");
        std::optional<Secret> pass;
        if (sign_key_pass_file_) pass = report::read_passphrase_file(*sign_key_pass_file_);
        return report::SigningKey::load(*sign_cert_, *sign_key_, pass);
    }

    // The period defaults to the last 12 months; --from alone runs to --as-of, --to alone
    // starts 11 months before its month.
    report::ReportParams params() const {
        report::ReportParams p;
        p.as_of = period_.today();
        if (period_.preset && (period_.from || period_.to))
            throw_usage("--preset cannot be combined with --from/--to");
        if (period_.from || period_.to) {
            p.to = period_.to ? parse_day("--to", *period_.to) : p.as_of;
            p.from = period_.from ? parse_day("--from", *period_.from)
                                  : first_day(add_months(period_of(p.to), -11));
        } else {
            p.preset = period_.preset.value_or("last-12-months");
            const store::DateRange r = parse_preset("--preset", p.preset, p.as_of);
            p.from = r.from;
            p.to = r.to;
        }
        if (p.from > p.to) throw_usage("--from is after --to");
        if (p.to - p.from > 366 * 5) throw_usage("the period is longer than five years");
        p.payers = parse_payer_ids("--payer", payers_);
        p.accounts = accounts_;
        p.services = services_;
        if (currency_) p.currency = store::parse_currency_code("--currency", *currency_);
        p.regions = regions_;
        if (measure_) {
            p.measure = parse_measure_option("--measure", *measure_);
            if (p.measure == store::Measure::usage)
                throw_usage(
                    "--measure usage: a report states money; usage quantities (mixed units) are "
                    "in summary --measure usage");
        }
        for (const std::string& by : by_) {
            const store::Grouping g = parse_grouping_option("--by", by);
            if (g.by != store::Dimension::tag && g.by != store::Dimension::category)
                throw_usage(
                    "--by: a report groups by tag:KEY or category:KEY (its other pages "
                    "are by service, account and payer already); got '" +
                    by + "'");
            if (p.groupings.size() == report::kMaxReportGroupings)
                throw_usage("--by: at most " + std::to_string(report::kMaxReportGroupings) +
                            " per report");
            if (!regions_.empty())
                throw_usage("--region cannot be combined with --by " + by +
                            ": the tag rollup keeps no region");
            p.groupings.push_back(g);
        }
        if (min_cost_) p.min_cost = parse_non_negative_amount("--min-cost", *min_cost_);
        if (granularity_) {
            const auto g = store::parse_grain(*granularity_);
            if (!g || *g == store::Grain::total || *g == store::Grain::year)
                throw_usage("--granularity: expected day, week or month; got '" + *granularity_ +
                            "'");
            p.granularity = *g;
        }
        if (top_) p.top = parse_int("--top", *top_, 1, 50);
        if (line_items_)
            p.line_items =
                *line_items_ == "all"
                    ? 0
                    : static_cast<size_t>(parse_int("--line-items", *line_items_, 1, 1000000));
        return p;
    }

    StoreOption store_;
    PeriodOptions period_;
    std::vector<std::string> payers_, accounts_, services_, regions_, by_;
    std::optional<std::string> currency_, measure_, min_cost_, granularity_, top_, line_items_,
        password_file_;
    std::optional<std::string> sign_cert_, sign_key_, sign_key_pass_file_;
    std::string out_ = "curcrunch-report.pdf";
    bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> make_report_command() {
    return std::make_unique<ReportCommand>();
}

}  // namespace curcrunch::cli
