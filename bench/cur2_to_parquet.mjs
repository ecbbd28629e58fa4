// Writes a CUR 2.0 CSV (as `curcrunch gen --dialect cur2` makes it) as the Parquet AWS Data
// Exports deliver: costs DOUBLE, timestamps TIMESTAMP, resource_tags / cost_category / product
// as MAP(VARCHAR, VARCHAR), discount as MAP(VARCHAR, DOUBLE), everything else VARCHAR.
//   node bench/cur2_to_parquet.mjs IN.csv OUT.parquet snappy|zstd [threads]
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output, codec = 'snappy', threads = '2'] = process.argv.slice(2);
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(':memory:', { threads });
const con = await instance.connect();
const cols = (await con.runAndReadAll(
  `SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv(${q(input)}, all_varchar = true))`))
  .getRows().map((r) => r[0]);
const money = /(_cost|_amount|_fee|_commitment_to_date|_used_commitment|_rate)$/;
const select = cols.map((c) => {
  const id = `"${c}"`;
  if (['resource_tags', 'cost_category', 'product'].includes(c))
    return `CAST(json_transform(coalesce(${id}, '{}'), '"MAP(VARCHAR, VARCHAR)"') AS MAP(VARCHAR, VARCHAR)) AS ${id}`;
  if (money.test(c)) return `CAST(${id} AS DOUBLE) AS ${id}`;
  if (/_(start|end)_date$/.test(c)) return `CAST(${id} AS TIMESTAMP) AS ${id}`;
  return id;
});
select.push(`MAP {}::MAP(VARCHAR, DOUBLE) AS discount`);
const t0 = performance.now();
await con.run(`COPY (SELECT ${select.join(', ')} FROM read_csv(${q(input)}, all_varchar = true))
  TO ${q(output)} (FORMAT parquet, COMPRESSION ${codec})`);
console.error(`wrote ${output} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
