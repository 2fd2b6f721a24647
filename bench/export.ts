/**
 * Export benchmark (`npm run bench:export`): how fast the built server streams a multi-million-row CSV
 * export, and whether its memory stays flat while it does. Prints figures; it is not a test.
 *
 * Loads one PLC with 4 metrics at 1 s for 6 days (2,073,600 rows, the same loader as bench:history)
 * into a PostgreSQL database of its own, then downloads `export.csv` of all of it once (raw rows, and
 * once `bucket=1m`) as a client reading as fast as it can, sampling the server's RSS every 200 ms.
 * The request carries a signed ID token checked as in production.
 *
 * Flags: --days N (6) --metrics N (4) --keep (keep the database)
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import postgres from 'postgres'
import { startServer } from '../tests/support/server'
import { createTestDatabase, createTestDataDir, uniqueId } from '../tests/support/services'
import { createSigningKey, idTokenClaims, serveCertificates, signToken } from '../tests/support/signed-tokens'
import { numberFlag, parseFlags, rejectUnknown } from './lib/args'
import { cleanupAll, installSignalHandlers, onCleanup } from './lib/cleanup'
import { loadRows } from './lib/history-rows'
import { ProcessSampler } from './lib/sampler'

const ROOT = resolve(import.meta.dirname, '..')
const PRELOAD = resolve(ROOT, 'tests/support/google-certs-preload.mjs')
const RESULTS = resolve(ROOT, 'bench/results')
const PROJECT = 'demo-plant-telemetry'
const DAY_MS = 86_400_000

interface Download { name: string, rows: number, bytes: number, seconds: number, firstByteMs: number, rowsPerS: number, mbPerS: number, rssBeforeMb: number, peakRssMb: number }

async function main() {
  const flags = parseFlags(process.argv.slice(2))
  rejectUnknown(flags, ['days', 'metrics', 'keep'])
  const days = numberFlag(flags, 'days', 6, 1)
  const metrics = numberFlag(flags, 'metrics', 4, 1)
  installSignalHandlers()

  const db = await createTestDatabase()
  if (!flags.has('keep')) onCleanup('database', db.drop)
  const sql = postgres(db.url, { max: 2, onnotice: () => {} })
  onCleanup('sql', () => sql.end())
  const key = createSigningKey('bench-kid')
  const certs = await serveCertificates([key])
  onCleanup('certificates', () => certs.server.close())
  const data = createTestDataDir()
  onCleanup('data dir', data.remove)
  mkdirSync(RESULTS, { recursive: true })
  const server = await startServer({
    DATABASE_URL: db.url, DATA_DIR: data.dir, MQTT_EMBEDDED_PORT: '0', LOG_LEVEL: 'warn', NODE_OPTIONS: `--import ${PRELOAD}`, GOOGLE_CERTS_URL: certs.url
  }, 120_000)
  const stopServer = onCleanup('server', () => server.stop())

  const now = Math.floor(Date.now() / 1000) * 1000
  const rows = await loadRows(sql, { days, metrics, now })
  const uid = uniqueId('bench')
  const [tenant] = await sql`select id from tenants where slug = 'bench'`
  await sql`insert into users (firebase_uid, email, tenant_id, role) values (${uid}, ${`${uid}@bench.local`}, ${tenant!.id}, 'viewer')`
  const token = signToken(key, idTokenClaims(PROJECT, uid, `${uid}@bench.local`))

  const metricList = Array.from({ length: metrics }, (_, i) => `m${i}`).join(',')
  const base = `${server.url}/api/telemetry/line-1/plc-01/export.csv?metric=${metricList}&from=${now - days * DAY_MS}&to=${now}`
  const results: Download[] = []
  try {
    results.push(await download('raw', base, token, server.process.pid!))
    results.push(await download('1m', `${base}&bucket=1m`, token, server.process.pid!))
  } catch (err) {
    process.stderr.write(server.logs.join('').slice(-3000))
    throw err
  }
  await stopServer()
  const report = { at: new Date().toISOString(), rowsInTable: rows, days, metrics, results }
  printReport(report)
  const file = resolve(RESULTS, `export-${report.at.replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(report, null, 2))
  process.stdout.write(`saved ${file}\n`)
}

/** Reads the whole export as fast as possible, counting records (values are numbers: one line each). */
async function download(name: string, url: string, token: string, pid: number): Promise<Download> {
  const sampler = new ProcessSampler({ server: () => [pid] })
  sampler.sample()
  const rssBeforeMb = sampler.peakRssMb.server ?? 0
  sampler.start(200)
  const started = performance.now()
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  if (!res.ok || !res.body) throw new Error(`${name}: ${res.status} ${await res.text()}`)
  let lines = 0
  let bytes = 0
  let firstByteMs = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    if (!bytes) firstByteMs = performance.now() - started
    bytes += chunk.length
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
  }
  const seconds = (performance.now() - started) / 1000
  sampler.stop()
  const rows = lines - 1
  return {
    name, rows, bytes, seconds, firstByteMs, rowsPerS: rows / seconds, mbPerS: bytes / 1e6 / seconds,
    rssBeforeMb, peakRssMb: sampler.peakRssMb.server ?? 0
  }
}

function printReport(r: { rowsInTable: number, results: Download[] }) {
  process.stdout.write(`\nCSV export of a table with ${r.rowsInTable.toLocaleString('en')} rows\n`)
  process.stdout.write('export  rows        MB      s      rows/s    MB/s  first byte  server RSS before → peak\n')
  for (const d of r.results) {
    process.stdout.write(`${d.name.padEnd(7)} ${d.rows.toLocaleString('en').padStart(10)} ${(d.bytes / 1e6).toFixed(1).padStart(7)} ${d.seconds.toFixed(1).padStart(6)} ${Math.round(d.rowsPerS).toLocaleString('en').padStart(10)} ${d.mbPerS.toFixed(1).padStart(7)} ${d.firstByteMs.toFixed(0).padStart(8)} ms  ${d.rssBeforeMb.toFixed(0)} → ${d.peakRssMb.toFixed(0)} MB\n`)
  }
}

main().then(cleanupAll, async (err) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  await cleanupAll()
  process.exit(1)
})
