#include "curcrunch/billing/config_load.hpp"

#include <fstream>
#include <sstream>

#include "config_values.hpp"
#include "curcrunch/billing/currency.hpp"
#include "curcrunch/core/error.hpp"
#include "curcrunch/core/sha256.hpp"

namespace curcrunch::billing {
namespace {

using detail::ObjectReader;
using detail::shown_quoted;

constexpr Amount kHundred = 100 * kUnit;
constexpr Amount kMaxMarkup = 1000 * kUnit;  // 1000 %: eleven times the basis

Fraction percent_of(Amount v) {  // "12.5" -> 12.5 (still a percentage)
    return Fraction::of_amount(v);
}

MonthRange months(ObjectReader& r, bool from_required) {
    MonthRange m;
    auto from = r.month("from", from_required);
    m.from = from ? *from : 0;
    m.to = r.month("to", false);
    if (m.to && *m.to < m.from)
        r.fail(r.required("to"), "before 'from' (" + format_period(m.from) + ")");
    return m;
}

// Tiers start at 0, follow each other without gap or overlap ([from, to) ranges, the next
// tier's from is the previous tier's to) and only the last one is open-ended.
std::vector<Tier> tiers(ObjectReader& parent, const char* key, bool usage_plan) {
    std::vector<Tier> out;
    const JsonNode* list = nullptr;
    parent.array(key, true, [&](const JsonNode& n) {
        ObjectReader r(parent.file(), n);
        Tier t;
        t.from = *r.decimal_in("from", true, 0, std::nullopt);
        t.to = r.decimal("to", false);
        t.unit_price = *r.decimal_in(usage_plan ? "unit_price" : "rate", true, 0, std::nullopt);
        if (usage_plan) t.flat_fee = r.decimal_in("flat_fee", false, 0, std::nullopt).value_or(0);
        r.finish();
        if (out.empty() && t.from != 0)
            r.fail(r.required("from"),
                   "the first tier must start at 0, not " + to_plain_string(t.from));
        if (!out.empty()) {
            const Tier& prev = out.back();
            if (!prev.to)
                r.fail(n, "follows an open-ended tier (only the last tier may omit 'to')");
            if (t.from < *prev.to)
                r.fail(r.required("from"), "overlaps the previous tier (which ends at " +
                                               to_plain_string(*prev.to) + ")");
            if (t.from > *prev.to)
                r.fail(r.required("from"), "leaves a gap after the previous tier (which ends at " +
                                               to_plain_string(*prev.to) + ")");
        }
        if (t.to && *t.to <= t.from)
            r.fail(r.required("to"), "must be above 'from' (" + to_plain_string(t.from) + ")");
        out.push_back(t);
    });
    list = parent.node().find(key);
    if (out.empty()) parent.fail(*list, "needs at least one tier");
    if (out.back().to)
        parent.fail(list->items.back(), "the last tier must be open-ended (omit 'to')");
    return out;
}

Customer customer(const std::string& file, const JsonNode& n) {
    ObjectReader r(file, n);
    Customer c;
    c.path = n.path;
    c.id = r.id("id");
    c.name = r.string("name", true);
    c.currency = r.string("currency", true);
    auto units = minor_units(c.currency);
    if (!units)
        r.fail(r.required("currency"), "unknown currency " + shown_quoted(c.currency) +
                                           " (an ISO 4217 code such as USD, EUR, JPY)");
    c.minor_units = *units;
    const Amount tax = r.decimal_in("tax_rate", false, 0, kHundred).value_or(0);
    c.tax_rate = percent_of(tax) * Fraction::of_ratio(1, 100);
    c.tax_rate_text = to_plain_string(tax);
    c.address = r.strings("address", false);
    if (const JsonNode* x = r.optional("exchange_rate")) {
        ObjectReader xr(file, *x);
        c.exchange_from = xr.string("from", true);
        if (!minor_units(c.exchange_from))
            xr.fail(xr.required("from"), "unknown currency " + shown_quoted(c.exchange_from));
        const Amount rate = *xr.decimal("rate", true);
        if (rate <= 0) xr.fail(xr.required("rate"), "must be above 0");
        c.exchange_rate = Fraction::of_amount(rate);
        c.exchange_rate_text = to_plain_string(rate);
        xr.finish();
    }
    r.finish();
    return c;
}

PricingRule rule(const std::string& file, const JsonNode& n) {
    ObjectReader r(file, n);
    PricingRule p;
    p.path = n.path;
    p.id = r.id("id");
    p.description = r.string("description", false);
    const std::string scope = r.string("scope", true);
    if (scope == "global") {
        p.scope = RuleScope::global;
    } else if (scope == "service") {
        p.scope = RuleScope::service;
    } else if (scope == "billing_entity") {
        p.scope = RuleScope::billing_entity;
    } else if (scope == "sku") {
        p.scope = RuleScope::sku;
    } else {
        r.fail(r.required("scope"),
               "expected global, service, billing_entity or sku, found " + shown_quoted(scope));
    }
    // The scope's key fields: each required by its scope and refused by the others.
    auto key = [&](const char* field, bool wanted, std::string& out) {
        const JsonNode* v = r.optional(field);
        if (wanted && !v)
            r.fail_key(field,
                       std::string("missing: a ") + scope + " rule needs " + shown_quoted(field));
        if (!wanted && v) r.fail(*v, std::string("not a field of a ") + scope + " rule");
        if (v) out = r.string(field, true);
        if (wanted && out.empty()) r.fail(*v, "must not be empty");
    };
    key("service", p.scope == RuleScope::service || p.scope == RuleScope::sku, p.service);
    key("usage_type", p.scope == RuleScope::sku, p.usage_type);
    key("operation", p.scope == RuleScope::sku, p.operation);
    key("billing_entity", p.scope == RuleScope::billing_entity, p.billing_entity);
    const std::string type = r.string("type", true);
    if (type == "markup" || type == "discount") {
        p.type = type == "markup" ? RuleType::markup : RuleType::discount;
        const Amount v =
            *r.decimal_in("percent", true, 0, p.type == RuleType::markup ? kMaxMarkup : kHundred);
        p.percent = percent_of(v);
        p.percent_text = to_plain_string(v);
        if (r.optional("tiers")) r.fail_key("tiers", "only a tiering rule has tiers");
        if (r.optional("unit")) r.fail_key("unit", "only a tiering rule has a unit");
    } else if (type == "tiering") {
        p.type = RuleType::tiering;
        if (p.scope != RuleScope::global && p.scope != RuleScope::service)
            r.fail(r.required("type"), "tiering is for global and service scopes only");
        if (r.optional("percent")) r.fail_key("percent", "a tiering rule has tiers, not a percent");
        p.tiers = tiers(r, "tiers", false);
        if (const JsonNode* u = r.optional("unit")) {
            p.unit = r.string("unit", true);
            if (p.unit.empty())
                r.fail(*u, "must not be empty (a pricing unit of the CUR, such as GB-Mo)");
        }
    } else {
        r.fail(r.required("type"),
               "expected markup, discount or tiering, found " + shown_quoted(type));
    }
    r.finish();
    return p;
}

PricingPlan plan(const std::string& file, const JsonNode& n) {
    ObjectReader r(file, n);
    PricingPlan p;
    p.path = n.path;
    p.id = r.id("id");
    p.description = r.string("description", false);
    const std::string basis = r.string("basis", false, "public_on_demand");
    if (basis == "public_on_demand") {
        p.basis = PricingBasis::public_on_demand;
    } else if (basis == "unblended") {
        p.basis = PricingBasis::unblended;
    } else if (basis == "net_unblended") {
        p.basis = PricingBasis::net_unblended;
    } else if (basis == "amortized") {
        p.basis = PricingBasis::amortized;
    } else {
        r.fail(r.required("basis"),
               "expected public_on_demand, unblended, net_unblended or amortized, found " +
                   shown_quoted(basis));
    }
    p.rules = r.strings("rules", true);
    const JsonNode* bill = r.optional("bill");
    for (const std::string& what : r.strings("bill", false)) {
        if (what == "tax") {
            p.bill_tax = true;
        } else if (what == "credits") {
            p.bill_credits = true;
        } else if (what == "refunds") {
            p.bill_refunds = true;
        } else if (what == "support") {
            p.bill_support = true;
        } else {
            r.fail(*bill, "expected tax, credits, refunds or support, found " + shown_quoted(what));
        }
    }
    r.finish();
    return p;
}

BillingGroup group(const std::string& file, const JsonNode& n) {
    ObjectReader r(file, n);
    BillingGroup g;
    g.path = n.path;
    g.id = r.id("id");
    g.description = r.string("description", false);
    g.customer = r.id("customer");
    g.primary_account = r.string("primary_account", true);
    if (!detail::is_account_id(g.primary_account))
        r.fail(r.required("primary_account"),
               "expected a 12-digit AWS account id, found " + shown_quoted(g.primary_account));
    g.accounts.push_back(g.primary_account);
    const JsonNode* linked = r.optional("accounts");
    size_t i = 0;
    for (const std::string& a : r.strings("accounts", false)) {
        if (!detail::is_account_id(a))
            r.fail(linked->items[i],
                   "expected a 12-digit AWS account id, found " + shown_quoted(a));
        for (const auto& seen : g.accounts)
            if (seen == a)
                r.fail(linked->items[i], "account " + a + " is listed twice in this group");
        g.accounts.push_back(a);
        ++i;
    }
    g.months = months(r, true);
    r.array("plans", true, [&](const JsonNode& pn) {
        ObjectReader pr(file, pn);
        PlanAssignment a;
        a.path = pn.path;
        a.plan = pr.id("plan");
        a.months = months(pr, true);
        pr.finish();
        g.plans.push_back(a);
    });
    r.finish();
    return g;
}

CustomLineItem item(const std::string& file, const JsonNode& n) {
    ObjectReader r(file, n);
    CustomLineItem c;
    c.path = n.path;
    c.id = r.id("id");
    c.group = r.id("group");
    c.description = r.string("description", true);
    const std::string type = r.string("type", true);
    if (type != "fee" && type != "credit")
        r.fail(r.required("type"), "expected fee or credit, found " + shown_quoted(type));
    c.type = type == "fee" ? ItemType::fee : ItemType::credit;
    c.flat = r.decimal_in("amount", false, 0, std::nullopt);
    if (auto pct = r.decimal_in("percent", false, 0, kHundred)) {
        c.percent = percent_of(*pct);
        c.percent_text = to_plain_string(*pct);
    }
    if (c.flat.has_value() == c.percent.has_value())
        r.fail(n, "needs exactly one of 'amount' (flat) and 'percent'");
    c.account = r.string("account", false);
    if (!c.account.empty() && !detail::is_account_id(c.account))
        r.fail(r.required("account"),
               "expected a 12-digit AWS account id, found " + shown_quoted(c.account));
    c.months = months(r, true);
    if (!r.optional("to")) c.months.to = c.months.from;  // one month unless a range is given
    c.include_flat_items = r.flag("include_flat_items", false);
    c.exclude_savings_plan_discounts = r.flag("exclude_savings_plan_discounts", false);
    if (c.flat && (c.include_flat_items || c.exclude_savings_plan_discounts))
        r.fail(n, "include_flat_items and exclude_savings_plan_discounts are for percentage items");
    r.finish();
    return c;
}

Meter meter(const std::string& file, const JsonNode& n) {
    ObjectReader r(file, n);
    Meter m;
    m.path = n.path;
    m.id = r.id("id");
    m.product = r.id("product");
    m.name = r.string("name", false, m.id);
    m.unit = r.string("unit", false);
    const JsonNode& fields = r.required("fields");
    ObjectReader fr(file, fields);
    for (const JsonNode& type : fields.members) {
        const std::string& name = type.key;
        if (!detail::is_identifier(name)) fr.fail(type, "a field name must be an identifier");
        if (name == "uid" || name == "account" || name == "timestamp" || name == "meter")
            fr.fail(type, shown_quoted(name) + " is a measurement's own field, not a meter field");
        const std::string t = fr.string(name, true);
        MeterField f{name, FieldType::decimal};
        if (t == "integer") {
            f.type = FieldType::integer;
        } else if (t == "string") {
            f.type = FieldType::string;
        } else if (t != "decimal") {
            fr.fail(type, "expected integer, decimal or string, found " + shown_quoted(t));
        }
        m.fields.push_back(f);
    }
    r.array("aggregations", true, [&](const JsonNode& an) {
        ObjectReader ar(file, an);
        MeterAggregation a;
        a.path = an.path;
        a.id = ar.id("id");
        const std::string t = ar.string("type", true);
        if (t == "sum") {
            a.type = Aggregation::sum;
        } else if (t == "count") {
            a.type = Aggregation::count;
        } else if (t == "max") {
            a.type = Aggregation::max;
        } else if (t == "latest") {
            a.type = Aggregation::latest;
        } else if (t == "unique_count") {
            a.type = Aggregation::unique_count;
        } else {
            ar.fail(ar.required("type"),
                    "expected sum, count, max, latest or unique_count, found " + shown_quoted(t));
        }
        if (a.type == Aggregation::count) {
            if (ar.optional("field")) ar.fail_key("field", "a count aggregation has no field");
        } else {
            a.field = ar.string("field", true);
            for (size_t i = 0; i < m.fields.size(); ++i)
                if (m.fields[i].name == a.field) a.field_index = static_cast<int>(i);
            if (a.field_index < 0)
                ar.fail(ar.required("field"),
                        "no field " + shown_quoted(a.field) + " in this meter");
            const FieldType ft = m.fields[static_cast<size_t>(a.field_index)].type;
            if (a.type != Aggregation::unique_count && ft == FieldType::string)
                ar.fail(ar.required("field"), std::string("a ") + aggregation_name(a.type) +
                                                  " aggregation needs a numeric field");
        }
        for (const auto& other : m.aggregations)
            if (other.id == a.id)
                ar.fail(ar.required("id"), "aggregation " + shown_quoted(a.id) + " twice");
        ar.finish();
        m.aggregations.push_back(a);
    });
    if (m.aggregations.empty()) r.fail(r.required("aggregations"), "needs at least one");
    r.finish();
    return m;
}

UsageCharge charge(const std::string& file, const JsonNode& n) {
    ObjectReader r(file, n);
    UsageCharge c;
    c.path = n.path;
    c.meter = r.id("meter");
    c.aggregation = r.id("aggregation");
    c.id = r.string("id", false, c.meter + "." + c.aggregation);
    c.description = r.string("description", false);
    const std::string model = r.string("model", true);
    if (model == "standard") {
        c.model = ChargeModel::standard;
        c.unit_price = *r.decimal_in("unit_price", true, 0, std::nullopt);
    } else if (model == "graduated" || model == "volume") {
        c.model = model == "graduated" ? ChargeModel::graduated : ChargeModel::volume;
        c.tiers = tiers(r, "tiers", true);
    } else if (model == "package") {
        c.model = ChargeModel::package;
        c.package_size = *r.decimal_in("package_size", true, kUnit, std::nullopt);
        if (c.package_size % kUnit != 0)
            r.fail(r.required("package_size"), "must be a whole number of units");
        c.package_price = *r.decimal_in("package_price", true, 0, std::nullopt);
        c.free_units = r.decimal_in("free_units", false, 0, std::nullopt).value_or(0);
    } else if (model == "percentage") {
        c.model = ChargeModel::percentage;
        const Amount pct = *r.decimal_in("percent", true, 0, kHundred);
        c.percent = percent_of(pct);
        c.percent_text = to_plain_string(pct);
        c.fixed_fee = r.decimal_in("fixed_fee", false, 0, std::nullopt).value_or(0);
        c.free_amount = r.decimal_in("free_amount", false, 0, std::nullopt).value_or(0);
        c.free_events = r.decimal_in("free_events", false, 0, std::nullopt).value_or(0);
        if (c.free_events % kUnit != 0)
            r.fail(r.required("free_events"), "must be a whole number of measurements");
    } else {
        r.fail(r.required("model"),
               "expected standard, graduated, volume, package or percentage, found " +
                   shown_quoted(model));
    }
    r.finish();
    return c;
}

UsagePlan usage_plan(const std::string& file, const JsonNode& n) {
    ObjectReader r(file, n);
    UsagePlan p;
    p.path = n.path;
    p.id = r.id("id");
    p.name = r.string("name", false, p.id);
    p.currency = r.string("currency", true);
    if (!minor_units(p.currency))
        r.fail(r.required("currency"), "unknown currency " + shown_quoted(p.currency));
    p.standing_charge = r.decimal_in("standing_charge", false, 0, std::nullopt).value_or(0);
    p.minimum = r.decimal_in("minimum", false, 0, std::nullopt).value_or(0);
    r.array("charges", false, [&](const JsonNode& cn) {
        p.charges.push_back(charge(file, cn));
        for (size_t i = 0; i + 1 < p.charges.size(); ++i)
            if (p.charges[i].id == p.charges.back().id)
                ObjectReader(file, cn).fail(cn, "charge id " + shown_quoted(p.charges.back().id) +
                                                    " twice in this plan (give each an 'id')");
    });
    r.finish();
    return p;
}

Subscription subscription(const std::string& file, const JsonNode& n) {
    ObjectReader r(file, n);
    Subscription s;
    s.path = n.path;
    s.account = r.id("account");
    s.customer = r.id("customer");
    s.plan = r.id("plan");
    s.start = *r.date("start", true);
    s.end = r.date("end", false);
    if (s.end && *s.end < s.start) r.fail(r.required("end"), "before 'start'");
    r.finish();
    return s;
}

template <class T, class F>
void list(ObjectReader& r, const char* key, std::vector<T>& out, F&& read) {
    r.array(key, false, [&](const JsonNode& n) { out.push_back(read(r.file(), n)); });
}

}  // namespace

BillingConfig parse_billing_config(std::string_view text, const std::string& name) {
    const JsonNode root = parse_json_tree(text, name);
    BillingConfig c;
    c.file = name;
    c.text = std::string(text);
    c.sha256 = Sha256::of(c.text);
    ObjectReader r(name, root);
    if (const JsonNode* seller = r.optional("seller")) {
        ObjectReader s(name, *seller);
        c.seller_name = s.string("name", true);
        c.seller_tax_id = s.string("tax_id", false);
        c.seller_address = s.strings("address", false);
        s.finish();
    }
    c.margin_measure = r.string("margin_measure", false, "unblended");
    if (c.margin_measure != "unblended" && c.margin_measure != "net_unblended" &&
        c.margin_measure != "amortized" && c.margin_measure != "net_amortized" &&
        c.margin_measure != "public_on_demand")
        r.fail(r.required("margin_measure"),
               "expected unblended, net_unblended, amortized, net_amortized or public_on_demand");
    list(r, "customers", c.customers, customer);
    list(r, "pricing_rules", c.rules, rule);
    list(r, "pricing_plans", c.plans, plan);
    list(r, "billing_groups", c.groups, group);
    list(r, "custom_line_items", c.items, item);
    r.array("products", false, [&](const JsonNode& n) {
        ObjectReader pr(name, n);
        Product p;
        p.path = n.path;
        p.id = pr.id("id");
        p.name = pr.string("name", false, p.id);
        pr.finish();
        c.products.push_back(p);
    });
    list(r, "meters", c.meters, meter);
    list(r, "usage_plans", c.usage_plans, usage_plan);
    list(r, "subscriptions", c.subscriptions, subscription);
    r.finish();
    return c;
}

BillingConfig load_billing_config(const std::string& path) {
    constexpr size_t kMaxBytes = size_t(64) << 20;
    std::ifstream f(path, std::ios::binary);
    if (!f) throw_input(path + ": cannot read the billing configuration");
    // Read in pieces, so a huge file (or an endless one such as a device) stops at the cap.
    std::string text;
    char buf[1 << 16];
    while (f.read(buf, sizeof buf) || f.gcount() > 0) {
        text.append(buf, static_cast<size_t>(f.gcount()));
        if (text.size() > kMaxBytes) throw_input(path + ": larger than 64 MiB");
    }
    if (f.bad()) throw_input(path + ": cannot read the billing configuration");
    return parse_billing_config(text, path);
}

}  // namespace curcrunch::billing
