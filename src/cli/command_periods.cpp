// curcrunch periods: the (payer, billing period) units in the store, with their coverage.
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/store/coverage.hpp"
#include "curcrunch/store/currency_scope.hpp"
#include "curcrunch/store/payer_ids.hpp"
#include "curcrunch/store/shard_record.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class PeriodsCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"periods",
                "list payer x billing period units: rows, totals, data-through day, status, and "
                "the ingest or shard each came from",
                "curcrunch periods --db billing.db\ncurcrunch periods --db billing.db --payer "
                "123456789012 --format csv",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        o.list("--payer", payers_, "ID", "only these payer accounts");
        format_.declare(o);
    }

    int run() override {
        const OutputFormat format = format_.get();
        const bool table = format == OutputFormat::table;
        (void)parse_payer_ids("--payer", payers_);
        auto store = store::Store::open(store_.path(), true);
        store::require_payers_in_store(store->db(), payers_, "--payer");
        std::vector<std::vector<std::string>> rows;
        for (const auto& u : store::unit_coverage(store->db(), payers_)) {
            // A unit billed in two currencies is a line per currency, never their sum.
            auto in = store::unit_currencies(store->db(), u.payer, u.period, u.covers_from(),
                                             u.data_through);
            if (in.size() < 2) in = {{in.empty() ? "" : in.front().first, u.unblended}};
            for (const auto& [currency, unblended] : in)
                rows.push_back({u.payer.empty() && table ? "(none)" : u.payer,
                                format_period(u.period), std::to_string(u.rows),
                                money_cell(format, unblended, currency), format_day(u.data_through),
                                store::period_status_name(u.status), u.status_basis, u.invoice_ids,
                                std::to_string(u.ingest_id), u.replaced_at, u.assembly_id,
                                origin(store->db(), u), currency});
        }
        print_rows(format,
                   {"payer", "period", "rows", "unblended", "data_through", "status", "basis",
                    "invoices", "ingest", "replaced", "assembly", "from", "currency"},
                   rows);
        return 0;
    }

  private:
    // "ingest", "upgraded" (carried over by the schema 6 upgrade), or for a unit merged from a
    // shard: which unit of which plan, computed where and when (the "replaced" column says when
    // it was merged).
    static std::string origin(store::Database& db, const store::UnitCoverage& u) {
        const auto shard = store::shard_of_ingest(db, u.ingest_id);
        if (!shard) return u.migrated ? "upgraded" : "ingest";
        std::string s = "shard " + std::to_string(shard->unit_index) + "/" +
                        std::to_string(shard->plan_units) + " of plan " +
                        shard->plan_id.substr(0, 12) + ", computed on " + shard->host + " at " +
                        shard->finished_at;
        if (!shard->job.empty()) s += " (" + shard->job + ")";
        return s;
    }

    StoreOption store_;
    FormatOption format_;
    std::vector<std::string> payers_;
};

}  // namespace

std::unique_ptr<Command> make_periods_command() {
    return std::make_unique<PeriodsCommand>();
}

}  // namespace curcrunch::cli
