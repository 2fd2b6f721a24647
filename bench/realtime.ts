/**
 * Live-stream benchmark (`tsx bench/realtime.ts`): publish→client latency of the WebSocket stream
 * (/ws) with many clients while the built server ingests a steady MQTT load. Prints figures and
 * saves them to bench/results/realtime-<timestamp>.json; it is not a test.
 *
 * It starts what bench/ingest.ts starts (a database of its own, a private Mosquitto, the built
 * server, bench/load-generator.ts as a separate process), plus a Firebase Auth emulator for the
 * demo users' tokens, and runs the WebSocket clients in a second process of this same script
 * (`--clients-process`), so neither competes with the server's process or with this one's sampling.
 * The generator puts the publish time in each payload's timestamp; a client's latency is its
 * receive time minus the event's `ts` (one machine, one clock). Every client also counts its
 * events against what the broker acknowledged for its filter: fewer means coalesced or dropped.
 *
 * Flags: --seconds N (30) --rate N (total msg/s, 5000) --clients N (1000) --plant-wide N (10 of the
 *   clients follow the whole plant; the rest one PLC each) --slow N (0; plant-wide clients that stop
 *   reading once subscribed, to watch coalescing and slow-client disconnects) --bus redis|memory (redis: this machine's Redis,
 *   as in production) --persist raw|hourly|both|none (PERSIST_DEFAULT_MODE; the server's default
 *   is both) --connections N (4 generator connections) --machines N (200) --profile (CPU profile of
 *   the server, summarised; the .cpuprofile stays in bench/results)
 *   --source mqtt|bus (mqtt: the load generator through the broker and the ingest; bus: events
 *   published straight onto Redis as the ingest publishes them after a commit, which measures the
 *   stream's own share of the latency)
 * PostgreSQL is the ingest's bottleneck on a small machine (README: ~5,000 msg/s stored at most on
 * 2 cores), and events go out only after their commit, so near that rate publish→commit queueing
 * dominates; `--persist none` (still live state and live stream, SPEC §5) takes the storage out.
 * Needs a build (`npm run build`); measures whatever .output holds.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { spawn, type ChildProcess } from 'node:child_process'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { Redis } from 'ioredis'
import pino from 'pino'
import WebSocket from 'ws'
import { startAuthEmulator } from '../server/auth/emulator'
import { DEMO_PASSWORD } from '../server/auth/demo-users'
import { plantChannel } from '../server/bus/events'
import { EMULATOR_PROJECT_ID } from '../server/config/env'
import { freePort, startServer, type RunningServer } from '../tests/support/server'
import { clearRedisPrefix, createTestDatabase, SERVICES, uniqueId } from '../tests/support/services'
import { choiceFlag, numberFlag, parseFlags, rejectUnknown } from './lib/args'
import { cleanupAll, installSignalHandlers, interrupted, onCleanup } from './lib/cleanup'
import { formatProfile, profilesIn, summariseProfile } from './lib/cpuprofile'
import { spawnGenerator, type GeneratorOptions } from './lib/generator'
import { startMosquitto, type Mosquitto } from './lib/mosquitto'
import { pidsByName, ProcessSampler } from './lib/sampler'
import type { GeneratorReport } from './load-generator'

const ROOT = resolve(import.meta.dirname, '..')
const RESULTS = resolve(ROOT, 'bench/results')
const SELF = resolve(ROOT, 'bench/realtime.ts')
const FLAGS = ['seconds', 'rate', 'clients', 'plant-wide', 'slow', 'bus', 'source', 'persist', 'connections', 'machines', 'profile'] as const
const PROFILER = resolve(ROOT, 'bench/lib/cpu-profile-preload.mjs')
const SCRUBBED_ENV = ['DATABASE_URL', 'MQTT_URL', 'REDIS_URL', 'MQTT_SHARED_GROUP', 'FIREBASE_PROJECT_ID', 'FIREBASE_AUTH_EMULATOR_HOST', 'NODE_OPTIONS']
// What bench/load-generator.ts publishes: the demo plant (granix/ba/planta-1), and per connection 5 shape A PLCs.
const DEMO_TENANT = 'granix'
const SITE = 'planta-1'
const A_PLCS_PER_CONNECTION = 5
const VIEWER = 'viewer@demo.local'
/** Latency histogram: 1 ms buckets; the last one holds everything slower. */
const MAX_LATENCY_MS = 60_000
const OPEN_CONCURRENCY = 50

interface Options {
  seconds: number
  rate: number
  clients: number
  plantWide: number
  slow: number
  bus: 'redis' | 'memory'
  source: 'mqtt' | 'bus'
  persist?: 'raw' | 'hourly' | 'both' | 'none'
  profile: boolean
  generator: Omit<GeneratorOptions, 'url' | 'protocol' | 'seconds' | 'rate'>
}

/** What one client follows, and whether it stops reading once subscribed. */
interface ClientPlan {
  plcId?: string
  slow: boolean
}

interface ClientsConfig {
  url: string
  token: string
  plans: ClientPlan[]
}

interface Percentiles { count: number, p50: number | null, p90: number | null, p99: number | null, p999: number | null, max: number | null }

interface ClientsReport {
  type: 'report'
  /** Telemetry events each client received, in plan order. */
  received: number[]
  /** Close codes of connections that closed before the end. */
  closes: Record<string, number>
  steady: Percentiles
  all: Percentiles
}

const log = (line: string) => process.stdout.write(`${line}\n`)
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const int = (n: number) => Math.round(n).toLocaleString('en-US')

function readOptions(): Options {
  const flags = parseFlags(process.argv.slice(2))
  rejectUnknown(flags, FLAGS)
  const clients = numberFlag(flags, 'clients', 1000, 1)
  const plantWide = Math.min(clients, numberFlag(flags, 'plant-wide', 10, 0))
  const slow = numberFlag(flags, 'slow', 0, 0)
  if (slow > plantWide) throw new Error('--slow counts plant-wide clients: it cannot exceed --plant-wide')
  const bus = choiceFlag(flags, 'bus', ['redis', 'memory'] as const, 'redis')
  const source = choiceFlag(flags, 'source', ['mqtt', 'bus'] as const, 'mqtt')
  if (source === 'bus' && bus !== 'redis') throw new Error('--source bus publishes on Redis: it needs --bus redis')
  return {
    seconds: numberFlag(flags, 'seconds', 30, 5),
    rate: numberFlag(flags, 'rate', 5000, 1),
    clients,
    plantWide,
    slow,
    bus,
    source,
    persist: flags.has('persist') ? choiceFlag(flags, 'persist', ['raw', 'hourly', 'both', 'none'] as const, 'both') : undefined,
    profile: flags.has('profile'),
    generator: { connections: numberFlag(flags, 'connections', 4, 1), window: 1000, machines: numberFlag(flags, 'machines', 200, 1), aRatio: 0.1 }
  }
}

/** The PLCs the generator publishes for (named as bench/load-generator.ts names them). */
function generatorPlcs(o: Options): string[] {
  const machines = Array.from({ length: o.generator.machines }, (_, i) => `bench-m-${String(i).padStart(4, '0')}`)
  const aPlcs = Array.from({ length: o.generator.connections }, (_, c) => Array.from({ length: A_PLCS_PER_CONNECTION }, (_, p) => `bench-a-${c}-${p}`)).flat()
  return [...machines, ...aPlcs]
}

/** Plant-wide clients first (the slow ones among them), then one PLC each, round robin. */
function plan(o: Options): ClientPlan[] {
  const plcs = generatorPlcs(o)
  return Array.from({ length: o.clients }, (_, i) => ({
    plcId: i < o.plantWide ? undefined : plcs[(i - o.plantWide) % plcs.length],
    slow: i < o.slow
  }))
}

/** What was offered: when, and how many events per PLC (broker-acknowledged, or put on the bus). */
interface Offered {
  startedAt: number
  stoppedAt: number
  total: number
  perPlc: Map<string, number>
}

function offeredByGenerator(report: GeneratorReport): Offered {
  const perPlc = new Map<string, number>()
  for (const m of report.machines) perPlc.set(m.machine, m.acked)
  for (const s of report.aStreams) perPlc.set(s.plc, (perPlc.get(s.plc) ?? 0) + s.acked)
  return { startedAt: report.startedAt, stoppedAt: report.stoppedPublishingAt, total: report.acked.total, perPlc }
}

/** Events each client should have had: everything offered for its filter. */
function expectedEvents(plans: ClientPlan[], offered: Offered): number[] {
  return plans.map(p => (p.plcId ? offered.perPlc.get(p.plcId) ?? 0 : offered.total))
}

async function signIn(emulatorUrl: string, email: string): Promise<string> {
  const res = await fetch(`${emulatorUrl}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=bench`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD, returnSecureToken: true })
  })
  const body = await res.json() as { idToken?: string, error?: { message: string } }
  if (!body.idToken) throw new Error(`sign-in of ${email} failed: ${body.error?.message}`)
  return body.idToken
}

// ---------------------------------------------------------------------------------------------
// The clients process: opens every connection, measures, and reports on stdin's "report" line.
// ---------------------------------------------------------------------------------------------

class Latencies {
  /** Per second of event timestamp, so the steady window can be chosen afterwards. */
  private bySecond = new Map<number, Uint32Array>()

  add(ts: number, latencyMs: number): void {
    const second = Math.floor(ts / 1000)
    let h = this.bySecond.get(second)
    if (!h) this.bySecond.set(second, (h = new Uint32Array(MAX_LATENCY_MS + 1)))
    h[Math.max(0, Math.min(MAX_LATENCY_MS, Math.round(latencyMs)))]!++
  }

  percentiles(fromMs = -Infinity, toMs = Infinity): Percentiles {
    const merged = new Uint32Array(MAX_LATENCY_MS + 1)
    for (const [second, h] of this.bySecond) {
      if (second * 1000 < fromMs || second * 1000 >= toMs) continue
      for (let i = 0; i < h.length; i++) merged[i]! += h[i]!
    }
    const count = merged.reduce((a, b) => a + b, 0)
    const at = (q: number) => {
      if (!count) return null
      let seen = 0
      for (let i = 0; i < merged.length; i++) if ((seen += merged[i]!) >= q * count) return i
      return MAX_LATENCY_MS
    }
    let max: number | null = null
    for (let i = merged.length - 1; i >= 0 && max === null; i--) if (merged[i]) max = i
    return { count, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max }
  }
}

function openClient(url: string, p: ClientPlan, onEvent: (ts: number) => void, onClose: (code: number) => void): Promise<void> {
  const target = new URL(url)
  target.searchParams.set('site', SITE)
  if (p.plcId) target.searchParams.set('plcId', p.plcId)
  // One process receives every client's messages: spare it UTF-8 validation and a JSON parse each.
  const socket = new WebSocket(target, { perMessageDeflate: false, skipUTF8Validation: true })
  return new Promise((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      const ts = telemetryTs(data)
      if (ts !== undefined) return onEvent(ts)
      const m = JSON.parse(String(data)) as { type: string, code?: string }
      if (m.type === 'subscribed') {
        // A slow client stops reading: the server's send buffer for it fills up.
        if (p.slow) (socket as unknown as { _socket: { pause(): void } })._socket.pause()
        resolve()
      } else if (m.type === 'error') reject(new Error(`subscribe refused: ${m.code}`))
    })
    socket.once('error', reject)
    socket.once('close', code => onClose(code))
  })
}

/**
 * The `ts` of a telemetry message, read from the bytes. The server writes `type` first and the
 * top-level `ts` before `values`, so the first `"ts":` is the event's own, not a metric's.
 */
function telemetryTs(data: Buffer): number | undefined {
  if (data.indexOf('"type":"telemetry"') !== 1) return undefined
  let ts = 0
  for (let i = data.indexOf('"ts":') + 5; data[i]! >= 0x30 && data[i]! <= 0x39; i++) ts = ts * 10 + data[i]! - 0x30
  return ts
}

async function runClients(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_REALTIME_CLIENTS!) as ClientsConfig
  const url = `${config.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(config.token)}`
  const received = config.plans.map(() => 0)
  const closes: Record<string, number> = {}
  const latencies = new Latencies()
  let finished = false
  const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)
  for (let i = 0; i < config.plans.length; i += OPEN_CONCURRENCY) {
    await Promise.all(config.plans.slice(i, i + OPEN_CONCURRENCY).map((p, k) => openClient(url, p, (ts) => {
      received[i + k]!++
      latencies.add(ts, Date.now() - ts)
    }, (code) => {
      if (!finished) closes[code] = (closes[code] ?? 0) + 1
    })))
  }
  emit({ type: 'ready', clients: config.plans.length })
  const progress = setInterval(() => emit({ type: 'progress', received: received.reduce((a, b) => a + b, 0) }), 1000)
  createInterface({ input: process.stdin }).on('line', (line) => {
    const { from, to } = JSON.parse(line) as { from: number, to: number }
    finished = true
    clearInterval(progress)
    emit({ type: 'report', received, closes, steady: latencies.percentiles(from, to), all: latencies.percentiles() } satisfies ClientsReport)
    process.exit(0)
  })
}

// ---------------------------------------------------------------------------------------------
// The bench itself.
// ---------------------------------------------------------------------------------------------

interface RunningClients {
  process: ChildProcess
  ready: Promise<void>
  received: () => number
  report: (window: { from: number, to: number }) => Promise<ClientsReport>
}

function spawnClients(config: ClientsConfig): RunningClients {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--clients-process'], {
    cwd: ROOT, env: { ...process.env, BENCH_REALTIME_CLIENTS: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'inherit']
  })
  let received = 0
  let onReady: () => void = () => {}
  let onReport: (r: ClientsReport) => void = () => {}
  const exited = new Promise<number | null>(r => child.once('exit', code => r(code)))
  const failed = exited.then(code => Promise.reject(new Error(`clients process exited with ${code}`)))
  failed.catch(() => {})
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = JSON.parse(line) as { type: 'ready' } | { type: 'progress', received: number } | ClientsReport
    if (m.type === 'ready') onReady()
    else if (m.type === 'progress') received = m.received
    else onReport(m)
  })
  return {
    process: child,
    ready: Promise.race([new Promise<void>(r => (onReady = r)), failed]),
    received: () => received,
    report: (window) => {
      child.stdin!.write(`${JSON.stringify(window)}\n`)
      return Promise.race([new Promise<ClientsReport>(r => (onReport = r)), failed])
    }
  }
}

interface MetricsSample { at: number, mqttMessagesProcessed: number, ingestPending: number, ingestLagMs: { p50: number | null, p99: number | null }, liveStream?: unknown }

/** GET /metrics about once a second; the live-stream counters are read from it where it has them. */
function pollMetrics(url: string): { samples: MetricsSample[], stop: () => void } {
  const samples: MetricsSample[] = []
  let stopped = false
  void (async () => {
    while (!stopped) {
      const t0 = Date.now()
      const m = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) }).then(r => r.json() as Promise<Omit<MetricsSample, 'at'>>).catch(() => undefined)
      if (m) samples.push({ ...m, at: Date.now() })
      await sleep(Math.max(0, 1000 - (Date.now() - t0)))
    }
  })()
  return { samples, stop: () => (stopped = true) }
}

/** Until the server has stored (and so published) everything the broker acknowledged. */
async function waitForDrain(samples: MetricsSample[], acked: number, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const m = samples[samples.length - 1]
    if (m && m.mqttMessagesProcessed >= acked && m.ingestPending === 0) return true
    await sleep(200)
  }
  return false
}

async function startParts(o: Options, profileDir: string | undefined) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pt-bench-realtime-'))
  onCleanup('remove data dir', () => rmSync(dataDir, { recursive: true, force: true }))
  const db = await createTestDatabase()
  onCleanup('drop database', () => db.drop())
  const broker = await startMosquitto({ port: await freePort(), maxInflight: 0, maxQueued: Math.max(1_000_000, o.seconds * o.rate * 2) })
  onCleanup('stop mosquitto', () => broker.stop())
  const emulator = await startAuthEmulator({ projectId: EMULATOR_PROJECT_ID, port: 0, dataDir, logger: pino({ level: 'silent' }) })
  onCleanup('stop auth emulator', () => emulator.stop())
  const prefix = uniqueId('bench_rt')
  if (o.bus === 'redis') onCleanup('clear redis prefix', () => clearRedisPrefix(prefix))
  const server = await startServer({
    NODE_ENV: 'development', FIREBASE_AUTH_EMULATOR_HOST: emulator.host, DATA_DIR: dataDir, DEMO_DATA: '1', SIMULATOR: '0', LOG_LEVEL: 'warn',
    DATABASE_URL: db.url, MQTT_URL: broker.url, MQTT_CLIENT_ID: uniqueId('bench-rt'), BUS_CHANNEL_PREFIX: prefix,
    ...(o.bus === 'redis' ? { REDIS_URL: SERVICES.redisUrl } : {}),
    ...(o.persist ? { PERSIST_DEFAULT_MODE: o.persist } : {}),
    // Node 20 refuses --cpu-prof in NODE_OPTIONS; the preload starts the inspector's profiler.
    ...(profileDir ? { NODE_OPTIONS: `--import ${PROFILER}`, BENCH_CPU_PROFILE_DIR: profileDir } : {})
  }, 120_000)
  const stopServer = onCleanup('stop server', () => server.stop())
  return { broker, emulator, server, prefix, stopServer }
}

function sampler(server: RunningServer, clients: ChildProcess, loadPid: () => number[], brokerPid: number): ProcessSampler {
  return new ProcessSampler({
    server: () => [server.process.pid!],
    clients: () => [clients.pid!],
    load: loadPid,
    mosquitto: () => [brokerPid],
    postgres: () => pidsByName('postgres'),
    redis: () => pidsByName('redis-server')
  })
}

interface Running {
  server: RunningServer
  broker: Mosquitto
  prefix: string
  clients: RunningClients
  metrics: { samples: MetricsSample[] }
  /** Starts sampling the load's process, once it exists. */
  sample: (loadPid: () => number[]) => ProcessSampler
}

/** The load generator through the broker and the ingest; done once everything acknowledged is stored. */
async function offerMqtt(o: Options, r: Running): Promise<{ offered: Offered, processes: ProcessSampler, drained: boolean }> {
  const generator = spawnGenerator({ ...o.generator, url: r.broker.url, protocol: 5, seconds: o.seconds, rate: o.rate })
  onCleanup('kill load generator', () => generator.kill())
  const processes = r.sample(() => [generator.pid])
  const ticker = progress(() => generator.progress.at(-1)?.acked.total ?? 0, r, processes)
  const report = await generator.report
  const drained = await waitForDrain(r.metrics.samples, report.acked.total)
  clearInterval(ticker)
  return { offered: offeredByGenerator(report), processes, drained }
}

/** Telemetry published straight onto the bus, shaped as the ingest publishes it (10 values, like shape B). */
async function offerBus(o: Options, r: Running): Promise<{ offered: Offered, processes: ProcessSampler, drained: boolean }> {
  const redis = new Redis(SERVICES.redisUrl, { enableAutoPipelining: true })
  const channel = plantChannel(r.prefix, DEMO_TENANT, SITE)
  const plcs = generatorPlcs(o)
  const perPlc = new Map<string, number>()
  const processes = r.sample(() => [process.pid])
  let sent = 0
  const ticker = progress(() => sent, r, processes)
  const startedAt = Date.now()
  while (Date.now() - startedAt < o.seconds * 1000) {
    const due = Math.floor(((Date.now() - startedAt) / 1000) * o.rate)
    for (; sent < due; sent++) {
      const plcId = plcs[sent % plcs.length]!
      const values = Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`v${k}`, Math.round(Math.random() * 100_000) / 100]))
      void redis.publish(channel, JSON.stringify({ type: 'telemetry', tenant: DEMO_TENANT, site: SITE, plcId, ts: Date.now(), values }))
      perPlc.set(plcId, (perPlc.get(plcId) ?? 0) + 1)
    }
    await sleep(2)
  }
  const stoppedAt = Date.now()
  await redis.quit()
  clearInterval(ticker)
  return { offered: { startedAt, stoppedAt, total: sent, perPlc }, processes, drained: true }
}

/** Until the clients have stopped receiving (the last events are on their way), a minute at most. */
async function settled(clients: RunningClients): Promise<void> {
  const deadline = Date.now() + 60_000
  let last = -1
  while (clients.received() !== last && Date.now() < deadline) {
    last = clients.received()
    await sleep(2000)
  }
}

function progress(offered: () => number, r: Running, processes: ProcessSampler): NodeJS.Timeout {
  return setInterval(() => {
    const s = processes.samples.at(-1)?.groups
    log(`  offered ${int(offered())}  delivered ${int(r.clients.received())}  server ${int(s?.server?.cpu ?? 0)} % CPU ${int(s?.server?.rssMb ?? 0)} MB  clients ${int(s?.clients?.cpu ?? 0)} % CPU`)
  }, 5000)
}

interface Result {
  options: Options
  clients: ClientsReport
  expected: { total: number, received: number, missing: number, clientsShort: number }
  offered: { total: number, perSecond: number }
  window: { from: number, to: number }
  cpuPercent: Record<string, number>
  machineCpuPercent: number
  peakRssMb: Record<string, number>
  /** Publish→commit as the server reports it (median over the steady window of its per-second p50 and p99): the ingest's share of the latency. */
  ingestLagMs: { p50: number | null, p99: number | null }
  serverLiveStats: unknown
  /** Slow-client disconnects the server logged: a paused client cannot see its own close. */
  slowDisconnectsLogged: number
  drained: boolean
}

async function main(): Promise<void> {
  installSignalHandlers()
  const o = readOptions()
  for (const k of SCRUBBED_ENV) Reflect.deleteProperty(process.env, k)
  const builtAt = new Date(statSync(resolve(ROOT, '.output/server/index.mjs'), { throwIfNoEntry: false })?.mtimeMs ?? 0)
  if (!builtAt.getTime()) throw new Error('.output/server/index.mjs is missing: run `npm run build` first')
  log(`measuring the build of ${builtAt.toISOString()}; ${title(o)}`)

  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const profileDir = o.profile ? join(RESULTS, `profile-realtime-${stamp}`) : undefined
  if (profileDir) mkdirSync(profileDir, { recursive: true })
  const { broker, emulator, server, prefix, stopServer } = await startParts(o, profileDir)
  const plans = plan(o)
  const clients = spawnClients({ url: server.url, token: await signIn(emulator.url, VIEWER), plans })
  onCleanup('stop clients', () => clients.process.kill('SIGKILL'))
  await clients.ready
  log(`  ${o.clients} clients connected and subscribed`)

  const metrics = pollMetrics(server.url)
  onCleanup('stop polling', () => metrics.stop())
  const sample = (loadPid: () => number[]) => {
    const processes = sampler(server, clients.process, loadPid, broker.process.pid!)
    processes.start()
    onCleanup('stop sampler', () => processes.stop())
    return processes
  }
  const running: Running = { server, broker, prefix, clients, metrics, sample }
  const { offered, processes, drained } = o.source === 'mqtt' ? await offerMqtt(o, running) : await offerBus(o, running)
  await settled(clients)
  processes.stop()
  metrics.stop()
  const window = { from: offered.startedAt + Math.min(5000, o.seconds * 150), to: offered.stoppedAt }
  const clientsReport = await clients.report(window)
  const result = summarise(o, clientsReport, offered, processes, window, metrics.samples, drained, server.logs.join(''))
  log(format(result))
  if (profileDir) {
    // The profile is written when the server exits.
    await stopServer()
    for (const file of profilesIn(profileDir)) log(formatProfile(summariseProfile(file)))
  }
  log(`  saved ${save(result, builtAt, stamp)}`)
}

function summarise(o: Options, c: ClientsReport, offered: Offered, processes: ProcessSampler, window: { from: number, to: number }, samples: MetricsSample[], drained: boolean, serverLog: string): Result {
  const plans = plan(o)
  const expected = expectedEvents(plans, offered)
  const fast = c.received.map((r, i) => ({ r, e: expected[i]!, slow: plans[i]!.slow })).filter(x => !x.slow)
  const total = fast.reduce((a, x) => a + x.e, 0)
  const received = fast.reduce((a, x) => a + Math.min(x.r, x.e), 0)
  const cpu = processes.meanCpu(window.from, window.to)
  return {
    options: o, clients: c, window, drained,
    offered: { total: offered.total, perSecond: offered.total / ((offered.stoppedAt - offered.startedAt) / 1000) },
    expected: { total, received, missing: total - received, clientsShort: fast.filter(x => x.r < x.e).length },
    cpuPercent: cpu.groups, machineCpuPercent: cpu.machine, peakRssMb: { ...processes.peakRssMb },
    ingestLagMs: o.source === 'mqtt' ? steadyIngestLag(samples, window) : { p50: null, p99: null },
    serverLiveStats: samples.at(-1)?.liveStream ?? null,
    slowDisconnectsLogged: serverLog.split('client too slow').length - 1
  }
}

function steadyIngestLag(samples: MetricsSample[], window: { from: number, to: number }): { p50: number | null, p99: number | null } {
  const steady = samples.filter(m => m.at >= window.from && m.at <= window.to)
  const median = (xs: (number | null)[]) => {
    const sorted = xs.filter((x): x is number => x !== null).sort((a, b) => a - b)
    return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null
  }
  return { p50: median(steady.map(m => m.ingestLagMs.p50)), p99: median(steady.map(m => m.ingestLagMs.p99)) }
}

const title = (o: Options) => `${o.clients} WebSocket clients (${o.plantWide} plant-wide, ${o.slow} slow), ${o.rate} events/s for ${o.seconds} s from ${o.source}, bus ${o.bus}, persist ${o.persist ?? 'default'}`

function format(r: Result): string {
  const p = (x: Percentiles) => `p50 ${x.p50 ?? '-'} ms  p90 ${x.p90 ?? '-'} ms  p99 ${x.p99 ?? '-'} ms  p99.9 ${x.p999 ?? '-'} ms  max ${x.max ?? '-'} ms  (${int(x.count)} events)`
  const from = r.options.source === 'mqtt' ? 'MQTT publish' : 'bus publish'
  const rows: [string, string][] = [
    [`offered (${r.options.source === 'mqtt' ? 'broker-acked publishes' : 'events put on the bus'})`, `${int(r.offered.total)} = ${int(r.offered.perSecond)}/s`],
    [`${from}→client latency, steady`, p(r.clients.steady)],
    [`${from}→client latency, whole run`, p(r.clients.all)],
    ...(r.options.source === 'mqtt' ? [['of which publish→commit (ingest)', `p50 ${r.ingestLagMs.p50 ?? '-'} ms  p99 ${r.ingestLagMs.p99 ?? '-'} ms`] as [string, string]] : []),
    ['events to clients (not slow)', `${int(r.expected.received)} of ${int(r.expected.total)} expected; missing ${int(r.expected.missing)} (coalesced or dropped), ${r.expected.clientsShort} clients short`],
    ['connections closed early (code: n)', `${JSON.stringify(r.clients.closes)}; slow-client disconnects in the server log: ${r.slowDisconnectsLogged}`],
    ['server live-stream counters', r.serverLiveStats ? JSON.stringify(r.serverLiveStats) : 'not in /metrics (yet)'],
    ['CPU by process (% of one core)', `${Object.entries(r.cpuPercent).map(([k, v]) => `${k} ${int(v)} %`).join(', ')}; machine ${int(r.machineCpuPercent)} % of ${cpus().length} cores`],
    // Non-zero means something else ran on the machine meanwhile, and the figures are contended.
    ['CPU of processes the bench did not start', `${int(Math.max(0, r.machineCpuPercent * cpus().length - Object.values(r.cpuPercent).reduce((a, b) => a + b, 0)))} %`],
    ['peak RSS', Object.entries(r.peakRssMb).map(([k, v]) => `${k} ${int(v)} MB`).join(', ')],
    ['ingest drained', r.drained ? 'yes' : 'NO']
  ]
  const width = Math.max(...rows.map(x => x[0].length))
  const pass = r.clients.steady.p99 !== null && r.clients.steady.p99 < 100
  return ['', `=== realtime: ${title(r.options)} ===`,
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), `  target: steady p99 < 100 ms ${pass ? 'PASS' : 'FAIL'}`, ''].join('\n')
}

function save(result: Result, builtAt: Date, stamp: string): string {
  mkdirSync(RESULTS, { recursive: true })
  const file = join(RESULTS, `realtime-${stamp}.json`)
  const environment = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, builtAt: builtAt.toISOString() }
  writeFileSync(file, `${JSON.stringify({ ...result, at: new Date().toISOString(), environment }, null, 2)}\n`)
  return file
}

if (process.argv.includes('--clients-process')) {
  runClients().catch((err) => {
    process.stderr.write(`bench clients failed: ${(err as Error).stack ?? err}\n`)
    process.exit(1)
  })
} else {
  main()
    .catch((err) => {
      if (!interrupted()) process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`)
      process.exitCode = 1
    })
    .finally(() => cleanupAll())
}
