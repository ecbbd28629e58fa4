#include "curcrunch/report/charge_type.hpp"

namespace curcrunch::report {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

// AWS Support plans bill under their own product codes: AWSSupportBusiness,
// AWSSupportEnterprise, AWSSupportEnterpriseOnRamp, AWSDeveloperSupport, and Enterprise
// Support through OCBPremiumSupport.
bool is_support_product(std::string_view code) {
    return starts_with(code, "AWSSupport") || code == "AWSDeveloperSupport" ||
           code == "OCBPremiumSupport";
}

}  // namespace

const char* charge_class_key(ChargeClass c) {
    switch (c) {
        case ChargeClass::usage:
            return "usage";
        case ChargeClass::commitment:
            return "commitment_fees";
        case ChargeClass::negation:
            return "negations";
        case ChargeClass::tax:
            return "tax";
        case ChargeClass::credit:
            return "credits";
        case ChargeClass::refund:
            return "refunds";
        case ChargeClass::support:
            return "support";
        case ChargeClass::other:
            return "other";
    }
    return "other";
}

const char* charge_class_label(ChargeClass c) {
    switch (c) {
        case ChargeClass::usage:
            return "Usage (on-demand, RI- and Savings Plan-covered)";
        case ChargeClass::commitment:
            return "Savings Plan and RI fees";
        case ChargeClass::negation:
            return "Savings Plan negations";
        case ChargeClass::tax:
            return "Tax";
        case ChargeClass::credit:
            return "Credits";
        case ChargeClass::refund:
            return "Refunds";
        case ChargeClass::support:
            return "Support";
        case ChargeClass::other:
            return "Other (fees, subscriptions, discounts)";
    }
    return "Other";
}

bool is_usage_type(std::string_view t) {
    return t == "Usage" || t == "DiscountedUsage" || t == "SavingsPlanCoveredUsage";
}

ChargeClass classify_charge(std::string_view t, std::string_view product_code) {
    if (t == "Tax") return ChargeClass::tax;
    if (t == "Credit") return ChargeClass::credit;
    if (t == "Refund") return ChargeClass::refund;
    if (is_support_product(product_code)) return ChargeClass::support;
    if (is_usage_type(t)) return ChargeClass::usage;
    if (t == "RIFee" || t == "SavingsPlanRecurringFee" || t == "SavingsPlanUpfrontFee")
        return ChargeClass::commitment;
    if (t == "SavingsPlanNegation") return ChargeClass::negation;
    return ChargeClass::other;
}

bool is_fee(ChargeClass c, std::string_view t) {
    return c == ChargeClass::commitment || c == ChargeClass::support ||
           (c == ChargeClass::other && t == "Fee");
}

}  // namespace curcrunch::report
