-- Baseline: sqlite3's CSV import, then the same GROUP BY curcrunch computes. The input path is
-- substituted by bench/run.sh (a gzip file is piped through gzip -dc).
.mode csv
.import __INPUT__ cur
.mode list
SELECT count(*) FROM (
  SELECT "bill/BillingPeriodStartDate", substr("lineItem/UsageStartDate", 1, 10),
         "bill/PayerAccountId", "lineItem/UsageAccountId", "lineItem/ProductCode",
         "product/ProductName", "lineItem/UsageType", "lineItem/Operation", "product/region",
         "lineItem/LineItemType", "pricing/term", "lineItem/CurrencyCode",
         sum(CAST("lineItem/UnblendedCost" AS REAL)), sum(CAST("lineItem/BlendedCost" AS REAL)),
         sum(CAST("pricing/publicOnDemandCost" AS REAL)), sum(CAST("lineItem/UsageAmount" AS REAL)),
         count(*)
  FROM cur GROUP BY 1,2,3,4,5,6,7,8,9,10,11,12);
