#include "writers.hpp"

namespace curcrunch::gen {
namespace {

const char* kProductAttrs[] = {"availability",
                               "capacitystatus",
                               "clockSpeed",
                               "currentGeneration",
                               "databaseEngine",
                               "dedicatedEbsThroughput",
                               "deploymentOption",
                               "durability",
                               "ecu",
                               "enhancedNetworkingSupported",
                               "fromLocation",
                               "fromLocationType",
                               "group",
                               "groupDescription",
                               "instanceFamily",
                               "instanceType",
                               "licenseModel",
                               "locationType",
                               "maxIopsvolume",
                               "maxVolumeSize",
                               "memory",
                               "networkPerformance",
                               "normalizationSizeFactor",
                               "operatingSystem",
                               "physicalProcessor",
                               "preInstalledSw",
                               "processorArchitecture",
                               "processorFeatures",
                               "storage",
                               "storageClass",
                               "storageMedia",
                               "tenancy",
                               "toLocation",
                               "toLocationType",
                               "transferType",
                               "vcpu",
                               "volumeApiName",
                               "volumeType"};

class LegacyWriter : public Writer {
  public:
    explicit LegacyWriter(bool hourly) : hourly_(hourly) {}
    void header(std::string& b) override {
        b += "identity/LineItemId,identity/TimeInterval,bill/InvoiceId,bill/InvoicingEntity,"
             "bill/BillingEntity,bill/BillType,bill/PayerAccountId,bill/BillingPeriodStartDate,"
             "bill/BillingPeriodEndDate,lineItem/UsageAccountId,lineItem/LineItemType,"
             "lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,"
             "lineItem/UsageType,lineItem/Operation,lineItem/AvailabilityZone,lineItem/ResourceId,"
             "lineItem/UsageAmount,lineItem/NormalizationFactor,lineItem/NormalizedUsageAmount,"
             "lineItem/CurrencyCode,lineItem/UnblendedRate,lineItem/UnblendedCost,"
             "lineItem/BlendedRate,lineItem/BlendedCost,lineItem/LineItemDescription,"
             "lineItem/TaxType,lineItem/LegalEntity,product/ProductName";
        for (const char* a : kProductAttrs)
            b.append(",product/").append(a);
        b += ",product/location,product/productFamily,product/region,product/servicecode,"
             "product/sku,product/usagetype,pricing/RateCode,pricing/RateId,pricing/currency,"
             "pricing/publicOnDemandCost,pricing/publicOnDemandRate,pricing/term,pricing/unit,"
             "reservation/AmortizedUpfrontCostForUsage,"
             "reservation/AmortizedUpfrontFeeForBillingPeriod,reservation/EffectiveCost,"
             "reservation/EndTime,reservation/ModificationStatus,reservation/NumberOfReservations,"
             "reservation/RecurringFeeForUsage,reservation/ReservationARN,reservation/StartTime,"
             "reservation/SubscriptionId,reservation/TotalReservedUnits,"
             "reservation/UnitsPerReservation,"
             "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod,reservation/UnusedQuantity,"
             "reservation/UnusedRecurringFee,reservation/UpfrontValue,"
             "savingsPlan/TotalCommitmentToDate,savingsPlan/SavingsPlanARN,"
             "savingsPlan/SavingsPlanRate,savingsPlan/UsedCommitment,"
             "savingsPlan/SavingsPlanEffectiveCost,"
             "savingsPlan/AmortizedUpfrontCommitmentForBillingPeriod,"
             "savingsPlan/RecurringCommitmentForBillingPeriod,resourceTags/aws:createdBy,"
             "resourceTags/user:CostCenter,resourceTags/user:Environment,resourceTags/user:Team,"
             "costCategory/Business Unit\n";
    }
    bool row(std::string& b, const Line& l) override {
        LineTimes t = times(l, false, false, hourly_);
        std::string ps = ts(first_day(l.period), 0, false, false);
        std::string pe = period_end_ts(l.period, false, false);
        const Resource* r = l.res;
        b.append(line_id(l.id)).append(",").append(t.start).append("/").append(t.end);
        b.append(",").append(l.invoice_id ? *l.invoice_id : "");
        b.append(",\"Amazon Web Services, Inc.\",").append(billing_entity(l));
        b.append(",Anniversary,").append(l.acct->payer);
        b.append(",").append(ps).append(",").append(pe).append(",").append(l.acct->id);
        b.append(",").append(l.type).append(",").append(t.start).append(",").append(t.end);
        b.append(",").append(l.svc ? l.svc->code : "").append(",").append(l.usage_type);
        b.append(",").append(l.operation).append(",");
        if (r && r->region) b.append(r->region->code).append("a");
        b.append(",").append(resource_id_of(l)).append(",").append(money_text(l.usage));
        b.append(",,,USD,").append(money_text(l.rate)).append(",").append(money_text(l.unblended));
        b.append(",").append(money_text(l.rate)).append(",").append(money_text(l.unblended));
        b.append(",");
        put_csv(b, l.description);
        b.append(l.type == std::string_view("Tax") ? ",VAT" : ",");
        b.append(",");
        put_csv(b, legal_entity(l));
        b.append(",");
        put_csv(b, l.svc ? l.svc->name : "");
        for (size_t i = 0; i < sizeof(kProductAttrs) / sizeof(kProductAttrs[0]); ++i)
            b += ',';
        b.append(",").append(l.region ? l.region->location : "");
        b.append(",").append(l.svc ? l.svc->family : "");
        b.append(",").append(l.region ? l.region->code : "");
        b.append(",").append(l.svc ? l.svc->code : "").append(",,").append(l.usage_type);
        b.append(",,,USD,").append(money_text(l.public_od)).append(",");
        b.append(l.res ? money_text(l.res->od_rate) : "").append(",").append(l.term);
        b.append(",").append(l.unit).append(",,,");
        b.append(l.ri_effective || !l.reservation_arn.empty() ? money_text(l.ri_effective) : "");
        b.append(",,,,,").append(l.reservation_arn).append(",,,,,");
        b.append(l.type == std::string_view("RIFee") ? "0" : "").append(",,");
        b.append(l.type == std::string_view("RIFee") ? money_text(l.ri_unused_recurring) : "");
        b.append(",,");
        b.append(l.sp_total ? money_text(l.sp_total) : "")
            .append(",")
            .append(l.sp_arn)
            .append(",,");
        b.append(l.sp_used ? money_text(l.sp_used) : "").append(",");
        b.append(l.sp_effective ? money_text(l.sp_effective) : "").append(",,,");
        if (r) {
            b.append(r->team.empty() ? "" : "AssumedRole:AROAEXAMPLE:ci").append(",");
            b.append(r->cost_center).append(",").append(r->env).append(",").append(r->team);
            b.append(",").append(r->business_unit);
        } else {
            b.append(",,,,");
        }
        b += '\n';
        return true;
    }

  private:
    bool hourly_;
};

}  // namespace

std::unique_ptr<Writer> make_legacy_writer(bool hourly) {
    return std::make_unique<LegacyWriter>(hourly);
}

}  // namespace curcrunch::gen
