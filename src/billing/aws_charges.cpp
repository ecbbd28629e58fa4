#include "curcrunch/billing/aws_charges.hpp"

#include <algorithm>
#include <set>

#include "curcrunch/billing/commitments.hpp"
#include "curcrunch/billing/pricing_rules.hpp"
#include "curcrunch/billing/tiers.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/shown_text.hpp"

namespace curcrunch::billing {
namespace {

const char* passthrough_label(RowRole role) {
    switch (role) {
        case RowRole::tax:
            return "AWS tax";
        case RowRole::credit:
            return "AWS credits and discounts";
        case RowRole::refund:
            return "AWS refunds";
        case RowRole::support:
            return "AWS Support";
        default:
            return "";
    }
}

struct ChargeLineKey {
    LineKind kind;
    std::string account, service;
    RowRole role = RowRole::usage;  // which passthrough, for aws_passthrough lines
    bool operator<(const ChargeLineKey& o) const {
        return std::tie(kind, account, service, role) <
               std::tie(o.kind, o.account, o.service, o.role);
    }
};

struct Accumulated {
    Fraction exact;
    std::set<std::string> rates;
};

// What a priced row's amount was taken from, for the line's rate text.
std::string charges_priced_on(const CostRow& r, RowRole role, const std::string& basis) {
    if (role == RowRole::covered_in_group || role == RowRole::commitment_in_group)
        return "effective cost";
    if (role != RowRole::covered_outside) return basis;
    if (r.public_on_demand != 0) return "public on-demand";
    return "unblended (no public on-demand cost)";
}

void warn_of_mixed_units(const BillingGroup& g, const PricingRule& rule, Amount quantity,
                         const std::set<std::string>& usage_types,
                         std::vector<std::string>& warnings) {
    if (usage_types.size() < 2) return;
    std::string names;
    size_t shown = 0;
    for (const std::string& t : usage_types) {
        if (shown++ == 5) {
            names += ", ...";
            break;
        }
        names += (names.empty() ? "" : ", ") + t;
    }
    warnings.push_back("warning: billing group " + g.id + ": tiering rule " + rule.id +
                       " sums the usage quantities of " + std::to_string(usage_types.size()) +
                       " usage types (" + names + "), whose units may differ: " +
                       to_plain_string(quantity) + " is priced over its tiers as one quantity");
}

// A tiering rule limited to a unit tiers only its rows in that unit; a row in another is priced
// by the rule below it, as if the limited rule did not match it. Cost rows carry no unit, so a
// row's is its slice's (CostRowSet::units): a slice whose rows are in the rule's unit and in
// others cannot be split between them exactly, and is refused.
const PricingRule* rule_in_unit(const RuleSet& rules, const PricingRule* rule, const CostRow& r,
                                const CostRowSet& rows, const BillingGroup& g) {
    while (rule && rule->type == RuleType::tiering && !rule->unit.empty()) {
        if (!rows.units_read)
            throw Error(ErrorKind::internal, "pricing units were not read for rule " + rule->id);
        auto it = rows.units.find(usage_slice(r));
        const std::vector<std::string_view> none;
        const std::vector<std::string_view>& units = it == rows.units.end() ? none : it->second;
        const std::string_view unit = rule->unit;
        const bool in = std::find(units.begin(), units.end(), unit) != units.end();
        if (in && units.size() == 1) return rule;
        if (in) {
            std::string names;
            for (std::string_view u : units)
                names += (names.empty() ? "" : ", ") + shown_text(u.empty() ? "(none)" : u);
            throw_input("billing group " + g.id + ": tiering rule " + rule->id +
                        " counts usage in " + shown_text(rule->unit) + " only, but usage type " +
                        shown_text(r.usage_type) + " (" + std::string(r.line_item_type) + ", " +
                        std::string(r.service) + ") of account " + std::string(r.account) +
                        " is in several units (" + names +
                        "): the store keeps units by usage type, not by row, so its rows cannot "
                        "be split between them; price it with a SKU rule, or drop the unit");
        }
        rule = rules.below(*rule, r.billing_entity);
    }
    return rule;
}

}  // namespace

Amount cost_by_measure(const CostRow& r, const std::string& m) {
    if (m == "net_unblended") return r.net_unblended;
    if (m == "amortized") return r.amortized;
    if (m == "net_amortized") return r.net_amortized;
    if (m == "public_on_demand") return r.public_on_demand;
    return r.unblended;
}

const PricingPlan* plan_for(const BillingConfig& c, const BillingGroup& g, Period period) {
    for (const PlanAssignment& a : g.plans)
        if (a.months.contains(period)) return c.plan(a.plan);
    return nullptr;
}

GroupCharges price_group(const BillingConfig& c, const BillingGroup& g, const PricingPlan& plan,
                         const CostRowSet& rows, const std::string& margin_measure) {
    GroupCharges out;
    const RuleSet rules(c, plan);
    const std::set<std::string, std::less<>> accounts(g.accounts.begin(), g.accounts.end());
    auto in_group = [&](std::string_view a) { return accounts.count(a) > 0; };
    std::map<ChargeLineKey, Accumulated> lines;
    std::map<const PricingRule*, Amount> tiered;  // tiering rule -> usage quantity
    // Cost rows keep no pricing unit; a row's usage type names it (TimedStorage-ByteHrs,
    // Requests-Tier2), so a rule summing several may be adding up different units (one limited
    // to a unit sums that unit's alone).
    std::map<const PricingRule*, std::set<std::string>> tiered_types;
    std::set<std::pair<std::string, std::string>> unpriced;  // (account, service)
    const std::string basis = basis_text(plan.basis);
    std::vector<const CostRow*> mine;
    for (const std::string& a : g.accounts)
        for (const CostRow* r : rows.of_account(a))
            mine.push_back(r);
    for (const CostRow* rp : mine) {
        const CostRow& r = *rp;
        if (out.currency.empty()) out.currency = std::string(r.currency);
        if (r.currency != out.currency)
            throw_input("billing group " + g.id + ": costs in two currencies (" + out.currency +
                        ", " + std::string(r.currency) + ")");
        const std::string service(r.service), account(r.account);
        auto& cost = out.cost[{service, account}];
        cost = checked_add(cost, cost_by_measure(r, margin_measure));
        if (!out.service_names.count(service)) out.service_names[service] = r.service_name;
        const RowRole role = row_role(r, in_group);
        const PricedBasis b = priced_basis(r, role, plan);
        if (!b.billed) continue;
        if (role == RowRole::covered_outside && r.public_on_demand == 0 && r.unblended == 0 &&
            r.usage != 0 && unpriced.insert({account, service}).second)
            out.warnings.push_back(
                "warning: billing group " + g.id + ": usage of " + account + " (" + service +
                ") covered by a commitment owned outside the group has neither a public "
                "on-demand nor an unblended cost: billed at 0");
        if (!b.apply_rules) {
            Accumulated& a = lines[{LineKind::aws_passthrough, account, service, role}];
            a.exact += Fraction::of_amount(b.amount);
            a.rates.insert(std::string(passthrough_label(role)) + " at cost");
            continue;
        }
        const PricingRule* rule = rule_in_unit(
            rules, rules.match(r.service, r.usage_type, r.operation, r.billing_entity), r, rows, g);
        if (rule && rule->type == RuleType::tiering && role != RowRole::commitment_in_group) {
            tiered[rule] = checked_add(tiered[rule], r.usage);
            tiered_types[rule].insert(std::string(r.usage_type));
            continue;
        }
        const Fraction factor = rule_factor(rule);
        const LineKind kind =
            role == RowRole::commitment_in_group ? LineKind::aws_commitment : LineKind::aws_usage;
        Accumulated& a = lines[{kind, account, service, RowRole::usage}];
        a.exact += Fraction::of_amount(b.amount) * factor;
        a.rates.insert(rule_text(rule) + " on " + charges_priced_on(r, role, basis));
        const Amount benefit = savings_plan_benefit(r, role, plan);
        if (benefit) out.savings_plan_benefit += Fraction::of_amount(benefit) * factor;
    }
    for (const auto& [k, a] : lines) {
        // A service the group used without anything to bill (free tier, covered by credits on
        // the basis) gets no line; a non-zero amount that rounds to 0.00 keeps its line.
        if (a.exact.is_zero()) continue;
        InvoiceLine l;
        l.kind = k.kind;
        l.group = g.id;
        l.account = k.account;
        l.service = k.service;
        const std::string& name = out.service_names[k.service];
        const std::string svc = name.empty() ? k.service : name;
        if (k.kind == LineKind::aws_commitment) {
            l.description = svc + ": unused commitment";
        } else if (k.kind == LineKind::aws_passthrough) {
            l.description = std::string(passthrough_label(k.role)) + " (" + svc + ")";
        } else {
            l.description = svc;
        }
        for (const auto& rt : a.rates)
            l.rate += (l.rate.empty() ? "" : "; ") + rt;
        l.exact = a.exact;
        out.lines.push_back(std::move(l));
    }
    for (const auto& [rule, qty] : tiered) {
        if (rule->unit.empty())
            warn_of_mixed_units(g, *rule, qty, tiered_types[rule], out.warnings);
        const TieredPrice p = price_graduated(qty, rule->tiers);
        InvoiceLine l;
        l.kind = LineKind::aws_usage;
        l.group = g.id;
        l.account = g.primary_account;
        l.service = rule->scope == RuleScope::service ? rule->service : "*";
        l.description = (rule->scope == RuleScope::service ? rule->service : "All services") +
                        (rule->unit.empty() ? std::string(" (tiered on usage quantity)")
                                            : " (tiered on usage in " + rule->unit + ")");
        l.quantity = to_plain_string(qty);
        l.unit = rule->unit;
        l.rate = "tiering (" + rule->id + "): " + (p.rate_text.empty() ? "no usage" : p.rate_text);
        l.exact = p.amount;
        out.lines.push_back(std::move(l));
    }
    return out;
}

}  // namespace curcrunch::billing
