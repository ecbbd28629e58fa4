#include "curcrunch/billing/pricing_rules.hpp"

#include "curcrunch/billing/money_rules.hpp"

namespace curcrunch::billing {

RuleSet::RuleSet(const BillingConfig& c, const PricingPlan& plan) {
    for (const std::string& id : plan.rules) {
        const PricingRule* r = c.rule(id);
        if (!r) continue;  // config_check refuses plans with missing rules
        switch (r->scope) {
            case RuleScope::sku:
                sku_[{r->service, r->usage_type, r->operation}] = r;
                break;
            case RuleScope::service:
                service_[r->service] = r;
                break;
            case RuleScope::billing_entity:
                entity_[r->billing_entity] = r;
                break;
            case RuleScope::global:
                global_ = r;
                break;
        }
    }
}

const PricingRule* RuleSet::match(std::string_view service, std::string_view usage_type,
                                  std::string_view operation,
                                  std::string_view billing_entity) const {
    if (!sku_.empty()) {
        auto it = sku_.find(
            std::make_tuple(std::string(service), std::string(usage_type), std::string(operation)));
        if (it != sku_.end()) return it->second;
    }
    if (auto it = service_.find(service); it != service_.end()) return it->second;
    if (auto it = entity_.find(billing_entity); it != entity_.end()) return it->second;
    return global_;
}

const PricingRule* RuleSet::below(const PricingRule& r, std::string_view billing_entity) const {
    if (r.scope == RuleScope::sku)
        if (auto it = service_.find(r.service); it != service_.end()) return it->second;
    if (r.scope == RuleScope::sku || r.scope == RuleScope::service)
        if (auto it = entity_.find(billing_entity); it != entity_.end()) return it->second;
    return r.scope == RuleScope::global ? nullptr : global_;
}

Fraction rule_factor(const PricingRule* r) {
    if (!r || r->type == RuleType::tiering) return Fraction::of_integer(1);
    const Fraction p = percent_fraction(r->percent);
    return r->type == RuleType::markup ? Fraction::of_integer(1) + p : Fraction::of_integer(1) - p;
}

std::string rule_text(const PricingRule* r) {
    if (!r) return "list price";
    if (r->type == RuleType::tiering) return "tiering (" + r->id + ")";
    if (r->percent.is_zero()) return "list price (" + r->id + ")";
    return std::string(rule_type_name(r->type)) + " " + r->percent_text + " % (" + r->id + ")";
}

}  // namespace curcrunch::billing
