#include "curcrunch/billing/config.hpp"

namespace curcrunch::billing {
namespace {

template <class T>
const T* by_id(const std::vector<T>& v, const std::string& id) {
    for (const T& x : v)
        if (x.id == id) return &x;
    return nullptr;
}

}  // namespace

const Customer* BillingConfig::customer(const std::string& id) const {
    return by_id(customers, id);
}
const PricingRule* BillingConfig::rule(const std::string& id) const {
    return by_id(rules, id);
}
const PricingPlan* BillingConfig::plan(const std::string& id) const {
    return by_id(plans, id);
}
const BillingGroup* BillingConfig::group(const std::string& id) const {
    return by_id(groups, id);
}
const Meter* BillingConfig::meter(const std::string& id) const {
    return by_id(meters, id);
}
const UsagePlan* BillingConfig::usage_plan(const std::string& id) const {
    return by_id(usage_plans, id);
}

const char* scope_name(RuleScope s) {
    switch (s) {
        case RuleScope::global:
            return "global";
        case RuleScope::service:
            return "service";
        case RuleScope::billing_entity:
            return "billing_entity";
        case RuleScope::sku:
            return "sku";
    }
    return "?";
}

const char* rule_type_name(RuleType t) {
    switch (t) {
        case RuleType::markup:
            return "markup";
        case RuleType::discount:
            return "discount";
        case RuleType::tiering:
            return "tiering";
    }
    return "?";
}

const char* basis_name(PricingBasis b) {
    switch (b) {
        case PricingBasis::public_on_demand:
            return "public_on_demand";
        case PricingBasis::unblended:
            return "unblended";
        case PricingBasis::net_unblended:
            return "net_unblended";
        case PricingBasis::amortized:
            return "amortized";
    }
    return "?";
}

const char* basis_text(PricingBasis b) {
    switch (b) {
        case PricingBasis::public_on_demand:
            return "public on-demand";
        case PricingBasis::unblended:
            return "unblended cost";
        case PricingBasis::net_unblended:
            return "net unblended cost";
        case PricingBasis::amortized:
            return "amortized cost";
    }
    return "?";
}

const char* aggregation_name(Aggregation a) {
    switch (a) {
        case Aggregation::sum:
            return "sum";
        case Aggregation::count:
            return "count";
        case Aggregation::max:
            return "max";
        case Aggregation::latest:
            return "latest";
        case Aggregation::unique_count:
            return "unique_count";
    }
    return "?";
}

const char* charge_model_name(ChargeModel m) {
    switch (m) {
        case ChargeModel::standard:
            return "standard";
        case ChargeModel::graduated:
            return "graduated";
        case ChargeModel::volume:
            return "volume";
        case ChargeModel::package:
            return "package";
        case ChargeModel::percentage:
            return "percentage";
    }
    return "?";
}

const char* field_type_name(FieldType t) {
    switch (t) {
        case FieldType::integer:
            return "integer";
        case FieldType::decimal:
            return "decimal";
        case FieldType::string:
            return "string";
    }
    return "?";
}

}  // namespace curcrunch::billing
