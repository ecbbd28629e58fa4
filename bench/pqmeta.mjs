import { DuckDBInstance } from '@duckdb/node-api';
const [sql] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const r = await con.runAndReadAll(sql);
for (const row of r.getRowObjectsJson()) console.log(JSON.stringify(row));
