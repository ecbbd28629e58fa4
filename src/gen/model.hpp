#pragma once
// The synthetic organisation (internal to src/gen): payers and their linked accounts, usage
// series with seasons, growth, weekends and spikes, and how each month bills them — on-demand
// usage, Reserved Instance and Savings Plan coverage with their fees and negations
// (commitments.cpp), tax, credits, refunds and support.
#include <functional>
#include <map>
#include <vector>

#include "curcrunch/gen/generator.hpp"
#include "line.hpp"

namespace curcrunch::gen {

using LineSink = std::function<void(const Line&)>;

class Model {
  public:
    explicit Model(const GenOptions& o);

    // Emits every line of one month through `sink`.
    void month(Period p, int month_index, const LineSink& sink);
    size_t resource_count() const { return resources_.size(); }
    // The first payer account, which the layout's manifests name (as AWS names the account the
    // report belongs to).
    const std::string& first_payer() const { return accounts_.front().payer; }

  private:
    // What a month's usage leaves to bill at its end.
    struct MonthTally {
        std::map<const Account*, Amount> usage_by_acct;  // billed usage (after negations)
        std::map<const Resource*, Amount> ri_hours;      // hours each reservation covered
        // Per payer: the Savings Plan effective cost of each hour or day of the month.
        std::map<std::string, std::map<std::pair<Day, int>, Amount>> sp_used;
    };

    void build_accounts();
    void build_resources();
    double seasonal(Day d, int month_index) const;
    double spike(const Resource& r, Day d) const;
    Line base(const Resource& r, Period p, Day d, int hour);
    Line account_line(const Account& a, Period p, const char* type, const Service* svc,
                      const char* desc, Amount cost);
    const Account& payer_account(const std::string& payer) const;
    // AWS leaves bill/InvoiceId blank until the month's bill is final, a few days into the next
    // month; then each payer has one invoice per billing entity.
    void set_invoices(Period p);
    const std::string* invoice_of(const Account& a, bool marketplace) const;
    Line marketplace_line(const Account& a, Period p);

    // commitments.cpp: a usage line as the resource's coverage bills it, and the month's fees.
    void bill_usage(Line& l, const Resource& r, Amount qty_micro, MonthTally& t,
                    const LineSink& sink);
    void ri_fees(Period p, const MonthTally& t, const LineSink& sink);
    void savings_plan_fees(Period p, const MonthTally& t, const LineSink& sink);

    const GenOptions& o_;
    Rng rng_;
    std::vector<Account> accounts_;
    std::vector<Resource> resources_;
    std::vector<std::string> invoices_;  // per account index: AWS, then Marketplace invoice id
    uint64_t id_ = 0;
};

}  // namespace curcrunch::gen
