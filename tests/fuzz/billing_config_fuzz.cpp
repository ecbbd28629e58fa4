// libFuzzer harness: the input is a billing configuration file (`billing check`, `billing run`,
// `meters ingest` --config). It is loaded and checked; a configuration that passes is then
// used: its meters indexed, and every customer billed for the first month of each of its billing
// groups, over a few fixed AWS cost rows of each group's primary account (usage, a covered
// usage and a fee of a commitment the account owns, tax) and an empty usage store, so the
// fuzzer reaches pricing rules, tiers, charge models, custom items and the money rules with
// the values it wrote. Only Error(input) may come out.
#include "curcrunch/billing/config_check.hpp"
#include "curcrunch/billing/config_load.hpp"
#include "curcrunch/billing/customer_bill.hpp"
#include "curcrunch/billing/measurement.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace curcrunch;

void add_row(billing::CostRowSet& rows, const std::string& account, const char* type,
             const char* service, const std::string& owner, const char* pub, const char* unb,
             const char* amo) {
    billing::CostRow r;
    r.payer = rows.intern("999999999999");
    r.account = rows.intern(account);
    r.service = rows.intern(service);
    r.service_name = r.service;
    r.usage_type = rows.intern("BoxUsage:m5.large");
    r.operation = rows.intern("RunInstances");
    r.line_item_type = rows.intern(type);
    r.billing_entity = rows.intern("AWS");
    r.commitment_owner = rows.intern(owner);
    r.currency = rows.intern("USD");
    parse_amount(pub, r.public_on_demand);
    parse_amount(unb, r.unblended);
    parse_amount(amo, r.amortized);
    r.net_unblended = r.unblended;
    r.net_amortized = r.amortized;
    parse_amount("1000.5", r.usage);
    rows.rows.push_back(r);
}

void bill_everyone(const billing::BillingConfig& c) {
    billing::CostRowSet rows;
    for (const billing::BillingGroup& g : c.groups) {
        const std::string& a = g.primary_account;
        add_row(rows, a, "Usage", "AmazonEC2", "", "100", "90", "90");
        add_row(rows, a, "SavingsPlanCoveredUsage", "AmazonEC2", a, "50", "50", "31.25");
        add_row(rows, a, "SavingsPlanNegation", "AmazonEC2", a, "0", "-50", "0");
        add_row(rows, a, "SavingsPlanRecurringFee", "ComputeSavingsPlans", a, "0", "40", "8.75");
        add_row(rows, a, "Tax", "AmazonEC2", "", "0", "12.34", "12.34");
    }
    rows.index_accounts();
    store::Database& db = fuzz::memory_store().db();
    for (const billing::Customer& cu : c.customers)
        for (const billing::BillingGroup& g : c.groups)
            if (g.customer == cu.id) billing::bill_customer(db, c, cu, g.months.from, rows);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const billing::BillingConfig c =
            billing::parse_billing_config({reinterpret_cast<const char*>(data), size}, "fuzz.json");
        billing::raise_config_errors(c, billing::check_billing_config(c, {}));
        const billing::MeterCatalog catalog(c);
        bill_everyone(c);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::input) fuzz::finding("unexpected error kind", e.what());
    }
    return 0;
}
