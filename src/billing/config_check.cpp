#include "curcrunch/billing/config_check.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "config_values.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::billing {
namespace {

using detail::shown_quoted;

class Checker {
  public:
    Checker(const BillingConfig& c, const std::vector<std::string>& known,
            const std::vector<StoreCurrency>& currencies, const std::vector<StoreUnit>& units)
        : c_(c), known_(known.begin(), known.end()), currencies_(currencies), units_(units) {}

    std::vector<ConfigProblem> run() {
        unique_ids();
        plans();
        groups();
        accounts_in_one_group();
        items();
        meters();
        usage_plans();
        subscriptions();
        cost_currencies();
        tier_units();
        std::stable_sort(out_.begin(), out_.end(), [](const auto& a, const auto& b) {
            return a.error > b.error;  // errors first, each kind in file order
        });
        return std::move(out_);
    }

  private:
    void error(const std::string& path, const std::string& m) { out_.push_back({true, path, m}); }
    void warn(const std::string& path, const std::string& m) { out_.push_back({false, path, m}); }

    template <class T>
    void unique(const std::vector<T>& v, const char* what) {
        std::set<std::string> seen;
        for (const T& x : v)
            if (!seen.insert(x.id).second)
                error(x.path + ".id",
                      std::string(what) + " id " + shown_quoted(x.id) + " is used twice");
    }

    void unique_ids() {
        unique(c_.customers, "customer");
        unique(c_.rules, "pricing rule");
        unique(c_.plans, "pricing plan");
        unique(c_.groups, "billing group");
        unique(c_.items, "custom line item");
        unique(c_.products, "product");
        unique(c_.meters, "meter");
        unique(c_.usage_plans, "usage plan");
    }

    static std::string scope_key(const PricingRule& r) {
        switch (r.scope) {
            case RuleScope::global:
                return "global";
            case RuleScope::service:
                return "service " + r.service;
            case RuleScope::billing_entity:
                return "billing entity " + r.billing_entity;
            case RuleScope::sku:
                return "SKU " + r.service + " / " + r.usage_type + " / " + r.operation;
        }
        return "";
    }

    void plans() {
        for (const PricingPlan& p : c_.plans) {
            std::map<std::string, std::string> scopes;  // scope key -> rule id
            for (size_t i = 0; i < p.rules.size(); ++i) {
                const std::string at = p.path + ".rules[" + std::to_string(i) + "]";
                const PricingRule* r = c_.rule(p.rules[i]);
                if (!r) {
                    error(at, "no pricing rule " + shown_quoted(p.rules[i]));
                    continue;
                }
                auto [it, fresh] = scopes.emplace(scope_key(*r), r->id);
                if (!fresh)
                    error(at, "rule " + shown_quoted(r->id) + " has the same scope (" +
                                  shown_text(it->first) + ") as rule " + shown_quoted(it->second) +
                                  " in this plan");
            }
        }
    }

    void groups() {
        for (const BillingGroup& g : c_.groups) {
            if (!c_.customer(g.customer))
                error(g.path + ".customer", "no customer " + shown_quoted(g.customer));
            for (size_t i = 0; i < g.accounts.size(); ++i)
                if (!known_.empty() && !known_.count(g.accounts[i]))
                    warn(i == 0 ? g.path + ".primary_account"
                                : g.path + ".accounts[" + std::to_string(i - 1) + "]",
                         "account " + g.accounts[i] + " has no costs in the store");
            std::vector<const PlanAssignment*> sorted;
            for (const PlanAssignment& a : g.plans) {
                if (!c_.plan(a.plan))
                    error(a.path + ".plan", "no pricing plan " + shown_quoted(a.plan));
                sorted.push_back(&a);
            }
            std::sort(sorted.begin(), sorted.end(),
                      [](auto* a, auto* b) { return a->months.from < b->months.from; });
            for (size_t i = 1; i < sorted.size(); ++i)
                if (sorted[i - 1]->months.overlaps(sorted[i]->months))
                    error(sorted[i]->path + ".from",
                          "overlaps the plan assignment at " + sorted[i - 1]->path +
                              " (a group has one pricing plan per month)");
            plan_coverage(g, sorted);
        }
    }

    // Every month of the group has a plan: the assignments, in order, leave no month out.
    void plan_coverage(const BillingGroup& g, const std::vector<const PlanAssignment*>& sorted) {
        if (sorted.empty()) {
            error(g.path + ".plans", "needs at least one pricing plan");
            return;
        }
        Period next = g.months.from;
        for (const PlanAssignment* a : sorted) {
            if (a->months.from > next && g.months.contains(next)) {
                error(a->path + ".from",
                      "the group has no pricing plan for " + format_period(next));
                return;
            }
            if (!a->months.to) return;
            next = std::max(next, add_months(*a->months.to, 1));
        }
        if (!g.months.to || next <= *g.months.to)
            error(sorted.back()->path + ".to",
                  "the group has no pricing plan from " + format_period(next) + " on");
    }

    void accounts_in_one_group() {
        std::map<std::string, std::vector<std::pair<const BillingGroup*, size_t>>> by_account;
        for (const BillingGroup& g : c_.groups)
            for (size_t i = 0; i < g.accounts.size(); ++i)
                by_account[g.accounts[i]].push_back({&g, i});
        for (const BillingGroup& g : c_.groups)
            for (size_t i = 0; i < g.accounts.size(); ++i)
                for (const auto& [other, j] : by_account[g.accounts[i]]) {
                    if (other >= &g) break;  // report each pair once, at the later group
                    if (!other->months.overlaps(g.months)) continue;
                    error(i == 0 ? g.path + ".primary_account"
                                 : g.path + ".accounts[" + std::to_string(i - 1) + "]",
                          "account " + g.accounts[i] + " is also in billing group " +
                              shown_quoted(other->id) +
                              " for overlapping months (an account is in at most one group)");
                }
    }

    void items() {
        for (const CustomLineItem& it : c_.items) {
            const BillingGroup* g = c_.group(it.group);
            if (!g) {
                error(it.path + ".group", "no billing group " + shown_quoted(it.group));
                continue;
            }
            if (!it.account.empty() &&
                std::find(g->accounts.begin(), g->accounts.end(), it.account) == g->accounts.end())
                error(it.path + ".account",
                      "account " + it.account + " is not in billing group " + shown_quoted(g->id));
            if (!g->months.overlaps(it.months))
                warn(it.path + ".from",
                     "outside the months of billing group " + shown_quoted(g->id));
        }
    }

    void meters() {
        std::set<std::string> products;
        for (const Product& p : c_.products)
            products.insert(p.id);
        for (const Meter& m : c_.meters)
            if (!products.count(m.product))
                error(m.path + ".product", "no product " + shown_quoted(m.product));
    }

    void usage_plans() {
        for (const UsagePlan& p : c_.usage_plans)
            for (const UsageCharge& ch : p.charges) {
                const Meter* m = c_.meter(ch.meter);
                if (!m) {
                    error(ch.path + ".meter", "no meter " + shown_quoted(ch.meter));
                    continue;
                }
                const MeterAggregation* agg = nullptr;
                for (const auto& a : m->aggregations)
                    if (a.id == ch.aggregation) agg = &a;
                if (!agg) {
                    error(ch.path + ".aggregation", "meter " + shown_quoted(m->id) +
                                                        " has no aggregation " +
                                                        shown_quoted(ch.aggregation));
                    continue;
                }
                if (ch.model == ChargeModel::percentage && agg->type != Aggregation::sum)
                    error(ch.path + ".aggregation",
                          "a percentage charge needs a sum aggregation (an amount)");
            }
    }

    void subscriptions() {
        std::map<std::string, std::vector<const Subscription*>> by_account;
        for (const Subscription& s : c_.subscriptions) {
            const Customer* cu = c_.customer(s.customer);
            const UsagePlan* p = c_.usage_plan(s.plan);
            if (!cu) error(s.path + ".customer", "no customer " + shown_quoted(s.customer));
            if (!p) error(s.path + ".plan", "no usage plan " + shown_quoted(s.plan));
            if (cu && p && cu->currency != p->currency)
                error(s.path + ".plan", "usage plan " + shown_quoted(p->id) + " is in " +
                                            p->currency + ", customer " + shown_quoted(cu->id) +
                                            " is billed in " + cu->currency);
            for (const Subscription* o : by_account[s.account]) {
                const bool apart = (o->end && *o->end < s.start) || (s.end && *s.end < o->start);
                if (!apart)
                    error(s.path + ".start", "usage account " + shown_quoted(s.account) +
                                                 " already has a subscription at " + o->path +
                                                 " for overlapping dates");
            }
            by_account[s.account].push_back(&s);
        }
        for (const Customer& cu : c_.customers)
            if (cu.exchange_rate && cu.exchange_from == cu.currency)
                error(cu.path + ".exchange_rate.from", "is the customer's own currency");
    }

    // Costs in a currency the customer cannot convert from stop `billing run`: with a store,
    // say so here, once per group and currency.
    void cost_currencies() {
        std::map<std::string, std::vector<const BillingGroup*>> groups_of;  // by account
        for (const BillingGroup& g : c_.groups)
            for (const std::string& a : g.accounts)
                groups_of[a].push_back(&g);
        std::set<std::pair<std::string, std::string>> said;  // (group, currency)
        for (const StoreCurrency& s : currencies_) {
            auto it = groups_of.find(s.account);
            if (it == groups_of.end()) continue;
            for (const BillingGroup* g : it->second) {
                const Customer* cu = c_.customer(g->customer);
                if (!cu || !g->months.contains(s.period) || s.currency.empty() ||
                    s.currency == cu->currency)
                    continue;
                if (cu->exchange_rate && cu->exchange_from == s.currency) continue;
                if (said.insert({g->id, s.currency}).second)
                    error(cu->path, missing_exchange_rate(*cu, s.currency, g->id));
            }
        }
    }

    // A unit is compared exactly with the CUR's pricing/unit ("GB-Mo", not "GB-mo"): one the
    // store has none of the rule's usage in tiers nothing, so say which units there are. A rule
    // whose accounts have no usage of its service in the store has nothing to compare with.
    void tier_units() {
        for (const PricingRule& r : c_.rules) {
            if (r.unit.empty()) continue;
            std::set<std::string> accounts;
            for (const BillingGroup& g : c_.groups)
                for (const PlanAssignment& a : g.plans)
                    if (const PricingPlan* p = c_.plan(a.plan);
                        p && std::find(p->rules.begin(), p->rules.end(), r.id) != p->rules.end())
                        accounts.insert(g.accounts.begin(), g.accounts.end());
            std::set<std::string> seen;
            for (const StoreUnit& u : units_)
                if (accounts.count(u.account) &&
                    (r.scope == RuleScope::global || u.service == r.service))
                    seen.insert(u.unit);
            if (seen.empty() || seen.count(r.unit)) continue;
            std::string names;
            size_t shown = 0;
            for (const std::string& u : seen) {
                if (shown++ == 8) {
                    names += ", ...";
                    break;
                }
                names += (names.empty() ? "" : ", ") + shown_quoted(u);
            }
            warn(r.path + ".unit",
                 "unit " + shown_quoted(r.unit) +
                     " matches none of the usage this rule prices in " + "the store: the " +
                     (r.scope == RuleScope::global ? "" : shown_text(r.service) + " ") +
                     "usage of its billing groups' accounts is in " + names +
                     " (units are compared exactly)");
        }
    }

    const BillingConfig& c_;
    std::set<std::string> known_;
    const std::vector<StoreCurrency>& currencies_;
    const std::vector<StoreUnit>& units_;
    std::vector<ConfigProblem> out_;
};

}  // namespace

std::vector<ConfigProblem> check_billing_config(const BillingConfig& c,
                                                const std::vector<std::string>& known_accounts,
                                                const std::vector<StoreCurrency>& currencies,
                                                const std::vector<StoreUnit>& units) {
    return Checker(c, known_accounts, currencies, units).run();
}

std::string missing_exchange_rate(const Customer& cu, const std::string& from,
                                  const std::string& group) {
    return "customer " + cu.id + " is billed in " + cu.currency + " but the costs of billing " +
           "group " + group + " are in " + from + ": give the customer an exchange_rate from " +
           from;
}

std::vector<std::string> raise_config_errors(const BillingConfig& c,
                                             const std::vector<ConfigProblem>& problems) {
    std::string errors;
    std::vector<std::string> warnings;
    for (const auto& p : problems) {
        const std::string line = c.file + ": " + p.path + ": " + p.message;
        if (p.error) {
            errors += (errors.empty() ? "" : "\n") + line;
        } else {
            warnings.push_back("warning: " + line);
        }
    }
    if (!errors.empty()) throw_input(errors);
    return warnings;
}

}  // namespace curcrunch::billing
