// curcrunch accounts: the Organizations accounts fetch stored, with their OU path, state, joined
// date and payer; --by ou: one row per organizational unit with its accounts' cost.
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/store/account_directory.hpp"
#include "curcrunch/store/currency_scope.hpp"
#include "curcrunch/store/query.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class AccountsCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"accounts",
                "list the Organizations accounts fetch stored, or their OUs with cost",
                "curcrunch accounts --db billing.db --format csv\ncurcrunch accounts --db "
                "billing.db --by ou --preset last-12-months",
                {}};
    }

    void declare(OptionSet& o) override {
        store_.declare(o);
        o.value("--by", by_, "ROWS",
                "account (one row per account) or ou (one row per organizational unit: its "
                "accounts and their cost)");
        period_.declare(o, "every day in the store (with --by ou)");
        o.value("--measure", measure_, "M",
                "the cost --by ou sums: unblended, net, amortized, net-amortized, blended or "
                "on-demand");
        o.value("--currency", currency_, "CODE",
                "--by ou: only the amounts billed in this currency (needed when the accounts' "
                "costs are in more than one: they are never added together)");
        format_.declare(o);
    }

    int run() override {
        const OutputFormat format = format_.get();
        const bool by_ou = expect_choice("--by", by_, "account|ou") == "ou";
        const PeriodOptions::Range range = period_.resolve();
        const auto measure = store::parse_measure(measure_);
        if (!measure)
            throw_usage(
                "--measure: expected unblended, net, amortized, blended or on-demand; got '" +
                measure_ + "'");
        if (!by_ou && (range.from || range.to || measure_ != "unblended" || currency_))
            throw_usage(
                "--from, --to, --preset, --measure and --currency go with --by ou (the cost of "
                "each OU); the account list has no costs");
        const std::string currency =
            currency_ ? store::parse_currency_code("--currency", *currency_) : "";
        auto store = store::Store::open(store_.path(), true);
        const auto dir = store::AccountDirectory::load(store->db(), true);
        if (!by_ou) {
            print_accounts(format, dir);
            return 0;
        }
        store::Query q;
        q.from = range.from;
        q.to = range.to;
        q.by = store::Dimension::account;
        q.grain = store::Grain::total;
        q.measure = *measure;
        q.currency = currency;
        if (!currency.empty())
            store::require_currency_in_store(store->db(), currency, "--currency");
        std::map<std::string, Amount> costs;
        // Refuses accounts' costs in more than one currency unless --currency chose one.
        const std::vector<store::ResultRow> found = store::run_query(store->db(), q);
        for (const auto& r : found)
            costs[r.key] += r.measure(q.measure);
        const std::string in =
            !found.empty() ? found.front().currency : store::choose_from(store->db(), {}, "");
        std::vector<std::vector<std::string>> rows;
        for (const auto& g : dir.by_ou(costs))
            rows.push_back({g.ou_path, g.ou_id, std::to_string(g.account_ids.size()),
                            money_cell(format, g.cost, in), in});
        print_rows(format,
                   {"ou_path", "ou_id", "accounts", store::measure_name(q.measure), "currency"},
                   rows);
        return 0;
    }

  private:
    static void print_accounts(OutputFormat format, const store::AccountDirectory& dir) {
        std::vector<std::vector<std::string>> rows;
        for (const store::AccountInfo* a : dir.listed())
            rows.push_back({a->id, a->name, a->email, a->state, a->joined_at, a->ou_path, a->ou_ids,
                            dir.payer_label(a->id), a->payer_profile, a->updated_at});
        print_rows(format,
                   {"id", "name", "email", "state", "joined", "ou_path", "ou_ids", "payer",
                    "profile", "updated"},
                   rows);
    }

    StoreOption store_;
    std::string by_ = "account", measure_ = "unblended";
    std::optional<std::string> currency_;
    PeriodOptions period_;
    FormatOption format_;
};

}  // namespace

std::unique_ptr<Command> make_accounts_command() {
    return std::make_unique<AccountsCommand>();
}

}  // namespace curcrunch::cli
