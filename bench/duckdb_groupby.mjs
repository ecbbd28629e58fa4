// Baseline: DuckDB's read_csv (type sniffing, parallel) and the same GROUP BY curcrunch computes.
// Prints one JSON line: {"seconds": query time, "groups": result rows}.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads = '2'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads });
const con = await instance.connect();
const t0 = performance.now();
const result = await con.runAndReadAll(`
  SELECT "bill/BillingPeriodStartDate" AS period,
         CAST("lineItem/UsageStartDate" AS DATE) AS day,
         "bill/PayerAccountId", "lineItem/UsageAccountId", "lineItem/ProductCode",
         "product/ProductName", "lineItem/UsageType", "lineItem/Operation", "product/region",
         "lineItem/LineItemType", "pricing/term", "lineItem/CurrencyCode",
         sum("lineItem/UnblendedCost"), sum("lineItem/BlendedCost"),
         sum("pricing/publicOnDemandCost"), sum("lineItem/UsageAmount"), count(*)
  FROM read_csv('${file.replaceAll("'", "''")}', header = true)
  GROUP BY ALL`);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ seconds, groups: result.getRows().length }));
