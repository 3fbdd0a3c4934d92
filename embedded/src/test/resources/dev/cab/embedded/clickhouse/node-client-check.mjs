// Drives @clickhouse/client (the official Node.js client) against a ClickHouse HTTP URL and prints
// what it saw as one JSON document; NodeClickHouseClientIT asserts on it.
// Usage: node node-client-check.mjs <url> <database>
import { createClient } from '@clickhouse/client'

const [url, database] = process.argv.slice(2)
const modes = {
  gzipResponses: { request: false, response: true },
  gzipBothWays: { request: true, response: true },
  plain: { request: false, response: false },
}
const results = {}
for (const [name, compression] of Object.entries(modes)) {
  const client = createClient({ url, database, compression, log: { level: 127 } })
  const r = {}
  r.ping = (await client.ping()).success
  const table = `node_${name}`
  await client.command({
    query: `CREATE TABLE ${table} (id UInt32, s String, ts DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY id`,
  })
  await client.insert({
    table,
    values: [
      { id: 1, s: 'two\n\nlines', ts: '2026-11-23 12:00:00.123' },
      { id: 2, s: 'ü', ts: '2026-11-23 12:00:01.000' },
    ],
    format: 'JSONEachRow',
  })
  const rows = await client.query({
    query: `SELECT id, s, ts FROM ${table} WHERE id >= {min:UInt32} ORDER BY id`,
    query_params: { min: 1 },
    format: 'JSONEachRow',
  })
  r.rows = await rows.json()
  const big = await client.query({ query: 'SELECT number FROM numbers(200000)', format: 'JSONCompactEachRow' })
  r.bigRows = (await big.json()).length
  try {
    await client.query({ query: 'SELECT * FROM no_such_table' })
  } catch (e) {
    r.error = { code: e.code, type: e.type }
  }
  await client.close()
  results[name] = r
}
console.log(JSON.stringify(results))
