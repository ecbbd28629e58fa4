// Baseline for the Parquet section: DuckDB's read_parquet (projection, parallel row groups)
// and the same GROUP BY curcrunch computes, over a CUR 2.0 Parquet file.
// Prints one JSON line: {"seconds": query time, "groups": result rows}.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads = '2'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads });
const con = await instance.connect();
const t0 = performance.now();
const result = await con.runAndReadAll(`
  SELECT bill_billing_period_start_date AS period,
         CAST(line_item_usage_start_date AS DATE) AS day,
         bill_payer_account_id, line_item_usage_account_id, line_item_product_code,
         product['product_name'] AS product_name, line_item_usage_type, line_item_operation,
         product_region_code, line_item_line_item_type, pricing_term, line_item_currency_code,
         sum(line_item_unblended_cost), sum(line_item_blended_cost),
         sum(pricing_public_on_demand_cost), sum(line_item_usage_amount), count(*)
  FROM read_parquet('${file.replaceAll("'", "''")}')
  GROUP BY ALL`);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ seconds, groups: result.getRows().length }));
