#include "curcrunch/billing/commitments.hpp"

namespace curcrunch::billing {

const char* row_role_name(RowRole r) {
    switch (r) {
        case RowRole::usage:
            return "usage";
        case RowRole::covered_in_group:
            return "covered_in_group";
        case RowRole::covered_outside:
            return "covered_outside";
        case RowRole::negation:
            return "negation";
        case RowRole::commitment_in_group:
            return "commitment_in_group";
        case RowRole::commitment_outside:
            return "commitment_outside";
        case RowRole::tax:
            return "tax";
        case RowRole::credit:
            return "credit";
        case RowRole::refund:
            return "refund";
        case RowRole::support:
            return "support";
    }
    return "?";
}

bool is_support_service(std::string_view code) {
    // AWS Support plans' product codes (AWSSupportBusiness, AWSSupportEnterprise,
    // AWSDeveloperSupport, AWSEnterpriseOnRamp, ...).
    return code.rfind("AWSSupport", 0) == 0 || code == "AWSDeveloperSupport" ||
           code == "AWSBusinessSupport" || code == "AWSEnterpriseOnRamp" ||
           code == "AWSEnterpriseSupport";
}

namespace detail {

RowRole role_by_type(const CostRow& r, bool owner_in_group) {
    const std::string_view t = r.line_item_type;
    if (t == "SavingsPlanNegation" || (t.size() > 8 && t.substr(t.size() - 8) == "Negation"))
        return RowRole::negation;
    if (t == "Tax") return RowRole::tax;
    if (t == "Refund") return RowRole::refund;
    if (t == "Credit" || t == "EdpDiscount" || t == "BundledDiscount" ||
        t == "PrivateRateDiscount" || t == "SppDiscount" || t == "DistributorDiscount" ||
        t == "Discount" || t == "RiVolumeDiscount")
        return RowRole::credit;
    if (t == "SavingsPlanCoveredUsage" || t == "DiscountedUsage")
        return owner_in_group ? RowRole::covered_in_group : RowRole::covered_outside;
    if (t == "SavingsPlanRecurringFee" || t == "SavingsPlanUpfrontFee" || t == "RIFee" ||
        (t == "Fee" && !r.commitment_owner.empty()))
        return owner_in_group ? RowRole::commitment_in_group : RowRole::commitment_outside;
    if (is_support_service(r.service)) return RowRole::support;
    return RowRole::usage;
}

}  // namespace detail

PricedBasis priced_basis(const CostRow& r, RowRole role, const PricingPlan& plan) {
    const bool net = plan.basis == PricingBasis::net_unblended;
    const Amount effective = net ? r.net_amortized : r.amortized;
    const Amount at_cost = net ? r.net_unblended : r.unblended;
    switch (role) {
        case RowRole::usage: {
            Amount a = 0;
            switch (plan.basis) {
                case PricingBasis::public_on_demand:
                    a = r.public_on_demand != 0 ? r.public_on_demand : r.unblended;
                    break;
                case PricingBasis::unblended:
                    a = r.unblended;
                    break;
                case PricingBasis::net_unblended:
                    a = r.net_unblended;
                    break;
                case PricingBasis::amortized:
                    a = r.amortized;
                    break;
            }
            return {a, true, true};
        }
        case RowRole::covered_in_group:
            return {effective, true, true};
        case RowRole::covered_outside:
            // No benefit: the public price, or, on a row without one, the unblended cost, which
            // for SavingsPlanCoveredUsage is the on-demand equivalent (as for usage above).
            return {r.public_on_demand != 0 ? r.public_on_demand : r.unblended, true, true};
        case RowRole::commitment_in_group:
            return {effective, true, true};
        case RowRole::negation:
        case RowRole::commitment_outside:
            return {0, false, false};
        case RowRole::tax:
            return {at_cost, plan.bill_tax, false};
        case RowRole::credit:
            return {at_cost, plan.bill_credits, false};
        case RowRole::refund:
            return {at_cost, plan.bill_refunds, false};
        case RowRole::support:
            return {at_cost, plan.bill_support, false};
    }
    return {};
}

Amount savings_plan_benefit(const CostRow& r, RowRole role, const PricingPlan& plan) {
    if (role != RowRole::covered_in_group || r.line_item_type != "SavingsPlanCoveredUsage")
        return 0;
    const Amount effective =
        plan.basis == PricingBasis::net_unblended ? r.net_amortized : r.amortized;
    return r.public_on_demand - effective;
}

}  // namespace curcrunch::billing
