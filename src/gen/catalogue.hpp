#pragma once
// What the synthetic organisation is made of (internal to src/gen): deterministic randomness,
// the services with their usage types, rates and descriptions as AWS writes them, the regions,
// and the tag values.
#include <cstdint>

namespace curcrunch::gen {

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

inline constexpr Service kServices[] = {
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
inline constexpr int kServiceCount = static_cast<int>(sizeof(kServices) / sizeof(kServices[0]));

// The Compute Savings Plan's own line items (SavingsPlanRecurringFee) bill under this product.
inline constexpr Service kSavingsPlanService = {"ComputeSavingsPlans",
                                                "Savings Plans for AWS Compute usage",
                                                "ComputeSP:1yrNoUpfront",
                                                "",
                                                "Hrs",
                                                "0",
                                                0,
                                                "1 year No Upfront Compute Savings Plan",
                                                "Savings Plans"};
// A SaaS subscription bought through AWS Marketplace: billed by AWS (bill/BillingEntity "AWS
// Marketplace", its own invoice), sold by its publisher (lineItem/LegalEntity).
inline constexpr Service kMarketplaceProduct = {"b7y3mq2lz5k8x1c4v9n0p6r2t",
                                                "Acme Observability Pro",
                                                "SaaS-Hosts",
                                                "",
                                                "Hosts",
                                                "15",
                                                1,
                                                "Acme Observability Pro, per monitored host",
                                                "SaaS"};
inline constexpr const char* kMarketplaceSeller = "Acme Observability, Inc.";

// AWS Support (Business): a monthly Fee on the first, the larger of $100 and 10% of usage.
inline constexpr Service kSupportService = {"AWSSupportBusiness",
                                            "AWS Support (Business)",
                                            "Dollar",
                                            "",
                                            "",
                                            "0",
                                            0,
                                            "AWS Support (Business)",
                                            "Support"};

struct Region {
    const char* code;
    const char* prefix;
    const char* location;
};
inline constexpr Region kRegions[] = {{"us-east-1", "", "US East (N. Virginia)"},
                                      {"us-west-2", "USW2-", "US West (Oregon)"},
                                      {"eu-west-1", "EU-", "EU (Ireland)"},
                                      {"eu-central-1", "EUC1-", "EU (Frankfurt)"},
                                      {"ap-southeast-2", "APS2-", "Asia Pacific (Sydney)"}};

inline constexpr const char* kTeams[] = {"platform", "data", "web", "ml", "finance"};
inline constexpr const char* kEnvs[] = {"prod", "staging", "dev"};

}  // namespace curcrunch::gen
