#include "curcrunch/gen/generator.hpp"

#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "curcrunch/core/error.hpp"
#include "curcrunch/core/hash.hpp"
#include "curcrunch/core/json_text.hpp"
#include "curcrunch/core/money.hpp"

namespace curcrunch::gen {
namespace fs = std::filesystem;
namespace {

// ---------------------------------------------------------------- deterministic randomness
struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
    int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

// ---------------------------------------------------------------- catalogue
struct Service {
    const char* code;
    const char* name;
    const char* usage_type;  // without region prefix
    const char* operation;
    const char* unit;
    const char* rate;         // on-demand rate per unit (USD)
    double base_qty;          // per hour per resource
    const char* description;  // "%s" = rate
    const char* family;
};

const Service kServices[] = {
    {"AmazonEC2", "Amazon Elastic Compute Cloud", "BoxUsage:m5.large", "RunInstances", "Hrs",
     "0.096", 1, "$%s per On Demand Linux m5.large Instance Hour", "Compute Instance"},
    {"AmazonEC2", "Amazon Elastic Compute Cloud", "BoxUsage:c5.xlarge", "RunInstances", "Hrs",
     "0.17", 1, "$%s per On Demand Linux c5.xlarge Instance Hour", "Compute Instance"},
    {"AmazonEC2", "Amazon Elastic Compute Cloud", "EBS:VolumeUsage.gp3", "CreateVolume-Gp3",
     "GB-Mo", "0.08", 0.68, "$%s per GB-month of General Purpose (gp3) provisioned storage",
     "Storage"},
    {"AmazonEC2", "Amazon Elastic Compute Cloud", "DataTransfer-Out-Bytes", "RunInstances", "GB",
     "0.09", 2.5, "$%s per GB - first 10 TB / month data transfer out beyond the global free tier",
     "Data Transfer"},
    {"AmazonEC2", "Amazon Elastic Compute Cloud", "NatGateway-Hours", "NatGateway", "Hrs", "0.045",
     1, "$%s per NAT Gateway Hour", "NAT Gateway"},
    {"AmazonRDS", "Amazon Relational Database Service", "InstanceUsage:db.r5.large",
     "CreateDBInstance:0002", "Hrs", "0.25", 1,
     "$%s per RDS db.r5.large instance hour (or partial hour) running MySQL", "Database Instance"},
    {"AmazonRDS", "Amazon Relational Database Service", "RDS:GP2-Storage", "CreateDBInstance:0002",
     "GB-Mo", "0.115", 0.27, "$%s per GB-month of provisioned GP2 storage running MySQL",
     "Database Storage"},
    {"AmazonS3", "Amazon Simple Storage Service", "TimedStorage-ByteHrs", "StandardStorage",
     "GB-Mo", "0.023", 6.8, "$%s per GB - first 50 TB / month of storage used", "Storage"},
    {"AmazonS3", "Amazon Simple Storage Service", "Requests-Tier1", "PutObject", "Requests",
     "0.000005", 4200, "$%s per 1,000 PUT, COPY, POST, or LIST requests", "API Request"},
    {"AWSLambda", "AWS Lambda", "Lambda-GB-Second", "Invoke", "Lambda-GB-Second", "0.0000166667",
     5400, "AWS Lambda - Total Compute - US East (N. Virginia)", "Serverless"},
    {"AWSLambda", "AWS Lambda", "Request", "Invoke", "Requests", "0.0000002", 36000,
     "AWS Lambda - Total Requests - US East (N. Virginia)", "Serverless"},
    {"AmazonDynamoDB", "Amazon DynamoDB", "ReadRequestUnits", "GetItem", "ReadRequestUnits",
     "0.00000025", 90000, "$%s per read request unit", "Amazon DynamoDB PayPerRequest Throughput"},
    {"AmazonCloudWatch", "AmazonCloudWatch", "CW:MetricMonitorUsage", "MetricStorage", "Metrics",
     "0.3", 0.07, "$%s per metric-month - first 10,000 metrics", "Metric"},
    {"AmazonVPC", "Amazon Virtual Private Cloud", "VpcEndpoint-Hours", "VpcEndpoint", "Hrs", "0.01",
     2, "$%s per VPC Endpoint Hour", "VpcEndpoint"},
    {"AWSELB", "Elastic Load Balancing", "LoadBalancerUsage", "LoadBalancing:Application", "Hrs",
     "0.0225", 1, "$%s per Application LoadBalancer-hour (or partial hour)",
     "Load Balancer-Application"},
    {"AmazonEKS", "Amazon Elastic Container Service for Kubernetes", "AmazonEKS-Hours:perCluster",
     "CreateOperation", "Hours", "0.1", 1, "Amazon EKS cluster usage", "Compute"},
    {"AmazonECS", "Amazon Elastic Container Service", "Fargate-vCPU-Hours:perCPU", "FargateTask",
     "hours", "0.04048", 4, "AWS Fargate - vCPU - US East (N. Virginia)", "Compute"},
    {"AmazonCloudFront", "Amazon CloudFront", "DataTransfer-Out-Bytes", "GET", "GB", "0.085", 3.2,
     "$%s per GB - first 10 TB / month data transfer out", "Data Transfer"},
    {"AmazonRoute53", "Amazon Route 53", "DNS-Queries", "Query", "Queries", "0.0000004", 25000,
     "$%s per query - first 1 Billion queries / month", "DNS Query"},
    {"AmazonSNS", "Amazon Simple Notification Service", "Requests-Tier1", "Publish", "Requests",
     "0.0000005", 3000, "$%s per 1 million Amazon SNS requests", "API Request"},
    {"AWSQueueService", "Amazon Simple Queue Service", "Requests-RBP", "SendMessage", "Requests",
     "0.0000004", 15000, "$%s per 1,000,000 Requests", "API Request"},
    {"awskms", "AWS Key Management Service", "KMS-Requests", "Decrypt", "Requests", "0.000003",
     2000, "$%s per 10,000 requests", "Encryption Key"},
    {"AmazonElastiCache", "Amazon ElastiCache", "NodeUsage:cache.r6g.large",
     "CreateCacheCluster:0002", "Hrs", "0.206", 1,
     "$%s per Redis cache.r6g.large node-hour (or partial hour)", "Cache Instance"},
    {"AmazonES", "Amazon OpenSearch Service", "ESInstance:r6g.large", "ESDomain", "Hrs", "0.167", 1,
     "$%s per r6g.large.search instance hour (or partial hour)",
     "Amazon OpenSearch Service Instance"},
    {"AmazonRedshift", "Amazon Redshift", "Node:dc2.large", "RunComputeNode:0001", "Hrs", "0.25", 1,
     "$%s per DC2.Large Compute Node-hour (or partial hour)", "Compute Instance"},
    {"AWSGlue", "AWS Glue", "ETL-DPU-Hour", "Jobrun", "DPU-Hour", "0.44", 0.4,
     "$%s per DPU-Hour for each Apache Spark or Spark Streaming job", "AWS Glue"},
    {"AmazonAthena", "Amazon Athena", "DataScannedInTB", "RunQuery", "Terabytes", "5", 0.002,
     "$%s per TB scanned", "Serverless"},
    {"AmazonKinesis", "Amazon Kinesis", "Storage-ShardHour", "shardHourStorage", "ShardHour",
     "0.015", 4, "$%s per shard hour", "Kinesis Streams"},
    {"AWSSecretsManager", "AWS Secrets Manager", "AWSSecretsManager-Secrets", "", "Secrets", "0.4",
     0.014, "$%s per secret per month", "Secret"},
    {"AWSConfig", "AWS Config", "ConfigurationItemRecorded", "", "ConfigurationItemRecorded",
     "0.003", 12, "$%s per Configuration Item recorded", "Management Tools - AWS Config"},
    {"AWSCloudTrail", "AWS CloudTrail", "PaidEventsRecorded", "None", "Events", "0.00001", 900,
     "0.00001 per paid event recorded in US East (N. Virginia) region",
     "Management Tools - AWS CloudTrail Paid Events Recorded"},
    {"AmazonEFS", "Amazon Elastic File System", "TimedStorage-ByteHrs", "", "GB-Mo", "0.3", 0.4,
     "$%s per GB-Mo for Standard storage", "Storage"},
    {"AmazonSageMaker", "Amazon SageMaker", "Notebk:ml.t3.medium", "RunInstance:Notebook", "Hrs",
     "0.05", 1, "$%s per On-Demand Notebook ml.t3.medium hour", "ML Instance"},
    {"AmazonGuardDuty", "Amazon GuardDuty", "PaidEventsAnalyzed", "", "Events", "0.000004", 3000,
     "$%s per event analyzed", "Security"},
    {"AWSBackup", "AWS Backup", "WarmStorage-ByteHrs-EBS", "Storage", "GB-Mo", "0.05", 3.1,
     "$%s per GB-Month of EBS backup storage", "Storage"},
    {"AmazonECR", "Amazon EC2 Container Registry (ECR)", "TimedStorage-ByteHrs", "", "GB-Mo", "0.1",
     0.3, "$%s per GB-month of data storage", "Storage"},
    {"CodeBuild", "AWS CodeBuild", "Build-Min:Linux:g1.small", "Build", "minutes", "0.005", 9,
     "$%s per build minute for build.general1.small", "Compute"},
    {"AmazonWorkSpaces", "Amazon WorkSpaces", "AutoStop-Standard-Hourly", "", "Hrs", "0.26", 0.4,
     "$%s per hour for Standard WorkSpace (AutoStop)", "Virtual Desktop"},
};
constexpr int kServiceCount = static_cast<int>(sizeof(kServices) / sizeof(kServices[0]));

// A SaaS subscription bought through AWS Marketplace: billed by AWS (bill/BillingEntity "AWS
// Marketplace", its own invoice), sold by its publisher (lineItem/LegalEntity).
const Service kMarketplaceProduct = {"b7y3mq2lz5k8x1c4v9n0p6r2t",
                                     "Acme Observability Pro",
                                     "SaaS-Hosts",
                                     "",
                                     "Hosts",
                                     "15",
                                     1,
                                     "Acme Observability Pro, per monitored host",
                                     "SaaS"};
const char* kMarketplaceSeller = "Acme Observability, Inc.";

struct Region {
    const char* code;
    const char* prefix;
    const char* location;
};
const Region kRegions[] = {{"us-east-1", "", "US East (N. Virginia)"},
                           {"us-west-2", "USW2-", "US West (Oregon)"},
                           {"eu-west-1", "EU-", "EU (Ireland)"},
                           {"eu-central-1", "EUC1-", "EU (Frankfurt)"},
                           {"ap-southeast-2", "APS2-", "Asia Pacific (Sydney)"}};

const char* kTeams[] = {"platform", "data", "web", "ml", "finance"};
const char* kEnvs[] = {"prod", "staging", "dev"};

enum class Cover { none, ri, sp };

struct Account {
    std::string payer, id;
    int index;
};

struct Resource {
    const Account* acct;
    const Service* svc;
    const Region* region;
    std::string usage_type, resource_id, description, team, env, cost_center, business_unit;
    Amount od_rate, cover_rate;
    double qty;  // per hour
    Cover cover;
    std::string arn;
    bool spiky;
};

// ---------------------------------------------------------------- one logical line item
struct Line {
    const Account* acct;
    Period period;
    Day day;
    int hour;  // -1: spans the whole period (monthly rows) or the whole day (daily export)
    bool whole_period;
    const char* type;
    const Resource* res;  // nullptr for account-level rows (tax, credit, refund)
    const Service* svc;
    const Region* region;
    std::string usage_type, description;
    const char* operation;
    const char* unit;
    const char* term;
    Amount usage, rate, unblended, public_od, amortized;
    Amount ri_effective, sp_effective, ri_unused_recurring, sp_total, sp_used;
    std::string reservation_arn, sp_arn;
    const std::string* invoice_id;  // nullptr until AWS finalizes the month
    bool marketplace;               // billed by AWS Marketplace, sold by kMarketplaceSeller
    uint64_t id;
    uint32_t instance;  // member of the resource's fleet (distinct resource ids, same groups)
};

std::string resource_id_of(const Line& l) {
    if (!l.res) return {};
    if (l.instance == 0) return l.res->resource_id;
    return l.res->resource_id + "-" + std::to_string(l.instance);
}

Amount amount_of(const char* dec) {
    Amount a = 0;
    parse_amount(dec, a);
    return a;
}
// qty (units of 1e-6, as integer) x rate (1e-10) -> 1e-10, rounded half up on the 1e-6 shift.
Amount mul(Amount qty_micro, Amount rate) {
    Amount p = qty_micro * rate;
    Amount q = p / 1000000, r = p % 1000000;
    if (r * 2 >= 1000000) ++q;
    return q;
}
Amount micro(double x) {
    return static_cast<Amount>(std::llround(x * 1e6));
}
Amount micro_to_amount(Amount m) {
    return m * 10000;
}

std::string money_text(Amount v) {
    return to_plain_string(v);
}

std::string ts(Day d, int hour, bool millis, bool space) {
    std::string s = format_day(d);
    char buf[24];
    std::snprintf(buf, sizeof buf, "%c%02d:00:00%s", space ? ' ' : 'T', hour,
                  space ? "" : (millis ? ".000Z" : "Z"));
    return s + buf;
}

// ---------------------------------------------------------------- output
class Output {
  public:
    Output(const std::string& path, bool gzip, int level) : gzip_(gzip) {
        f_ = std::fopen(path.c_str(), "wb");
        if (!f_) throw_usage(path + ": cannot create");
        if (gzip_ && deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw Error(ErrorKind::internal, "zlib deflateInit2");
        buf_.reserve(kFlush + 65536);
    }
    ~Output() {
        if (f_) close();
    }
    std::string& buf() { return buf_; }
    void maybe_flush() {
        if (buf_.size() >= kFlush) flush(false);
    }
    void close() {
        flush(true);
        if (gzip_) deflateEnd(&z_);
        std::fclose(f_);
        f_ = nullptr;
    }
    uint64_t bytes() const { return bytes_ + buf_.size(); }

  private:
    static constexpr size_t kFlush = 1 << 20;
    void flush(bool final) {
        bytes_ += buf_.size();
        if (!gzip_) {
            std::fwrite(buf_.data(), 1, buf_.size(), f_);
        } else {
            z_.next_in = reinterpret_cast<Bytef*>(buf_.data());
            z_.avail_in = static_cast<uInt>(buf_.size());
            unsigned char out[1 << 16];
            int rc;
            do {
                z_.next_out = out;
                z_.avail_out = sizeof out;
                rc = deflate(&z_, final ? Z_FINISH : Z_NO_FLUSH);
                std::fwrite(out, 1, sizeof out - z_.avail_out, f_);
            } while (z_.avail_out == 0 || (final && rc != Z_STREAM_END));
        }
        buf_.clear();
    }
    std::FILE* f_ = nullptr;
    bool gzip_;
    z_stream z_{};
    std::string buf_;
    uint64_t bytes_ = 0;
};

void put_csv(std::string& b, std::string_view v) {
    if (v.find_first_of(",\"\n\r") == std::string_view::npos) {
        b.append(v);
        return;
    }
    b += '"';
    for (char c : v) {
        if (c == '"') b += '"';
        b += c;
    }
    b += '"';
}

const char* billing_entity(const Line& l) {
    return l.marketplace ? "AWS Marketplace" : "AWS";
}
const char* legal_entity(const Line& l) {
    return l.marketplace ? kMarketplaceSeller : "Amazon Web Services, Inc.";
}

// ---------------------------------------------------------------- dialect writers
class Writer {
  public:
    virtual ~Writer() = default;
    virtual void header(std::string& b) = 0;
    virtual void row(std::string& b, const Line& l) = 0;
};

std::string period_end_ts(Period p, bool millis, bool space) {
    return ts(first_day(add_months(p, 1)), 0, millis, space);
}

struct LineTimes {
    std::string start, end;
};
LineTimes times(const Line& l, bool millis, bool space, bool hourly) {
    if (l.whole_period)
        return {ts(first_day(l.period), 0, millis, space), period_end_ts(l.period, millis, space)};
    if (l.hour < 0 || !hourly)
        return {ts(l.day, 0, millis, space), ts(l.day + 1, 0, millis, space)};
    if (l.hour == 23) return {ts(l.day, 23, millis, space), ts(l.day + 1, 0, millis, space)};
    return {ts(l.day, l.hour, millis, space), ts(l.day, l.hour + 1, millis, space)};
}

std::string line_id(uint64_t id) {
    static const char* kAlpha = "abcdefghijklmnopqrstuvwxyz234567";
    std::string s(52, 'a');
    uint64_t x = id * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
    for (int i = 0; i < 52; ++i) {
        s[static_cast<size_t>(i)] = kAlpha[x & 31];
        x = (x >> 5) | (x << 59);
        if (i % 12 == 11) x = x * 0xbf58476d1ce4e5b9ull + 1;
    }
    return s;
}

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
    void row(std::string& b, const Line& l) override {
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
    }

  private:
    bool hourly_;
};

std::string json_escape(std::string_view s) {
    std::string o;
    append_json_escaped(o, s);
    return o;
}

class Cur2Writer : public Writer {
  public:
    explicit Cur2Writer(bool hourly) : hourly_(hourly) {}
    void header(std::string& b) override {
        b += "bill_bill_type,bill_billing_entity,bill_billing_period_end_date,"
             "bill_billing_period_start_date,bill_invoice_id,bill_invoicing_entity,"
             "bill_payer_account_id,bill_payer_account_name,cost_category,identity_line_item_id,"
             "identity_time_interval,line_item_availability_zone,line_item_blended_cost,"
             "line_item_blended_rate,line_item_currency_code,line_item_legal_entity,"
             "line_item_line_item_description,line_item_line_item_type,"
             "line_item_net_unblended_cost,line_item_operation,line_item_product_code,"
             "line_item_resource_id,line_item_unblended_cost,line_item_unblended_rate,"
             "line_item_usage_account_id,line_item_usage_account_name,line_item_usage_amount,"
             "line_item_usage_end_date,line_item_usage_start_date,line_item_usage_type,"
             "pricing_public_on_demand_cost,pricing_public_on_demand_rate,pricing_term,"
             "pricing_unit,product,product_region_code,reservation_effective_cost,"
             "reservation_reservation_a_r_n,reservation_unused_amortized_upfront_fee_for_billing_"
             "period,"
             "reservation_unused_recurring_fee,resource_tags,savings_plan_savings_plan_a_r_n,"
             "savings_plan_savings_plan_effective_cost,savings_plan_total_commitment_to_date,"
             "savings_plan_used_commitment\n";
    }
    void row(std::string& b, const Line& l) override {
        LineTimes t = times(l, true, false, hourly_);
        const Resource* r = l.res;
        auto amt = [](Amount a) {
            // CUR 2.0 exports print tiny values in exponent form; exercise that path.
            if (a != 0 && a > -1000 && a < 1000) {
                std::string m = to_plain_string(a * 1000000);  // value x 10^6
                return m + "E-6";
            }
            return money_text(a);
        };
        b.append("Anniversary,").append(billing_entity(l)).append(",");
        b.append(period_end_ts(l.period, true, false)).append(",");
        b.append(ts(first_day(l.period), 0, true, false)).append(",");
        b.append(l.invoice_id ? *l.invoice_id : "").append(",\"Amazon Web Services, Inc.\",");
        b.append(l.acct->payer).append(",payer-").append(l.acct->payer.substr(8)).append(",");
        put_csv(b, r ? "{\"Business Unit\":\"" + r->business_unit + "\"}" : std::string("{}"));
        b.append(",");
        b.append(line_id(l.id)).append(",").append(t.start).append("/").append(t.end).append(",");
        if (r && r->region) b.append(r->region->code).append("a");
        b.append(",").append(amt(l.unblended)).append(",").append(money_text(l.rate));
        b.append(",USD,");
        put_csv(b, legal_entity(l));
        b.append(",");
        put_csv(b, l.description);
        b.append(",").append(l.type).append(",").append(amt(l.unblended)).append(",");
        b.append(l.operation).append(",").append(l.svc ? l.svc->code : "").append(",");
        b.append(resource_id_of(l)).append(",").append(amt(l.unblended)).append(",");
        b.append(money_text(l.rate)).append(",").append(l.acct->id).append(",acct-");
        b.append(l.acct->id.substr(8)).append(",").append(money_text(l.usage)).append(",");
        b.append(t.end).append(",").append(t.start).append(",").append(l.usage_type).append(",");
        b.append(money_text(l.public_od)).append(",");
        b.append(r ? money_text(r->od_rate) : "").append(",").append(l.term).append(",");
        b.append(l.unit).append(",");
        std::string product = "{\"product_name\":\"" + json_escape(l.svc ? l.svc->name : "") +
                              "\",\"servicecode\":\"" + (l.svc ? l.svc->code : "") + "\"}";
        put_csv(b, product);
        b.append(",").append(l.region ? l.region->code : "").append(",");
        b.append(l.ri_effective || !l.reservation_arn.empty() ? money_text(l.ri_effective) : "");
        b.append(",").append(l.reservation_arn).append(",");
        b.append(l.type == std::string_view("RIFee") ? "0" : "").append(",");
        b.append(l.type == std::string_view("RIFee") ? money_text(l.ri_unused_recurring) : "");
        b.append(",");
        std::string tags = "{";
        if (r) {
            auto add = [&](const char* k, const std::string& v) {
                if (v.empty()) return;
                if (tags.size() > 1) tags += ',';
                tags += "\"" + std::string(k) + "\":\"" + json_escape(v) + "\"";
            };
            add("user_cost_center", r->cost_center);
            add("user_environment", r->env);
            add("user_team", r->team);
            if (!r->team.empty()) add("aws_created_by", "AssumedRole:AROAEXAMPLE:ci");
        }
        tags += "}";
        put_csv(b, tags);
        b.append(",").append(l.sp_arn).append(",");
        b.append(l.sp_effective ? money_text(l.sp_effective) : "").append(",");
        b.append(l.sp_total ? money_text(l.sp_total) : "").append(",");
        b.append(l.sp_used ? money_text(l.sp_used) : "").append("\n");
    }

  private:
    bool hourly_;
};

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
    void row(std::string& b, const Line& l) override {
        LineTimes t = times(l, false, true, hourly_);
        const Resource* r = l.res;
        std::string_view type = l.type;
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
        b.append(",").append(money_text(l.unblended)).append(",").append(l.acct->payer);
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
        b.append(",").append(money_text(l.unblended)).append(",");
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
    }

  private:
    bool hourly_;
};

// ---------------------------------------------------------------- the model
class Model {
  public:
    explicit Model(const GenOptions& o) : o_(o), rng_{o.seed * 0x2545F4914F6CDD1Dull + 7} {
        build_accounts();
        build_resources();
    }

    // Emits every line of one month through `sink`.
    template <class Sink>
    void month(Period p, int month_index, Sink&& sink) {
        const Day d0 = first_day(p), d1 = last_day(p);
        set_invoices(p);
        std::map<const Account*, Amount> usage_by_acct;
        std::map<const Resource*, Amount> ri_hours;
        Amount sp_effective_total = 0;
        const Resource* sp_owner = nullptr;
        for (Day d = d0; d <= d1; ++d) {
            const double season = seasonal(d, month_index);
            const int hours = o_.hourly ? 24 : 1;
            for (int h = 0; h < hours; ++h) {
                for (const Resource& r : resources_) {
                    for (int inst = 0; inst < o_.fleet; ++inst) {
                        double q = r.qty * season * (o_.hourly ? 1.0 : 24.0) * spike(r, d);
                        if (r.svc->unit == std::string_view("Hrs") ||
                            r.svc->unit == std::string_view("Hours"))
                            q = std::max(1.0, std::round(q));  // instance-hours come in whole hours
                        Amount qm = micro(q);
                        Line l = base(r, p, d, o_.hourly ? h : -1);
                        l.instance = static_cast<uint32_t>(inst);
                        l.usage = micro_to_amount(qm);
                        l.public_od = mul(qm, r.od_rate);
                        if (r.cover == Cover::ri) {
                            l.type = "DiscountedUsage";
                            l.term = "Reserved";
                            l.rate = 0;
                            l.unblended = 0;
                            l.ri_effective = mul(qm, r.cover_rate);
                            l.amortized = l.ri_effective;
                            l.reservation_arn = r.arn;
                            ri_hours[&r] += l.usage;
                        } else if (r.cover == Cover::sp) {
                            l.type = "SavingsPlanCoveredUsage";
                            l.rate = r.od_rate;
                            l.unblended = l.public_od;
                            l.sp_effective = mul(qm, r.cover_rate);
                            l.amortized = l.sp_effective;
                            l.sp_arn = r.arn;
                            sp_effective_total += l.sp_effective;
                            sp_owner = &r;
                        } else {
                            l.rate = r.od_rate;
                            l.unblended = l.public_od;
                            l.amortized = l.unblended;
                        }
                        usage_by_acct[r.acct] += l.unblended;
                        sink(l);
                    }
                }
            }
        }
        // Monthly rows: RI fees, the Savings Plan fee, tax, credits and a refund.
        for (const auto& [r, hrs] : ri_hours) {
            Line l = base(*r, p, d0, -1);
            l.whole_period = true;
            l.type = "RIFee";
            l.term = "Reserved";
            l.usage_type = std::string(r->region->prefix) + "HeavyUsage:" +
                           std::string(r->usage_type.substr(r->usage_type.find(':') + 1));
            l.description = "USD " + to_plain_string(r->cover_rate) +
                            " hourly fee per Linux/UNIX (Amazon VPC), reserved instance";
            Amount reserved = hrs + hrs / 20;  // 5% of the reservation goes unused
            l.usage = reserved;
            l.rate = r->cover_rate;
            l.unblended = mul(reserved / 10000, r->cover_rate);
            l.ri_unused_recurring = l.unblended - mul(hrs / 10000, r->cover_rate);
            l.amortized = l.ri_unused_recurring;
            l.reservation_arn = r->arn;
            l.public_od = 0;
            sink(l);
        }
        if (sp_owner) {
            Line l = base(*sp_owner, p, d0, -1);
            l.whole_period = true;
            l.type = "SavingsPlanRecurringFee";
            l.svc = &kServices[0];
            l.usage_type = "ComputeSP:1yrNoUpfront";
            l.operation = "";
            l.unit = "Hrs";
            l.term = "";
            l.description = "1 year No Upfront Compute Savings Plan";
            l.sp_total = sp_effective_total + sp_effective_total / 25;  // 96% utilisation
            l.sp_used = sp_effective_total;
            l.unblended = l.sp_total;
            l.amortized = l.sp_total - l.sp_used;
            l.sp_arn = sp_owner->arn;
            l.usage = micro_to_amount(micro(24.0 * (d1 - d0 + 1)));
            l.public_od = 0;
            sink(l);
        }
        for (const Account& a : accounts_) {
            Amount used = usage_by_acct[&a];
            if (a.index % 2 == 0 && used > 0) {  // VAT on some accounts
                sink(account_line(a, p, "Tax", "AmazonEC2", "Tax for product code AmazonEC2",
                                  used * 7 / 100 - (used * 7 / 100) % 100));
            }
            if (a.index == 1)
                sink(account_line(a, p, "Credit", "AmazonEC2", "AWS Activate Credits",
                                  -micro_to_amount(micro(50.0))));
            if (a.index == 2 && month_index % 5 == 1)
                sink(account_line(a, p, "Refund", "AmazonS3", "Refund for overbilled S3 requests",
                                  -amount_of("12.3456789")));
            if (a.index % 4 == 3) sink(marketplace_line(a, p));
        }
    }

    size_t resource_count() const { return resources_.size(); }

  private:
    // AWS leaves bill/InvoiceId blank until the month's bill is final, a few days into the next
    // month; then each payer has one invoice per billing entity.
    void set_invoices(Period p) {
        const Day today = o_.today ? o_.today : today_utc();
        const bool closed = today > last_day(p) + 3;
        invoices_.assign(accounts_.size() * 2, std::string());
        for (const Account& a : accounts_)
            for (int mp = 0; mp < 2; ++mp) {
                if (!closed) continue;
                Rng r{hash_bytes(a.payer.data(), a.payer.size()) ^
                      static_cast<uint64_t>(p * 2 + mp)};
                invoices_[static_cast<size_t>(a.index * 2 + mp)] =
                    std::to_string(2000000000ull + r.next() % 999999999ull);
            }
    }
    const std::string* invoice_of(const Account& a, bool marketplace) const {
        const std::string& id = invoices_[static_cast<size_t>(a.index * 2 + (marketplace ? 1 : 0))];
        return id.empty() ? nullptr : &id;
    }
    Line marketplace_line(const Account& a, Period p) {
        Line l = account_line(a, p, "Usage", "", kMarketplaceProduct.description,
                              micro_to_amount(micro(15.0 * (4 + a.index % 3))));
        l.svc = &kMarketplaceProduct;
        l.usage_type = kMarketplaceProduct.usage_type;
        l.unit = kMarketplaceProduct.unit;
        l.usage = micro_to_amount(micro(4 + a.index % 3));
        l.rate = amount_of(kMarketplaceProduct.rate);
        l.marketplace = true;
        l.invoice_id = invoice_of(a, true);
        return l;
    }

    void build_accounts() {
        for (int p = o_.first_payer; p < o_.first_payer + o_.payers; ++p) {
            char payer[16];
            std::snprintf(
                payer, sizeof payer, "%012llu",
                static_cast<unsigned long long>(
                    10000000000ull + 111111111111ull * static_cast<unsigned>(p) % 900000000000ull));
            for (int a = 0; a < o_.accounts_per_payer; ++a) {
                char id[16];
                std::snprintf(id, sizeof id, "%012llu",
                              static_cast<unsigned long long>(rng_.next() % 999999999999ull));
                accounts_.push_back(Account{payer, a == 0 ? std::string(payer) : std::string(id),
                                            static_cast<int>(accounts_.size())});
            }
        }
    }

    void build_resources() {
        int n = 0;
        for (const Account& a : accounts_) {
            for (int k = 0; k < o_.resources_per_account; ++k, ++n) {
                // Every service appears somewhere; EC2 and S3 dominate as they do in real bills.
                int si = k < kServiceCount
                             ? (k + a.index * 7) % kServiceCount
                             : (rng_.uniform() < 0.4 ? rng_.below(5) : rng_.below(kServiceCount));
                const Service* s = &kServices[si];
                Resource r;
                r.acct = &a;
                r.svc = s;
                r.region = &kRegions[rng_.below(10) < 6 ? 0 : 1 + rng_.below(4)];
                r.usage_type = std::string(r.region->prefix) + s->usage_type;
                char rid[64];
                std::snprintf(rid, sizeof rid, "%s-%08llx", s->code,
                              static_cast<unsigned long long>(rng_.next() & 0xffffffffull));
                r.resource_id = rid;
                r.od_rate = amount_of(s->rate);
                char desc[256];
                std::snprintf(desc, sizeof desc, s->description, s->rate);
                r.description = desc;
                r.qty = s->base_qty * (0.5 + 2.0 * rng_.uniform());
                r.cover = Cover::none;
                bool compute = std::string_view(s->usage_type).find("BoxUsage") == 0;
                if (compute && n % 3 == 0) {
                    r.cover = Cover::ri;
                    r.cover_rate = r.od_rate * 62 / 100;
                    r.arn = "arn:aws:ec2:" + std::string(r.region->code) + ":" + a.payer +
                            ":reserved-instances/" + rid;
                } else if (compute && n % 3 == 1) {
                    r.cover = Cover::sp;
                    r.cover_rate = r.od_rate * 72 / 100;
                    r.arn = "arn:aws:savingsplans::" + a.payer + ":savingsplan/" + rid;
                }
                if (rng_.uniform() > 0.25) {
                    r.team = kTeams[rng_.below(5)];
                    r.env = kEnvs[rng_.below(3)];
                    r.cost_center = "cc-" + std::to_string(1000 + rng_.below(8));
                }
                // A cost category rule keyed on the team tag, as billing teams set them up.
                r.business_unit = r.team.empty()        ? "Unallocated"
                                  : r.team == "web"     ? "Product"
                                  : r.team == "finance" ? "Corporate"
                                                        : "Engineering";
                r.spiky =
                    std::string_view(s->usage_type).find("DataTransfer") != std::string_view::npos;
                resources_.push_back(std::move(r));
            }
        }
    }

    double seasonal(Day d, int month_index) const {
        CivilDate c = civil_from_days(d);
        double doy = static_cast<double>(d - days_from_civil(c.year, 1, 1));
        double f = 1.0 + 0.2 * std::sin(2 * M_PI * (doy - 80) / 365.0);
        f *= 1.0 + 0.03 * month_index;  // steady growth
        int wd = ((d % 7) + 11) % 7;    // 0 = Monday
        if (wd >= 5) f *= 0.85;
        return f;
    }
    double spike(const Resource& r, Day d) const {
        if (!r.spiky) return 1.0;
        uint64_t h = static_cast<uint64_t>(d) * 0x9e3779b97f4a7c15ull ^ o_.seed ^
                     static_cast<uint64_t>(r.acct->index);
        h ^= h >> 29;
        h *= 0xbf58476d1ce4e5b9ull;
        return (h >> 58) == 0 ? 6.0 : 1.0;  // about one day in 64
    }

    Line base(const Resource& r, Period p, Day d, int hour) {
        Line l{};
        l.acct = r.acct;
        l.period = p;
        l.day = d;
        l.hour = hour;
        l.whole_period = false;
        l.type = "Usage";
        l.res = &r;
        l.svc = r.svc;
        l.region = r.region;
        l.usage_type = r.usage_type;
        l.description = r.description;
        l.operation = r.svc->operation;
        l.unit = r.svc->unit;
        l.term = "OnDemand";
        l.invoice_id = invoice_of(*r.acct, false);
        l.id = ++id_;
        return l;
    }
    Line account_line(const Account& a, Period p, const char* type, const char* code,
                      const char* desc, Amount cost) {
        Line l{};
        l.acct = &a;
        l.period = p;
        l.day = first_day(p);
        l.hour = -1;
        l.whole_period = true;
        l.type = type;
        for (const Service& s : kServices)
            if (std::string_view(s.code) == code) {
                l.svc = &s;
                break;
            }
        l.description = desc;
        l.operation = "";
        l.unit = "";
        l.term = "";
        l.unblended = cost;
        l.amortized = cost;
        l.invoice_id = invoice_of(a, false);
        l.id = ++id_;
        return l;
    }

    const GenOptions& o_;
    Rng rng_;
    std::vector<Account> accounts_;
    std::vector<Resource> resources_;
    std::vector<std::string> invoices_;  // per account index: AWS, then Marketplace invoice id
    uint64_t id_ = 0;
};

std::unique_ptr<Writer> make_writer(OutDialect d, bool hourly) {
    switch (d) {
        case OutDialect::cur2:
            return std::make_unique<Cur2Writer>(hourly);
        case OutDialect::focus:
            return std::make_unique<FocusWriter>(hourly);
        default:
            return std::make_unique<LegacyWriter>(hourly);
    }
}

std::string uuid_for(uint64_t seed, Period p) {
    Rng r{seed * 31 + static_cast<uint64_t>(p)};
    char buf[40];
    uint64_t a = r.next(), b = r.next();
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-a%03llx-%012llx",
                  static_cast<unsigned long long>(a >> 32),
                  static_cast<unsigned long long>((a >> 16) & 0xffff),
                  static_cast<unsigned long long>(a & 0xfff),
                  static_cast<unsigned long long>(b >> 52),
                  static_cast<unsigned long long>(b & 0xffffffffffffull));
    return buf;
}

void write_text(const fs::path& p, const std::string& s) {
    fs::create_directories(p.parent_path());
    std::FILE* f = std::fopen(p.string().c_str(), "wb");
    if (!f) throw_usage(p.string() + ": cannot create");
    std::fwrite(s.data(), 1, s.size(), f);
    std::fclose(f);
}

// Bytes per row measured on generated output, used to size --target-size runs.
double bytes_per_row(OutDialect d) {
    switch (d) {
        case OutDialect::cur2:
            return 755;
        case OutDialect::focus:
            return 673;
        default:
            return 699;
    }
}

}  // namespace

bool parse_out_dialect(const std::string& s, OutDialect& out) {
    if (s == "legacy" || s == "cur-legacy")
        out = OutDialect::legacy;
    else if (s == "cur2")
        out = OutDialect::cur2;
    else if (s == "focus")
        out = OutDialect::focus;
    else
        return false;
    return true;
}

GenStats generate(const GenOptions& in) {
    GenOptions o = in;
    if (o.out.empty()) throw_usage("gen: --out is required");
    if (o.months < 1 || o.months > 120) throw_usage("gen: --months must be 1..120");
    if (o.target_bytes > 0) {
        double hours = 0;
        for (int m = 0; m < o.months; ++m) {
            Period p = add_months(o.start, m);
            hours += (last_day(p) - first_day(p) + 1) * (o.hourly ? 24.0 : 1.0);
        }
        // The organisation stays as given; bigger files come from bigger fleets (more line
        // items per series and hour), which is how real bills grow.
        double series = o.payers * o.accounts_per_payer * o.resources_per_account;
        o.fleet = std::max(
            1, static_cast<int>(std::llround(static_cast<double>(o.target_bytes) /
                                             (hours * series * bytes_per_row(o.dialect)))));
    }
    Model model(o);
    GenStats st;
    const char* ext = o.gzip ? ".csv.gz" : ".csv";
    if (!o.layout) {
        if (fs::path(o.out).has_parent_path())
            fs::create_directories(fs::path(o.out).parent_path());
        Output out(o.out, o.gzip, o.gzip_level);
        auto w = make_writer(o.dialect, o.hourly);
        w->header(out.buf());
        for (int m = 0; m < o.months; ++m) {
            model.month(add_months(o.start, m), m, [&](const Line& l) {
                w->row(out.buf(), l);
                ++st.rows;
                out.maybe_flush();
            });
        }
        st.bytes = out.bytes();
        out.close();
        st.files = 1;
        return st;
    }
    // S3 layout with a manifest per month.
    const std::string& rn = o.report_name;
    for (int m = 0; m < o.months; ++m) {
        Period p = add_months(o.start, m);
        std::string assembly = uuid_for(o.seed, p);
        fs::path data, manifest_dir;
        std::string key_prefix = "billing/" + rn + "/";
        std::string manifest;
        if (o.dialect == OutDialect::legacy) {
            char range[32];
            CivilDate a = civil_from_days(first_day(p)),
                      b = civil_from_days(first_day(add_months(p, 1)));
            std::snprintf(range, sizeof range, "%04d%02u%02u-%04d%02u%02u", a.year, a.month, a.day,
                          b.year, b.month, b.day);
            fs::path period_dir = fs::path(o.out) / rn / range;
            data = period_dir / assembly / (rn + "-00001" + ext);
            manifest_dir = period_dir;
            std::string key = key_prefix + range + "/" + assembly + "/" + rn + "-00001" + ext;
            char bp[96];
            std::snprintf(
                bp, sizeof bp,
                "{\"start\":\"%04d%02u%02uT000000.000Z\",\"end\":\"%04d%02u%02uT000000.000Z\"}",
                a.year, a.month, a.day, b.year, b.month, b.day);
            manifest = "{\n  \"assemblyId\":\"" + assembly +
                       "\",\n  \"account\":\"012345678901\",\n"
                       "  \"charset\":\"UTF-8\",\n  \"compression\":\"" +
                       std::string(o.gzip ? "GZIP" : "NONE") +
                       "\",\n  \"contentType\":\"text/csv\",\n  \"reportName\":\"" + rn +
                       "\",\n  \"billingPeriod\":" + bp +
                       ",\n  \"bucket\":\"example-billing\",\n"
                       "  \"reportKeys\":[\"" +
                       key + "\"],\n  \"additionalArtifactKeys\":[]\n}\n";
            write_text(period_dir / assembly / (rn + "-Manifest.json"), manifest);
        } else {
            std::string part = "BILLING_PERIOD=" + format_period(p);
            fs::path root = fs::path(o.out) / rn;
            data = root / "data" / part / (rn + "-00001" + ext);
            manifest_dir = root / "metadata" / part;
            manifest = "{\n  \"executionId\":\"" + assembly +
                       "\",\n  \"billingPeriod\":{\"start\":\"" + format_day(first_day(p)) +
                       "T00:00:00.000Z\"},\n  \"dataFiles\":[\"s3://example-billing/" + key_prefix +
                       "data/" + part + "/" + rn + "-00001" + ext + "\"]\n}\n";
        }
        fs::create_directories(data.parent_path());
        Output out(data.string(), o.gzip, o.gzip_level);
        auto w = make_writer(o.dialect, o.hourly);
        w->header(out.buf());
        model.month(p, m, [&](const Line& l) {
            w->row(out.buf(), l);
            ++st.rows;
            out.maybe_flush();
        });
        st.bytes += out.bytes();
        out.close();
        write_text(manifest_dir / (rn + "-Manifest.json"), manifest);
        ++st.files;
    }
    return st;
}

}  // namespace curcrunch::gen
