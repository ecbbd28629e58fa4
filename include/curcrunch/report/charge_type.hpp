#pragma once
// What kind of charge a cost row is, from its line item type (legacy and CUR 2.0 write AWS's
// lineItem/LineItemType; FOCUS rows arrive mapped by the row decoder) and its product code.
// The classes are those of the report's charge-type breakdown, in its order; together they
// cover every row, so the breakdown sums to the total.
#include <string_view>

namespace curcrunch::report {

enum class ChargeClass {
    usage,       // Usage, DiscountedUsage (RI-covered), SavingsPlanCoveredUsage
    commitment,  // RIFee, SavingsPlanRecurringFee, SavingsPlanUpfrontFee
    negation,    // SavingsPlanNegation: the covered usage's on-demand cost taken back
    tax,         // Tax
    credit,      // Credit
    refund,      // Refund
    support,     // AWS Support plans (product code), whatever their line item type
    other,       // Fee (subscriptions, registrations), discounts, anything newer
};
inline constexpr ChargeClass kChargeClasses[] = {
    ChargeClass::usage,  ChargeClass::commitment, ChargeClass::negation, ChargeClass::tax,
    ChargeClass::credit, ChargeClass::refund,     ChargeClass::support,  ChargeClass::other};

const char* charge_class_key(ChargeClass c);    // "usage", "commitment", ...
const char* charge_class_label(ChargeClass c);  // "Usage", "Savings Plan and RI fees", ...

ChargeClass classify_charge(std::string_view line_item_type, std::string_view product_code);

// Anomaly detection judges usage apart from fees: the daily usage series takes these...
bool is_usage_type(std::string_view line_item_type);
// ...and the fee series these (booked whole on the first of a month, or daily for Savings
// Plans), so a month's RI fees or subscriptions never show up as a usage anomaly.
bool is_fee(ChargeClass c, std::string_view line_item_type);

}  // namespace curcrunch::report
