// Reads a Parquet file `curcrunch gen --format parquet` wrote with DuckDB (an independent
// reader) and prints one JSON line: row count, row groups, codecs and encodings of its column
// chunks, each column's type, the sum of line_item_unblended_cost rounded to cents, and how many
// rows carry a user_team tag.   node read_generated.mjs FILE.parquet
import { DuckDBInstance } from '@duckdb/node-api';

const [file] = process.argv.slice(2);
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await instance.connect();
const one = async (sql) => (await con.runAndReadAll(sql)).getRows()[0];
const [rows, cents, tagged] = await one(`
  SELECT count(*)::BIGINT, round(sum(line_item_unblended_cost), 2)::VARCHAR,
         count(resource_tags['user_team'])::BIGINT
  FROM read_parquet(${q(file)})`);
const [groups, codecs, encodings] = await one(`
  SELECT count(DISTINCT row_group_id)::BIGINT, string_agg(DISTINCT compression, ',' ORDER BY compression),
         string_agg(DISTINCT encodings, ',' ORDER BY encodings)
  FROM parquet_metadata(${q(file)})`);
const types = Object.fromEntries((await con.runAndReadAll(
  `DESCRIBE SELECT * FROM read_parquet(${q(file)})`)).getRows().map((r) => [r[0], r[1]]));
console.log(JSON.stringify({ rows: Number(rows), groups: Number(groups), codecs, encodings,
  cents, tagged: Number(tagged), types }));
