// curcrunch accounts: the Organizations accounts fetch stored.
#include "curcrunch/cli/command.hpp"
#include "curcrunch/cli/option_values.hpp"
#include "curcrunch/cli/options.hpp"
#include "curcrunch/cli/output.hpp"
#include "curcrunch/store/billing_records.hpp"
#include "curcrunch/store/store.hpp"

namespace curcrunch::cli {
namespace {

class AccountsCommand final : public Command {
  public:
    CommandInfo info() const override {
        return {"accounts",
                "list the Organizations accounts fetch stored",
                "curcrunch accounts --db billing.db --format csv",
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
        for (const auto& r : store::list_accounts(store->db()))
            rows.push_back(
                {r.id, r.name, r.email, r.state, r.joined_at, r.payer_profile, r.updated_at});
        print_rows(format, {"id", "name", "email", "state", "joined", "profile", "updated"}, rows);
        return 0;
    }

  private:
    StoreOption store_;
    FormatOption format_;
};

}  // namespace

std::unique_ptr<Command> make_accounts_command() {
    return std::make_unique<AccountsCommand>();
}

}  // namespace curcrunch::cli
