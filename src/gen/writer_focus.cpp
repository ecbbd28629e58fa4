#include "writers.hpp"

namespace curcrunch::gen {
namespace {

class FocusWriter : public Writer {
  public:
    explicit FocusWriter(bool hourly) : hourly_(hourly) {}
    void header(std::string& b) override {
        b += "AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,"
             "BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,"
             "ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountCategory,"
             "CommitmentDiscountId,CommitmentDiscountName,CommitmentDiscountStatus,"
             "CommitmentDiscountType,ConsumedQuantity,ConsumedUnit,ContractedCost,"
             "ContractedUnitPrice,EffectiveCost,InvoiceIssuerName,ListCost,ListUnitPrice,"
             "PricingCategory,PricingQuantity,PricingUnit,ProviderName,PublisherName,RegionId,"
             "RegionName,ResourceId,ResourceName,ResourceType,ServiceCategory,ServiceName,SkuId,"
             "SkuPriceId,SubAccountId,SubAccountName,Tags,x_CostCategories,x_Discounts,"
             "x_Operation,x_ServiceCode,x_UsageType\n";
    }
    bool row(std::string& b, const Line& l) override {
        std::string_view type = l.type;
        // AWS's FOCUS export has no negation rows: a covered usage line is billed at 0 there
        // (BilledCost), its on-demand cost being ListCost and its Savings Plan cost EffectiveCost.
        if (type == "SavingsPlanNegation") return false;
        const Amount billed = type == "SavingsPlanCoveredUsage" ? 0 : l.unblended;
        LineTimes t = times(l, false, true, hourly_);
        const Resource* r = l.res;
        const char *cat = "Usage", *cls = "NULL", *ctype = "NULL", *status = "NULL",
                   *freq = "Usage-Based";
        if (type == "DiscountedUsage") {
            ctype = "Reserved";
            status = "Used";
        } else if (type == "SavingsPlanCoveredUsage") {
            ctype = "Savings Plan";
            status = "Used";
        } else if (type == "RIFee") {
            cat = "Purchase";
            ctype = "Reserved";
            freq = "Recurring";
        } else if (type == "SavingsPlanRecurringFee") {
            cat = "Purchase";
            ctype = "Savings Plan";
            freq = "Recurring";
        } else if (type == "Fee") {
            cat = "Purchase";
            freq = "Recurring";
        } else if (type == "Tax") {
            cat = "Tax";
            freq = "Recurring";
        } else if (type == "Credit") {
            cat = "Credit";
            freq = "One-Time";
        } else if (type == "Refund") {
            cat = "Credit";
            cls = "Correction";
            freq = "One-Time";
        }
        std::string_view term = l.term;
        const char* pcat = term == "OnDemand"   ? "Standard"
                           : term == "Reserved" ? "Committed"
                                                : "NULL";
        auto s = [&](std::string_view v) {
            if (v.empty())
                b.append("NULL");
            else
                put_csv(b, v);
        };
        if (r && r->region)
            b.append(r->region->code).append("a");
        else
            b.append("NULL");
        b.append(",").append(money_text(billed)).append(",").append(l.acct->payer);
        b.append(",payer-").append(l.acct->payer.substr(8)).append(",USD,");
        b.append(period_end_ts(l.period, false, true)).append(",");
        b.append(ts(first_day(l.period), 0, false, true)).append(",").append(cat).append(",");
        b.append(cls).append(",");
        s(l.description);
        b.append(",").append(freq).append(",").append(t.end).append(",").append(t.start).append(
            ",");
        b.append(std::string_view(ctype) == "NULL" ? "NULL" : "Spend").append(",");
        s(l.reservation_arn.empty() ? l.sp_arn : l.reservation_arn);
        b.append(",NULL,").append(status).append(",").append(ctype).append(",");
        b.append(l.usage ? money_text(l.usage) : "NULL").append(",");
        s(l.unit);
        b.append(",").append(money_text(billed)).append(",");
        b.append(money_text(l.rate)).append(",").append(money_text(l.amortized));
        b.append(",\"Amazon Web Services, Inc.\",").append(money_text(l.public_od)).append(",");
        b.append(r ? money_text(r->od_rate) : "NULL").append(",").append(pcat).append(",");
        b.append(l.usage ? money_text(l.usage) : "NULL").append(",");
        s(l.unit);
        b.append(",AWS,");
        put_csv(b, legal_entity(l));
        b.append(",");
        s(l.region ? l.region->code : "");
        b.append(",");
        s(l.region ? l.region->location : "");
        b.append(",");
        s(resource_id_of(l));
        b.append(",NULL,NULL,");
        s(l.svc ? l.svc->family : "");
        b.append(",");
        s(l.svc ? l.svc->name : "");
        b.append(",NULL,NULL,").append(l.acct->id).append(",acct-").append(l.acct->id.substr(8));
        b.append(",");
        std::string tags;
        if (r && !(r->team.empty() && r->env.empty() && r->cost_center.empty())) {
            tags = "{";
            auto add = [&](const char* k, const std::string& v) {
                if (v.empty()) return;
                if (tags.size() > 1) tags += ", ";
                tags += "\"" + std::string(k) + "\": \"" + json_escape(v) + "\"";
            };
            add("user:CostCenter", r->cost_center);
            add("user:Environment", r->env);
            add("user:Team", r->team);
            if (!r->team.empty()) add("aws:createdBy", "AssumedRole:AROAEXAMPLE:ci");
            tags += "}";
        }
        s(tags);
        b.append(",");
        s(r ? "{\"Business Unit\": \"" + r->business_unit + "\"}" : std::string());
        b.append(",NULL,");
        s(l.operation);
        b.append(",");
        s(l.svc ? l.svc->code : "");
        b.append(",");
        s(l.usage_type);
        b.append("\n");
        return true;
    }

  private:
    bool hourly_;
};

}  // namespace

std::unique_ptr<Writer> make_focus_writer(bool hourly) {
    return std::make_unique<FocusWriter>(hourly);
}

}  // namespace curcrunch::gen
