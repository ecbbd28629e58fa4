#pragma once
// The billing configuration (one JSON file; man page, BILLING CONFIGURATION): who is billed
// (customers), for which AWS accounts (billing groups) at which prices (pricing rules grouped
// in pricing plans), which extra fees and credits (custom line items), and the usage-billing
// side (products, meters with their fields and aggregations, usage plans with charges, and
// subscriptions of usage accounts to plans).
//
// These are plain values. config_load.hpp reads them from JSON (types, ranges, unknown fields),
// config_check.hpp checks how they refer to each other; every value keeps the JSON path it was
// read from, so a problem found at any stage names the exact place in the file.
#include <optional>
#include <string>
#include <vector>

#include "curcrunch/billing/fraction.hpp"
#include "curcrunch/core/calendar.hpp"

namespace curcrunch::billing {

// A range of whole months, both ends included; `to` absent: open-ended.
struct MonthRange {
    Period from = 0;
    std::optional<Period> to;
    bool contains(Period p) const { return p >= from && (!to || p <= *to); }
    bool overlaps(const MonthRange& o) const {
        return (!to || o.from <= *to) && (!o.to || from <= *o.to);
    }
};

struct Customer {
    std::string path;  // JSON path of this entry ("$.customers[0]")
    std::string id, name, currency;
    int minor_units = 2;        // of `currency`
    Fraction tax_rate;          // 0.2 for "20"
    std::string tax_rate_text;  // as written ("20")
    std::vector<std::string> address;
    // AWS costs are converted from `exchange_from` at `exchange_rate` (exact) when their
    // currency is not the customer's.
    std::string exchange_from;
    std::optional<Fraction> exchange_rate;
    std::string exchange_rate_text;  // its exact decimal ("0.9213"), as invoices state it
};

enum class RuleScope { global, service, billing_entity, sku };
enum class RuleType { markup, discount, tiering };

struct Tier {
    Amount from = 0;           // inclusive, in the quantity's units (10^-10)
    std::optional<Amount> to;  // exclusive; absent for the last tier
    Amount unit_price = 0;     // price per unit within the tier
    Amount flat_fee = 0;       // usage plans only: charged once when usage reaches the tier
};

struct PricingRule {
    std::string path;
    std::string id, description;
    RuleScope scope = RuleScope::global;
    std::string service, usage_type, operation, billing_entity;  // the scope's key fields
    RuleType type = RuleType::markup;
    Fraction percent;  // markup or discount, as written (10 for 10 %)
    std::string percent_text;
    std::vector<Tier> tiers;  // tiering: rates per unit of usage quantity
    // Tiering: only usage in this pricing unit (the CUR's pricing/unit, "GB-Mo") counts towards
    // the tiers; the rule's rows in other units are priced as if it did not match them. "": all.
    std::string unit;
};

enum class PricingBasis { public_on_demand, unblended, net_unblended, amortized };

struct PricingPlan {
    std::string path;
    std::string id, description;
    PricingBasis basis = PricingBasis::public_on_demand;
    std::vector<std::string> rules;  // pricing rule ids
    // AWS charges normally left on the AWS side, billed when listed here.
    bool bill_tax = false, bill_credits = false, bill_refunds = false, bill_support = false;
};

struct PlanAssignment {
    std::string path;
    std::string plan;
    MonthRange months;
};

struct BillingGroup {
    std::string path;
    std::string id, customer, primary_account, description;
    std::vector<std::string> accounts;  // linked accounts, the primary account first
    MonthRange months;
    std::vector<PlanAssignment> plans;
};

enum class ItemType { fee, credit };

struct CustomLineItem {
    std::string path;
    std::string id, group, description, account;  // account "" : the group's primary account
    ItemType type = ItemType::fee;
    std::optional<Amount> flat;  // exactly one of flat and percent
    std::optional<Fraction> percent;
    std::string percent_text;
    MonthRange months;  // one month: from == to
    bool include_flat_items = false;
    bool exclude_savings_plan_discounts = false;
};

struct Product {
    std::string path;
    std::string id, name;
};

enum class FieldType { integer, decimal, string };
enum class Aggregation { sum, count, max, latest, unique_count };

struct MeterField {
    std::string name;
    FieldType type = FieldType::decimal;
};

struct MeterAggregation {
    std::string path;
    std::string id;
    Aggregation type = Aggregation::sum;
    std::string field;  // "" for count
    int field_index = -1;
};

struct Meter {
    std::string path;
    std::string id, product, name, unit;
    std::vector<MeterField> fields;
    std::vector<MeterAggregation> aggregations;
};

enum class ChargeModel { standard, graduated, volume, package, percentage };

struct UsageCharge {
    std::string path;
    std::string id, meter, aggregation, description;
    ChargeModel model = ChargeModel::standard;
    Amount unit_price = 0;     // standard
    std::vector<Tier> tiers;   // graduated, volume
    Amount package_size = 0;   // package: units per block (an integer)
    Amount package_price = 0;  // package: price per block started
    Amount free_units = 0;     // package: units before the first block
    Fraction percent;          // percentage: of the aggregated amount (10 for 10 %)
    std::string percent_text;
    Amount fixed_fee = 0;    // percentage: per measurement
    Amount free_amount = 0;  // percentage: amount not subject to the rate
    Amount free_events = 0;  // percentage: measurements not subject to the fixed fee
};

struct UsagePlan {
    std::string path;
    std::string id, name, currency;
    Amount standing_charge = 0;  // per month, prorated by days
    Amount minimum = 0;          // per month, prorated by days; 0 = none
    std::vector<UsageCharge> charges;
};

struct Subscription {
    std::string path;
    std::string account, customer, plan;
    Day start = 0;
    std::optional<Day> end;  // last day included
};

struct BillingConfig {
    std::string file;    // where it was read from
    std::string sha256;  // of the file's bytes
    std::string text;    // the file's text (kept with each billing run)
    std::string seller_name, seller_tax_id;
    std::vector<std::string> seller_address;
    std::string margin_measure = "unblended";  // store measure the margin report compares with
    std::vector<Customer> customers;
    std::vector<PricingRule> rules;
    std::vector<PricingPlan> plans;
    std::vector<BillingGroup> groups;
    std::vector<CustomLineItem> items;
    std::vector<Product> products;
    std::vector<Meter> meters;
    std::vector<UsagePlan> usage_plans;
    std::vector<Subscription> subscriptions;

    const Customer* customer(const std::string& id) const;
    const PricingRule* rule(const std::string& id) const;
    const PricingPlan* plan(const std::string& id) const;
    const BillingGroup* group(const std::string& id) const;
    const Meter* meter(const std::string& id) const;
    const UsagePlan* usage_plan(const std::string& id) const;
};

const char* scope_name(RuleScope s);
const char* rule_type_name(RuleType t);
const char* basis_name(PricingBasis b);
const char* basis_text(PricingBasis b);  // in words: "public on-demand", "amortized cost"
const char* aggregation_name(Aggregation a);
const char* charge_model_name(ChargeModel m);
const char* field_type_name(FieldType t);

}  // namespace curcrunch::billing
