#pragma once
// Which pricing rule of a plan prices an AWS cost row, and how. Scopes never overlap: the most
// granular rule that matches wins, SKU (service + usage type + operation) before service before
// billing entity before global. A row no rule matches is priced at the basis (0 %: list price).
// Markup p: basis x (1 + p/100); discount p: basis x (1 - p/100); tiering: tiers.hpp over the
// usage quantity of the rows the rule matches.
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include "curcrunch/billing/config.hpp"
#include "curcrunch/billing/fraction.hpp"

namespace curcrunch::billing {

class RuleSet {
  public:
    RuleSet(const BillingConfig& c, const PricingPlan& plan);
    // nullptr: no rule (list price).
    const PricingRule* match(std::string_view service, std::string_view usage_type,
                             std::string_view operation, std::string_view billing_entity) const;
    // The rule that would match a row of `r`'s scope key if `r` did not (nullptr: none, list
    // price): for a row that a tiering rule limited to a unit leaves out.
    const PricingRule* below(const PricingRule& r, std::string_view billing_entity) const;

  private:
    std::map<std::tuple<std::string, std::string, std::string>, const PricingRule*, std::less<>>
        sku_;
    std::map<std::string, const PricingRule*, std::less<>> service_, entity_;
    const PricingRule* global_ = nullptr;
};

// The factor a markup or discount rule multiplies by (1.1 for a 10 % markup); 1 without a rule.
Fraction rule_factor(const PricingRule* r);
// "markup 10 %", "discount 5 %", "list price" (for the invoice line's rate).
std::string rule_text(const PricingRule* r);

}  // namespace curcrunch::billing
