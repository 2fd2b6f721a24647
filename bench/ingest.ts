/**
 * Ingest benchmark (`npm run bench:ingest`): how many MQTT messages per second the built server stores,
 * acknowledging QoS 1 only after commit, with zero loss. Prints figures; it is not a test.
 *
 *   postgres  a database of its own on this machine's PostgreSQL, and a Mosquitto of its own: the
 *             machine's broker on 1883 keeps Mosquitto's defaults, whose max_queued_messages 1000
 *             drops QoS 1 messages (already acknowledged to the publisher) as soon as the ingest falls
 *             behind, and which other tests' wildcard subscriptions share (bench/README.md).
 *   embedded  the zero-config start: PGlite in the server process and the embedded aedes broker.
 *
 * Flags: --target postgres|embedded|all (all) --seconds N (60; embedded 30) --embedded-seconds N
 *   --batch-size N (INGEST_BATCH_SIZE) --batch-max-ms N (INGEST_BATCH_MAX_MS) --inflight N
 *   (INGEST_MAX_INFLIGHT) --connections N (4) --window N (1000 unacked publishes per connection)
 *   --machines N (200) --a-ratio R (0.1) --rate N (total msg/s; 0 = as fast as the broker acks)
 *   --broker-inflight N (0 = unlimited; 20 is Mosquitto's default) --broker-max-queued N (default: enough
 *   for the whole run; 1000 is Mosquitto's default, which drops QoS 1 messages once the ingest falls
 *   behind) --drain-seconds N (300)
 *   --profile (CPU profile of the server; summary printed, .cpuprofile kept in bench/results)
 *   --build (run `npx nuxi build` first; otherwise only when .output is missing)
 *   --alarm-rules N (0; postgres only) N tenant-wide threshold rules on the generator's metrics v0…,
 *   limit 999 of values spread over 0–1000: about one value in a thousand raises, the next clears —
 *   a busy plant's alarm load, to measure what alarm evaluation costs the ingest
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import { openDatabase, type SqlClient } from '../server/db/client'
import { freePort, startServer, type RunningServer } from '../tests/support/server'
import { createTestDatabase, uniqueId } from '../tests/support/services'
import { choiceFlag, numberFlag, optionalNumberFlag, parseFlags, rejectUnknown } from './lib/args'
import { cleanupAll, installSignalHandlers, interrupted, onCleanup } from './lib/cleanup'
import { formatProfile, profilesIn, summariseProfile, type ProfileSummary } from './lib/cpuprofile'
import { spawnGenerator, type GeneratorOptions, type GeneratorProgress } from './lib/generator'
import { startMosquitto } from './lib/mosquitto'
import { pidsByName, ProcessSampler, type ProcessSample } from './lib/sampler'
import { formatTable, summarise, TARGETS, type MetricsSample, type Summary } from './lib/summary'
import { verifyRows, type Verification } from './lib/verify'
import type { GeneratorReport } from './load-generator'

const ROOT = resolve(import.meta.dirname, '..')
const RESULTS = resolve(ROOT, 'bench/results')
const PROFILER = resolve(ROOT, 'bench/lib/cpu-profile-preload.mjs')
const FLAGS = ['target', 'seconds', 'embedded-seconds', 'batch-size', 'batch-max-ms', 'inflight', 'connections', 'window',
  'machines', 'a-ratio', 'rate', 'broker-inflight', 'broker-max-queued', 'drain-seconds', 'profile', 'build', 'alarm-rules'] as const
// Variables of the caller's shell that would silently change what is measured (startServer passes
// process.env on to the server).
const SCRUBBED_ENV = ['DATABASE_URL', 'MQTT_URL', 'REDIS_URL', 'MQTT_SHARED_GROUP', 'MQTT_USERNAME', 'MQTT_PASSWORD',
  'MQTT_CA_PATH', 'MQTT_CERT_PATH', 'MQTT_KEY_PATH', 'MQTT_EMBEDDED_PORT', 'PERSIST_DEFAULT_MODE', 'NODE_OPTIONS']

type Target = 'postgres' | 'embedded'

interface BenchOptions {
  targets: Target[]
  seconds: Record<Target, number>
  serverEnv: Record<string, string>
  generator: Omit<GeneratorOptions, 'url' | 'protocol' | 'seconds'>
  brokerInflight: number
  brokerMaxQueued?: number
  drainSeconds: number
  profile: boolean
  build: boolean
  alarmRules: number
}

interface TargetResult {
  target: Target
  summary: Summary
  verification: Verification
  generator: GeneratorReport
  metrics: MetricsSample[]
  processes: ProcessSample[]
  profiles: ProfileSummary[]
  notes: string[]
}

function readOptions(): BenchOptions {
  const flags = parseFlags(process.argv.slice(2))
  rejectUnknown(flags, FLAGS)
  const target = choiceFlag(flags, 'target', ['postgres', 'embedded', 'all'], 'all')
  const seconds = optionalNumberFlag(flags, 'seconds', 1)
  const serverEnv: Record<string, string> = {}
  const batchSize = optionalNumberFlag(flags, 'batch-size', 1)
  const batchMaxMs = optionalNumberFlag(flags, 'batch-max-ms', 0)
  const inflight = optionalNumberFlag(flags, 'inflight', 1)
  if (batchSize !== undefined) serverEnv.INGEST_BATCH_SIZE = String(batchSize)
  if (batchMaxMs !== undefined) serverEnv.INGEST_BATCH_MAX_MS = String(batchMaxMs)
  if (inflight !== undefined) serverEnv.INGEST_MAX_INFLIGHT = String(inflight)
  return {
    targets: target === 'all' ? ['postgres', 'embedded'] : [target],
    seconds: { postgres: seconds ?? 60, embedded: numberFlag(flags, 'embedded-seconds', seconds ?? 30, 1) },
    serverEnv,
    generator: {
      connections: numberFlag(flags, 'connections', 4, 1),
      window: numberFlag(flags, 'window', 1000, 1),
      machines: numberFlag(flags, 'machines', 200, 1),
      aRatio: numberFlag(flags, 'a-ratio', 0.1, 0),
      rate: numberFlag(flags, 'rate', 0, 0)
    },
    brokerInflight: numberFlag(flags, 'broker-inflight', 0, 0),
    brokerMaxQueued: optionalNumberFlag(flags, 'broker-max-queued', 0),
    drainSeconds: numberFlag(flags, 'drain-seconds', 300, 1),
    profile: flags.has('profile'),
    build: flags.has('build'),
    alarmRules: numberFlag(flags, 'alarm-rules', 0, 0)
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const log = (line: string) => process.stdout.write(`${line}\n`)

/** Builds the server if there is no build (or --build); the bench measures the built output, never `nuxi dev`. */
function ensureBuilt(force: boolean): string {
  const entry = resolve(ROOT, '.output/server/index.mjs')
  if (force || !existsSync(entry)) {
    log(`${force ? '--build' : 'no .output/server/index.mjs'}: running \`npx nuxi build\` (~20 s)…`)
    execFileSync('npx', ['nuxi', 'build'], { cwd: ROOT, stdio: 'inherit' })
  }
  const builtAt = statSync(entry).mtimeMs
  log(`measuring the build of ${new Date(builtAt).toISOString()} (.output/server)`)
  // Migrations are read from drizzle/ at start-up, not bundled: a build older than them fails oddly.
  const stale = ['server', 'drizzle', 'nuxt.config.ts'].filter(p => newestMtime(resolve(ROOT, p)) > builtAt)
  if (stale.length) log(`WARNING: ${stale.join(', ')} changed after this build; figures may not match the source (use --build)`)
  return new Date(builtAt).toISOString()
}

/** Newest modification time of a file or anything under a directory. */
function newestMtime(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false })
  if (!st) return 0
  if (!st.isDirectory()) return st.mtimeMs
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), st.mtimeMs)
}

async function fetchJson<T>(url: string, timeoutMs = 5000): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  return (await res.json()) as T
}

/** Polls GET /metrics about once a second until stopped; a slow answer is itself a sign of load. */
function pollMetrics(url: string): { samples: MetricsSample[], latest: () => MetricsSample | undefined, stop: () => void } {
  const samples: MetricsSample[] = []
  let stopped = false
  void (async () => {
    while (!stopped) {
      const t0 = Date.now()
      try {
        const m = await fetchJson<Omit<MetricsSample, 'at'>>(`${url}/metrics`)
        samples.push({ ...m, at: Date.now() })
      } catch {
        // A missed sample only widens the interval between two others.
      }
      await sleep(Math.max(0, 1000 - (Date.now() - t0)))
    }
  })()
  return { samples, latest: () => samples[samples.length - 1], stop: () => (stopped = true) }
}

/** Waits until the server stored everything the broker acknowledged; null if it did not in time. */
async function waitForDrain(latest: () => MetricsSample | undefined, expected: number, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs
  let lastProcessed = -1
  let lastChange = Date.now()
  while (Date.now() < deadline) {
    const m = latest()
    if (m && m.mqttMessagesProcessed >= expected && m.ingestPending === 0) return m.at
    if (m && m.mqttMessagesProcessed !== lastProcessed) {
      lastProcessed = m.mqttMessagesProcessed
      lastChange = Date.now()
    }
    // Nothing moved for a minute: the rest is not coming (lost, or the server is stuck).
    if (Date.now() - lastChange > 60_000) return null
    await sleep(200)
  }
  return null
}

function progressLine(target: Target, m: MetricsSample | undefined, g: GeneratorProgress | undefined, cpu: number, rss: number): string {
  const int = (n: number) => Math.round(n).toLocaleString('en-US')
  return `  [${target}] acked by broker ${int(g?.acked.total ?? 0)}  stored ${int(m?.mqttMessagesProcessed ?? 0)}  `
    + `${int(m?.messagesPerSecond ?? 0)} msg/s  pending ${int(m?.ingestPending ?? 0)}  lag p99 ${m?.ingestLagMs.p99 ?? '-'} ms  `
    + `server ${int(cpu)} % CPU ${int(rss)} MB`
}

interface Measured {
  report: GeneratorReport
  progress: GeneratorProgress[]
  metrics: MetricsSample[]
  sampler: ProcessSampler
  drainedAt: number | null
}

/** Runs the generator against a started server, sampling processes and /metrics, then waits for the drain. */
async function measure(target: Target, server: RunningServer, gen: GeneratorOptions, o: BenchOptions, brokerPid?: number): Promise<Measured> {
  const metrics = pollMetrics(server.url)
  const stopPolling = onCleanup('stop polling', () => metrics.stop())
  const generator = spawnGenerator(gen)
  const killGenerator = onCleanup('kill load generator', () => generator.kill())
  const groups: Record<string, () => number[]> = {
    server: () => [server.process.pid!],
    generator: () => [generator.pid],
    postgres: () => (target === 'postgres' ? pidsByName('postgres') : [])
  }
  if (brokerPid) groups.mosquitto = () => [brokerPid]
  const sampler = new ProcessSampler(groups)
  sampler.start()
  const stopSampler = onCleanup('stop sampler', () => sampler.stop())
  const ticker = setInterval(() => {
    const s = sampler.samples[sampler.samples.length - 1]
    log(progressLine(target, metrics.latest(), generator.progress[generator.progress.length - 1], s?.groups.server?.cpu ?? 0, s?.groups.server?.rssMb ?? 0))
  }, 5000)
  try {
    await generator.startedAt
    log(`  [${target}] load generator running for ${gen.seconds} s (${gen.connections} connections × window ${gen.window}${gen.rate ? `, capped at ${gen.rate} msg/s` : ', unthrottled'})`)
    const report = await generator.report
    log(`  [${target}] generator done: ${report.acked.total.toLocaleString('en-US')} acknowledged by the broker (${report.failed} failed, ${report.unacked} unacknowledged); waiting for the server to drain…`)
    const drainedAt = await waitForDrain(metrics.latest, report.acked.total, o.drainSeconds * 1000)
    // One more sample after the drain, so the last figures are final.
    await sleep(1100)
    return { report, progress: generator.progress, metrics: metrics.samples, sampler, drainedAt }
  } finally {
    clearInterval(ticker)
    await stopSampler()
    await stopPolling()
    await killGenerator()
  }
}

/** The server env common to both targets; the profile goes to a directory of its own per run. */
function serverEnv(o: BenchOptions, profileDir: string | undefined): Record<string, string> {
  return {
    DEMO_DATA: '1',
    SIMULATOR: '0',
    LOG_LEVEL: 'warn',
    MQTT_CLIENT_ID: uniqueId('bench-ingest'),
    ...o.serverEnv,
    // Node 20 does not allow --cpu-prof in NODE_OPTIONS; a preload starts the inspector's profiler.
    ...(profileDir ? { NODE_OPTIONS: `--import ${PROFILER}`, BENCH_CPU_PROFILE_DIR: profileDir } : {})
  }
}

/** SIGTERM (the server drains and closes PGlite), then SIGKILL if it hangs. */
async function stopServer(server: RunningServer): Promise<void> {
  if (server.process.exitCode !== null || server.process.signalCode !== null) return
  const stopped = await Promise.race([server.stop().then(() => true), sleep(30_000).then(() => false)])
  if (!stopped) await server.kill()
}

async function startBenchServer(env: Record<string, string>): Promise<{ server: RunningServer, stop: () => Promise<void> }> {
  const server = await startServer(env, 120_000)
  const stop = onCleanup('stop server', () => stopServer(server))
  return { server, stop }
}

function profileDir(o: BenchOptions, target: Target, stamp: string): string | undefined {
  if (!o.profile) return undefined
  const dir = join(RESULTS, `profile-${target}-${stamp}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

async function withSql<T>(config: Parameters<typeof openDatabase>[0], fn: (sql: SqlClient) => Promise<T>): Promise<T> {
  const db = await openDatabase(config)
  try {
    return await fn(db.sql)
  } finally {
    await db.close()
  }
}

async function runPostgres(o: BenchOptions, stamp: string): Promise<TargetResult> {
  const db = await createTestDatabase()
  const dropDb = onCleanup('drop database', () => db.drop())
  const port = await freePort()
  // Enough queue for the whole run even if the server keeps up with none of it: a drop here would
  // show up as loss that is not the ingest's.
  const maxQueued = o.brokerMaxQueued ?? Math.max(1_000_000, o.seconds.postgres * 200_000)
  const broker = await startMosquitto({ port, maxInflight: o.brokerInflight, maxQueued })
  const stopBroker = onCleanup('stop mosquitto', () => broker.stop())
  const profiles = profileDir(o, 'postgres', stamp)
  log(`\n[postgres] database ${new URL(db.url).pathname.slice(1)}, private mosquitto on ${broker.url} (max_inflight_messages ${o.brokerInflight || 'unlimited'}, max_queued_messages ${maxQueued || 'unlimited'})`)
  const { server, stop } = await startBenchServer({ ...serverEnv(o, profiles), DATABASE_URL: db.url, MQTT_URL: broker.url })
  if (o.alarmRules) await withSql({ kind: 'postgres', url: db.url, max: 1 }, sql => addAlarmRules(sql, o.alarmRules))
  const m = await measure('postgres', server, { ...o.generator, url: broker.url, protocol: 5, seconds: o.seconds.postgres }, o, broker.process.pid)
  await stop()
  const verification = await withSql({ kind: 'postgres', url: db.url, max: 1 }, sql => verifyRows(sql, m.report))
  const alarms = o.alarmRules ? await withSql({ kind: 'postgres', url: db.url, max: 1 }, sql => countAlarms(sql)) : undefined
  const notes = [...serverNotes(server), ...(alarms ? [`alarm rules: ${o.alarmRules}; alarms raised ${alarms.raised}, cleared ${alarms.cleared}`] : []), ...(broker.log.length ? [`mosquitto logged: ${broker.log.join('').slice(0, 2000)}`] : [])]
  await stopBroker()
  await dropDb()
  return finish('postgres', m, verification, profiles, notes)
}

async function runEmbedded(o: BenchOptions, stamp: string): Promise<TargetResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pt-bench-embedded-'))
  const removeDir = onCleanup('remove data dir', () => rmSync(dataDir, { recursive: true, force: true }))
  const profiles = profileDir(o, 'embedded', stamp)
  log(`\n[embedded] PGlite in ${dataDir}/pglite, embedded aedes broker`)
  const { server, stop } = await startBenchServer({ ...serverEnv(o, profiles), DATA_DIR: dataDir })
  const health = await fetchJson<{ parts: { mqtt: { brokerUrl: string } } }>(`${server.url}/health`)
  const url = health.parts.mqtt.brokerUrl
  log(`[embedded] broker at ${url} (from /health)`)
  // aedes speaks MQTT 3.1.1 only (STACK-NOTES 4).
  const m = await measure('embedded', server, { ...o.generator, url, protocol: 4, seconds: o.seconds.embedded }, o)
  // The PGlite directory is locked while the server runs: stop it (it drains and closes), then count.
  await stop()
  const verification = await withSql({ kind: 'pglite', dataDir: join(dataDir, 'pglite') }, sql => verifyRows(sql, m.report))
  await removeDir()
  return finish('embedded', m, verification, profiles, serverNotes(server))
}

/** Tenant-wide rules on the generator's metrics (tenant granix), before any value arrives. */
async function addAlarmRules(sql: SqlClient, n: number): Promise<void> {
  await sql.query(`insert into alarm_rules (tenant_id, metric, name, max, severity)
    select t.id, 'v' || g, 'bench v' || g, 999, 'low' from tenants t, generate_series(0, $1 - 1) g where t.slug = 'granix'`, [n])
  log(`  [postgres] ${n} alarm rule(s) on v0…v${n - 1}, max 999`)
}

async function countAlarms(sql: SqlClient): Promise<{ raised: number, cleared: number }> {
  const [row] = await sql.query<{ raised: number, cleared: number }>(
    `select count(*)::int as raised, count(*) filter (where state = 'cleared')::int as cleared from alarms`)
  return row!
}

/** The server's warnings (LOG_LEVEL=warn): reconnects and retries explain odd figures. */
function serverNotes(server: RunningServer): string[] {
  const lines = server.logs.join('').split('\n').filter(l => l.trim())
  if (!lines.length) return []
  return [`server logged ${lines.length} line(s); last ones:\n    ${lines.slice(-15).map(l => l.slice(0, 300)).join('\n    ')}`]
}

function finish(target: Target, m: Measured, verification: Verification, profiles: string | undefined, notes: string[]): TargetResult {
  const summary = summarise(m)
  const summaries = profiles ? profilesIn(profiles).map(f => summariseProfile(f)) : []
  return { target, summary, verification, generator: m.report, metrics: m.metrics, processes: m.sampler.samples, profiles: summaries, notes }
}

/** Writes the figures and every sample; `builtAt` says which build was measured (the tree moves). */
function save(result: TargetResult, o: BenchOptions, stamp: string, builtAt: string): string {
  mkdirSync(RESULTS, { recursive: true })
  const file = join(RESULTS, `ingest-${result.target}-${stamp}.json`)
  const environment = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, platform: process.platform, builtAt }
  writeFileSync(file, `${JSON.stringify({ ...result, at: new Date().toISOString(), environment, options: o, goals: TARGETS }, null, 2)}\n`)
  return file
}

const TITLES: Record<Target, (o: BenchOptions) => string> = {
  postgres: o => `postgres: PostgreSQL + private Mosquitto, ${o.seconds.postgres} s`,
  embedded: o => `embedded: PGlite + aedes (zero-config defaults), ${o.seconds.embedded} s`
}

async function main(): Promise<void> {
  installSignalHandlers()
  const o = readOptions()
  for (const k of SCRUBBED_ENV) Reflect.deleteProperty(process.env, k)
  const builtAt = ensureBuilt(o.build)
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const results: TargetResult[] = []
  for (const target of o.targets) {
    const result = target === 'postgres' ? await runPostgres(o, stamp) : await runEmbedded(o, stamp)
    results.push(result)
    log(formatTable(TITLES[target](o), result.summary, result.verification))
    for (const p of result.profiles) log(formatProfile(p))
    for (const n of result.notes) log(`  note: ${n}`)
    if (!result.verification.ok) log(`  mismatches: ${JSON.stringify({ machines: result.verification.machineMismatches.slice(0, 5), a: result.verification.aStreamMismatches.slice(0, 5), deadLetters: result.verification.deadLetters })}`)
    log(`  saved ${save(result, o, stamp, builtAt)}`)
  }
}

main()
  .catch((err) => {
    if (!interrupted()) process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`)
    process.exitCode = 1
  })
  .finally(() => cleanupAll())
