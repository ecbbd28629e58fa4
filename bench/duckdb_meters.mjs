// The baseline of the meter-ingest benchmark: DuckDB reads the same JSON lines and computes the
// same daily rollup (count, sum, max and distinct users per account, meter and day, plus the
// distinct uids), in memory. Prints the seconds taken.
// usage: node bench/duckdb_meters.mjs FILE THREADS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads || 2) });
const con = await db.connect();
const t0 = performance.now();
const r = await con.run(`
  SELECT account, meter, CAST(CAST(timestamp AS TIMESTAMPTZ) AS DATE) AS day, count(*) AS n,
         sum(CAST(values.gb_s AS DECIMAL(38, 10))) AS gb_s, max(values.bytes) AS peak,
         count(DISTINCT values.user) AS users, count(DISTINCT uid) AS uids
  FROM read_json('${file}', format = 'newline_delimited',
                 columns = {uid: 'VARCHAR', account: 'VARCHAR', timestamp: 'VARCHAR',
                            meter: 'VARCHAR',
                            values: 'STRUCT(gb_s VARCHAR, bytes BIGINT, "user" VARCHAR)'})
  GROUP BY ALL`);
await r.getRows();
console.log(((performance.now() - t0) / 1000).toFixed(3));
