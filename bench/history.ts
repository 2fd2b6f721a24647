/**
 * History benchmark (`npm run bench:history`): how fast the built server answers chart queries over a
 * large table. Prints figures; it is not a test.
 *
 * Loads ~10 M rows into a PostgreSQL database of its own (one PLC, 4 metrics at 1 s for 30 days, in
 * daily partitions, with the per-minute and hourly aggregates ingest keeps), then drives queries with autocannon:
 *   24h  one metric over the last 24 h, `bucket=auto` (5-minute buckets, 288 points)
 *   30d  one metric over 30 days, `bucket=auto` (hourly aggregates, 720 points)
 *   raw  one page of 1,000 raw rows
 * Targets: 24 h p95 < 50 ms; 30 days < 200 ms. Requests carry a signed ID token checked as in
 * production (the server's certificate fetch goes to a local stand-in, tests/support/google-certs-preload.mjs).
 *
 * Flags: --days N (30) --metrics N (4) --seconds N (10 per query) --connections N (10) --keep (keep the database)
 *   --profile (CPU profile of the server over all queries; summary printed, .cpuprofile kept in bench/results)
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import autocannon from 'autocannon'
import postgres from 'postgres'
import { startServer } from '../tests/support/server'
import { createTestDatabase, createTestDataDir, uniqueId } from '../tests/support/services'
import { createSigningKey, idTokenClaims, serveCertificates, signToken } from '../tests/support/signed-tokens'
import { numberFlag, parseFlags, rejectUnknown } from './lib/args'
import { cleanupAll, installSignalHandlers, onCleanup } from './lib/cleanup'
import { formatProfile, profilesIn, summariseProfile } from './lib/cpuprofile'
import { loadRows } from './lib/history-rows'

const ROOT = resolve(import.meta.dirname, '..')
const PRELOAD = resolve(ROOT, 'tests/support/google-certs-preload.mjs')
const PROFILER = resolve(ROOT, 'bench/lib/cpu-profile-preload.mjs')
const RESULTS = resolve(ROOT, 'bench/results')
const PROJECT = 'demo-plant-telemetry'
const DAY_MS = 86_400_000
const TARGET_MS = { '24h': 50, '30d': 200 } as const

interface QueryResult { name: string, path: string, points: number, requests: number, rps: number, p50: number, p95: number, p99: number, errors: number }

async function main() {
  const flags = parseFlags(process.argv.slice(2))
  rejectUnknown(flags, ['days', 'metrics', 'seconds', 'connections', 'keep', 'profile'])
  const days = numberFlag(flags, 'days', 30, 1)
  const metrics = numberFlag(flags, 'metrics', 4, 1)
  const seconds = numberFlag(flags, 'seconds', 10, 1)
  const connections = numberFlag(flags, 'connections', 10, 1)
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
  const profileDir = flags.has('profile') ? mkdtempSync(resolve(RESULTS, 'history-profile-')) : undefined
  // Node 20 does not allow --cpu-prof in NODE_OPTIONS; a preload starts the inspector's profiler.
  const preloads = [PRELOAD, ...(profileDir ? [PROFILER] : [])].map(f => `--import ${f}`).join(' ')
  const server = await startServer({
    DATABASE_URL: db.url, DATA_DIR: data.dir, MQTT_EMBEDDED_PORT: '0', LOG_LEVEL: 'warn', NODE_OPTIONS: preloads, GOOGLE_CERTS_URL: certs.url,
    ...(profileDir ? { BENCH_CPU_PROFILE_DIR: profileDir } : {})
  }, 120_000)
  const stopServer = onCleanup('server', () => server.stop())

  const now = Math.floor(Date.now() / 1000) * 1000
  const rows = await loadRows(sql, { days, metrics, now })
  const uid = uniqueId('bench')
  const [tenant] = await sql`select id from tenants where slug = 'bench'`
  await sql`insert into users (firebase_uid, email, tenant_id, role) values (${uid}, ${`${uid}@bench.local`}, ${tenant!.id}, 'viewer')`
  const token = signToken(key, idTokenClaims(PROJECT, uid, `${uid}@bench.local`))

  const base = `/api/telemetry/line-1/plc-01?metric=m0`
  const queries = [
    { name: '24h', path: `${base}&bucket=auto&from=${now - DAY_MS}&to=${now}` },
    { name: '30d', path: `${base}&bucket=auto&from=${now - days * DAY_MS}&to=${now}` },
    { name: 'raw', path: `${base}&from=${now - DAY_MS}&to=${now}&limit=1000` }
  ]
  const results: QueryResult[] = []
  try {
    for (const q of queries) results.push(await measure(server.url, token, q, { seconds, connections }))
  } catch (err) {
    process.stderr.write(server.logs.join('').slice(-3000))
    throw err
  }

  await stopServer()
  const profiles = profileDir ? profilesIn(profileDir).map(f => summariseProfile(f)) : []
  const report = { at: new Date().toISOString(), rows, days, metrics, connections, seconds, results, profiles }
  printReport(report)
  for (const p of profiles) process.stdout.write(formatProfile(p))
  const file = resolve(RESULTS, `history-${report.at.replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(report, null, 2))
  process.stdout.write(`saved ${file}\n`)
}

async function measure(url: string, token: string, q: { name: string, path: string }, o: { seconds: number, connections: number }): Promise<QueryResult> {
  const first = await fetch(`${url}${q.path}`, { headers: { authorization: `Bearer ${token}` } })
  const body = await first.json() as { items?: unknown[], bucket?: string }
  if (!first.ok || !body.items) throw new Error(`${q.name}: ${first.status} ${JSON.stringify(body).slice(0, 300)}`)
  const r = await autocannon({ url: `${url}${q.path}`, connections: o.connections, duration: o.seconds, headers: { authorization: `Bearer ${token}` } })
  return {
    name: q.name, path: q.path, points: body.items.length, requests: r.requests.total, rps: r.requests.average,
    p50: r.latency.p50, p95: percentile95(r), p99: r.latency.p99, errors: r.errors + r.non2xx
  }
}

// autocannon reports p90 and p97.5, not p95: interpolate between them.
function percentile95(r: autocannon.Result): number {
  return r.latency.p90 + (r.latency.p97_5 - r.latency.p90) * (5 / 7.5)
}

function printReport(r: { rows: number, results: QueryResult[], connections: number }) {
  process.stdout.write(`\nhistory queries over ${r.rows.toLocaleString()} rows, ${r.connections} connections\n`)
  process.stdout.write('query  points   req/s    p50 ms  p95 ms  p99 ms  errors  target\n')
  for (const q of r.results) {
    const target = TARGET_MS[q.name as keyof typeof TARGET_MS]
    const verdict = target === undefined ? '' : `${q.p95 < target ? 'met' : 'MISSED'} (p95 < ${target} ms)`
    process.stdout.write(`${q.name.padEnd(6)} ${String(q.points).padStart(6)} ${q.rps.toFixed(0).padStart(7)} ${q.p50.toFixed(1).padStart(9)} ${q.p95.toFixed(1).padStart(7)} ${q.p99.toFixed(1).padStart(7)} ${String(q.errors).padStart(7)}  ${verdict}\n`)
  }
}

main().then(cleanupAll, async (err) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  await cleanupAll()
  process.exit(1)
})
