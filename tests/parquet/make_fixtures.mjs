// Writes the Parquet fixtures of the parquet_* tests with third-party writers, and a CSV twin
// of each (the same typed rows, as CSV), so a test can require identical rollups.
//   node make_fixtures.mjs OUTDIR CUR2.csv FOCUS.csv
// The inputs are `curcrunch gen` CSVs. DuckDB writes the realistic files (CUR 2.0 maps, FOCUS
// decimals and timestamps, every codec, page v1 and v2); the Rust parquet crate (parquet-wasm)
// rewrites one of them with each encoding forced per column. fixtures.json lists every file
// with the encodings, codecs and page versions it must contain (the test checks them).
import { DuckDBInstance } from '@duckdb/node-api';
import * as pw from 'parquet-wasm';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const [out, cur2Csv, focusCsv] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const con = await db.connect();
await con.run(`SET TimeZone = 'UTC'`);
const fixtures = [];

async function columns(table) {
  return (await con.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${table})`))
    .getRows().map(([name, type]) => ({ name, type }));
}

// The CSV twin: maps as JSON objects, timestamps as ISO text, everything else as DuckDB
// prints it (DOUBLE shortest round trip, DECIMAL exact).
async function writeTwin(table, file) {
  const sel = (await columns(table)).map(({ name, type }) => {
    const id = `"${name}"`;
    if (type.startsWith('MAP')) return `CASE WHEN cardinality(${id}) = 0 THEN NULL ELSE to_json(${id}) END AS ${id}`;
    if (type.startsWith('TIMESTAMP')) return `strftime(${id}, '%Y-%m-%dT%H:%M:%SZ') AS ${id}`;
    return id;
  });
  await con.run(`COPY (SELECT ${sel.join(', ')} FROM ${table}) TO ${q(file)} (FORMAT csv, HEADER)`);
}

async function duck(table, name, opts, expect) {
  const file = `${out}/${name}.parquet`;
  await con.run(`COPY ${table} TO ${q(file)} (FORMAT parquet, ${opts})`);
  await writeTwin(table, `${out}/${name}.csv`);
  fixtures.push({ name, writer: 'duckdb', ...expect });
}

// CUR 2.0 as Data Exports writes it: DOUBLE costs, TIMESTAMP dates, MAP columns.
const money = /(_cost|_amount|_fee|_commitment_to_date|_used_commitment|_rate)$/;
await con.run(`CREATE TABLE raw_cur2 AS SELECT * FROM read_csv(${q(cur2Csv)}, all_varchar = true)`);
const cur2Sel = (await columns('raw_cur2')).map(({ name }) => {
  const id = `"${name}"`;
  if (['resource_tags', 'cost_category', 'product'].includes(name))
    return `CAST(json_transform(coalesce(${id}, '{}'), '"MAP(VARCHAR, VARCHAR)"') AS MAP(VARCHAR, VARCHAR)) AS ${id}`;
  if (money.test(name)) return `CAST(${id} AS DOUBLE) AS ${id}`;
  if (/_(start|end)_date$/.test(name)) return `CAST(${id} AS TIMESTAMP) AS ${id}`;
  return id;
});
await con.run(`CREATE TABLE cur2 AS SELECT ${cur2Sel.join(', ')},
  MAP {'bundled_discount': -0.25}::MAP(VARCHAR, DOUBLE) AS discount FROM raw_cur2`);
for (const codec of ['snappy', 'zstd', 'gzip', 'brotli', 'lz4_raw', 'uncompressed'])
  await duck('cur2', `cur2_${codec}`, `COMPRESSION ${codec}`, { codecs: [codec.toUpperCase()] });
// DuckDB's PARQUET_VERSION v2 keeps v1 page headers but switches to the v2 encodings.
await duck('cur2', 'cur2_v2_zstd', 'COMPRESSION zstd, PARQUET_VERSION v2',
  { codecs: ['ZSTD'], encodings: ['DELTA_LENGTH_BYTE_ARRAY', 'RLE_DICTIONARY'] });
await duck('cur2', 'cur2_many_row_groups', 'COMPRESSION snappy, ROW_GROUP_SIZE 512',
  { codecs: ['SNAPPY'], min_row_groups: 4 });

// FOCUS 1.0 with DECIMAL costs of every width, UTC-adjusted and plain timestamps, a DATE.
await con.run(`CREATE TABLE raw_focus AS SELECT * FROM read_csv(${q(focusCsv)}, all_varchar = true, nullstr = 'NULL')`);
const focusTypes = {
  BilledCost: 'DECIMAL(38, 10)', EffectiveCost: 'DECIMAL(18, 10)', ListCost: 'DOUBLE',
  ContractedCost: 'DECIMAL(38, 12)', ConsumedQuantity: 'DECIMAL(9, 2)', PricingQuantity: 'DOUBLE',
  ListUnitPrice: 'DOUBLE', ContractedUnitPrice: 'DOUBLE',
  ChargePeriodStart: 'TIMESTAMPTZ', ChargePeriodEnd: 'TIMESTAMP_NS',
  BillingPeriodStart: 'DATE', BillingPeriodEnd: 'TIMESTAMP_MS',
};
const focusSel = (await columns('raw_focus')).map(({ name }) => {
  const id = `"${name}"`;
  if (name === 'Tags' || name === 'x_CostCategories')
    return `CAST(json_transform(coalesce(${id}, '{}'), '"MAP(VARCHAR, VARCHAR)"') AS MAP(VARCHAR, VARCHAR)) AS ${id}`;
  if (focusTypes[name]) return `CAST(${id} AS ${focusTypes[name]}) AS ${id}`;
  return id;
});
await con.run(`CREATE TABLE focus AS SELECT ${focusSel.join(', ')} FROM raw_focus`);
await duck('focus', 'focus_decimals', 'COMPRESSION snappy', { codecs: ['SNAPPY'] });
await duck('focus', 'focus_decimals_v2', 'COMPRESSION zstd, PARQUET_VERSION v2',
  { codecs: ['ZSTD'], encodings: ['DELTA_LENGTH_BYTE_ARRAY'] });
// Long binary expansions: every cost divided by 3 (0.0333...), so each double's shortest
// decimal has 16-17 digits and the 10-digit rounding rule decides; the twin's CSV text is
// DuckDB's shortest round trip of the same doubles.
await con.run(`CREATE TABLE cur2_thirds AS SELECT * REPLACE (
    line_item_unblended_cost / 3 AS line_item_unblended_cost,
    line_item_blended_cost / 7 AS line_item_blended_cost,
    pricing_public_on_demand_cost * 1.1 AS pricing_public_on_demand_cost) FROM cur2`);
await duck('cur2_thirds', 'cur2_long_doubles', 'COMPRESSION snappy', { codecs: ['SNAPPY'] });
// A cost column that holds text, one value of which is not a number (a bad-input test).
await con.run(`COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () = 100 THEN 'abc'
    ELSE CAST(line_item_unblended_cost AS VARCHAR) END AS line_item_unblended_cost) FROM cur2)
  TO ${q(out + '/bad_cost_text.parquet')} (FORMAT parquet)`);
// The Athena integration's status table, which sits beside the data and is not data.
await con.run(`COPY (SELECT 'READY' AS status) TO ${q(out + '/cost_and_usage_data_status.parquet')} (FORMAT parquet)`);

// The Rust parquet crate, one encoding forced per column type (dictionaries off), read back
// from the plain DuckDB file so the rows are the same as its twin's.
const plainBytes = readFileSync(`${out}/cur2_uncompressed.parquet`);
const cur2Cols = await columns('cur2');
function rust(name, { version, codec, stringEnc, doubleEnc, intEnc, pageBytes, rowGroup }) {
  let b = new pw.WriterPropertiesBuilder()
    .setWriterVersion(version).setCompression(codec).setDictionaryEnabled(false);
  if (pageBytes) b = b.setDataPageSizeLimit(pageBytes);
  if (rowGroup) b = b.setMaxRowGroupSize(rowGroup);
  const encodings = new Set();
  for (const { name: col, type } of cur2Cols) {
    if (type === 'VARCHAR' && stringEnc) { b = b.setColumnEncoding(col, stringEnc); }
    if (type === 'DOUBLE' && doubleEnc) { b = b.setColumnEncoding(col, doubleEnc); }
    if (type.startsWith('TIMESTAMP') && intEnc) { b = b.setColumnEncoding(col, intEnc); }
  }
  for (const e of [stringEnc, doubleEnc, intEnc]) if (e !== undefined) encodings.add(pw.Encoding[e]);
  // writeParquet takes the table: read it afresh for every file.
  const bytes = pw.writeParquet(pw.readParquet(plainBytes), b.build());
  writeFileSync(`${out}/${name}.parquet`, bytes);
  fixtures.push({ name, writer: 'parquet-rs', twin: 'cur2_uncompressed', encodings: [...encodings],
    codecs: [pw.Compression[codec]], page_v2: version === pw.WriterVersion.V2 });
}
const E = pw.Encoding, C = pw.Compression, V = pw.WriterVersion;
rust('rs_plain_v1', { version: V.V1, codec: C.SNAPPY, stringEnc: E.PLAIN, doubleEnc: E.PLAIN, intEnc: E.PLAIN, pageBytes: 4096 });
rust('rs_plain_v2', { version: V.V2, codec: C.ZSTD, stringEnc: E.PLAIN, doubleEnc: E.PLAIN, intEnc: E.PLAIN });
rust('rs_delta_v2', { version: V.V2, codec: C.GZIP, stringEnc: E.DELTA_BYTE_ARRAY, doubleEnc: E.BYTE_STREAM_SPLIT, intEnc: E.DELTA_BINARY_PACKED, pageBytes: 8192, rowGroup: 1000 });
rust('rs_delta_length_v1', { version: V.V1, codec: C.LZ4_RAW, stringEnc: E.DELTA_LENGTH_BYTE_ARRAY, doubleEnc: E.BYTE_STREAM_SPLIT, intEnc: E.DELTA_BINARY_PACKED });
rust('rs_brotli_v1', { version: V.V1, codec: C.BROTLI, stringEnc: E.DELTA_BYTE_ARRAY, doubleEnc: E.PLAIN, intEnc: E.DELTA_BINARY_PACKED });
rust('rs_lz4_hadoop_v1', { version: V.V1, codec: C.LZ4, stringEnc: E.PLAIN, doubleEnc: E.PLAIN, intEnc: E.PLAIN });

writeFileSync(`${out}/fixtures.json`, JSON.stringify(fixtures, null, 1));
console.error(`wrote ${fixtures.length} fixtures to ${out}`);
