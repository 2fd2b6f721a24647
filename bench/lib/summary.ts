import { cpus } from 'node:os'
import type { GeneratorProgress } from './generator'
import type { ProcessSampler } from './sampler'
import type { Verification } from './verify'
import type { GeneratorReport } from '../load-generator'

/** The part of the server's GET /metrics JSON the bench reads. */
export interface MetricsSample {
  at: number
  mqttMessagesReceived: number
  mqttMessagesProcessed: number
  valuesStored: number
  ingestPending: number
  ingestLagMs: { p50: number | null, p99: number | null }
  batches: number
  averageBatchSize: number
  batchRetries: number
  messagesPerSecond: number
}

export interface Summary {
  /** The steady window: after warm-up, until the generator stopped publishing. */
  window: { from: number, to: number, seconds: number }
  msgsPerSecond: number
  valuesPerSecond: number
  /** What the broker acknowledged to the generator in the same window (the offered load). */
  offeredMsgsPerSecond: number
  /** Everything stored, from the first publish to the end of the drain. */
  overallMsgsPerSecond: number
  /** How far the ingest was behind the broker when publishing stopped, and how long it took to catch up. */
  backlogAtStop: number
  drainSeconds: number | null
  drained: boolean
  /** Publish→commit delay (payload timestamp → commit), from /metrics, sampled each second. */
  latencyMs: { p50: number | null, p99: number | null, p99Max: number | null }
  cpuPercent: Record<string, number>
  machineCpuPercent: number
  /** CPU (% of one core) used by processes the bench did not start: non-zero means the figures are contended. */
  otherCpuPercent: number
  peakRssMb: Record<string, number>
  averageBatchSize: number
  batches: number
  batchRetries: number
  /** Messages the server received, against what the broker acknowledged to the generator: more means redeliveries. */
  received: number
  brokerAcked: number
}

const median = (xs: number[]) => {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** The last sample at or before `at`, else the first one. */
function sampleAt<T extends { at: number }>(samples: T[], at: number): T | undefined {
  let found: T | undefined
  for (const s of samples) if (s.at <= at) found = s
  return found ?? samples[0]
}

/** Warm-up left out of the steady figures: connections, PLC creation, JIT and caches settling. */
export function warmupMs(seconds: number): number {
  return Math.round(Math.max(2, Math.min(5, seconds * 0.15)) * 1000)
}

function rate<T extends { at: number }>(samples: T[], from: number, to: number, value: (s: T) => number): number {
  const a = sampleAt(samples, from)
  const b = sampleAt(samples, to)
  if (!a || !b || b.at <= a.at) return 0
  return (value(b) - value(a)) / ((b.at - a.at) / 1000)
}

export function summarise(o: {
  report: GeneratorReport
  progress: GeneratorProgress[]
  metrics: MetricsSample[]
  sampler: ProcessSampler
  drainedAt: number | null
}): Summary {
  const { report, metrics } = o
  const from = report.startedAt + warmupMs((report.stoppedPublishingAt - report.startedAt) / 1000)
  const to = report.stoppedPublishingAt
  const steady = metrics.filter(m => m.at >= from && m.at <= to)
  const last = metrics[metrics.length - 1]
  const atStop = sampleAt(metrics, to)
  const ackedAtStop = sampleAt(o.progress, to)?.acked.total ?? report.acked.total
  const end = o.drainedAt ?? last?.at ?? to
  const cpu = o.sampler.meanCpu(from, to)
  return {
    window: { from, to, seconds: (to - from) / 1000 },
    msgsPerSecond: rate(metrics, from, to, m => m.mqttMessagesProcessed),
    valuesPerSecond: rate(metrics, from, to, m => m.valuesStored),
    offeredMsgsPerSecond: rate(o.progress, from, to, p => p.acked.total),
    overallMsgsPerSecond: (last?.mqttMessagesProcessed ?? 0) / ((end - report.startedAt) / 1000),
    backlogAtStop: Math.max(0, ackedAtStop - (atStop?.mqttMessagesProcessed ?? 0)),
    drainSeconds: o.drainedAt ? Math.max(0, (o.drainedAt - to) / 1000) : null,
    drained: o.drainedAt !== null,
    latencyMs: {
      p50: median(steady.map(m => m.ingestLagMs.p50).filter((x): x is number => x !== null)),
      p99: median(steady.map(m => m.ingestLagMs.p99).filter((x): x is number => x !== null)),
      p99Max: steady.reduce<number | null>((a, m) => (m.ingestLagMs.p99 === null ? a : Math.max(a ?? 0, m.ingestLagMs.p99)), null)
    },
    cpuPercent: cpu.groups,
    machineCpuPercent: cpu.machine,
    otherCpuPercent: Math.max(0, cpu.machine * cpus().length - Object.values(cpu.groups).reduce((a, b) => a + b, 0)),
    peakRssMb: { ...o.sampler.peakRssMb },
    averageBatchSize: atStop?.averageBatchSize ?? 0,
    batches: last?.batches ?? 0,
    batchRetries: last?.batchRetries ?? 0,
    received: last?.mqttMessagesReceived ?? 0,
    brokerAcked: report.acked.total
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number | null) => (n === null ? 'n/a' : `${int(n)} ms`)

/** Targets of the brief; printed as PASS/FAIL, never adjusted. */
export const TARGETS = { msgsPerSecond: 10_000, valuesPerSecond: 100_000, serverRssMb: 400 }

/** A plain two-column table of one target's figures. */
export function formatTable(title: string, s: Summary, v: Verification, serverGroup = 'server'): string {
  const cpuParts = Object.entries(s.cpuPercent).map(([k, c]) => `${k} ${int(c)} %`).join(', ')
  const rows: [string, string][] = [
    ['sustained ingest (steady)', `${int(s.msgsPerSecond)} msg/s   ${int(s.valuesPerSecond)} values/s   (${s.window.seconds.toFixed(0)} s window)`],
    ['offered (broker-acked publishes)', `${int(s.offeredMsgsPerSecond)} msg/s`],
    ['overall (first publish → drained)', `${int(s.overallMsgsPerSecond)} msg/s`],
    ['backlog when publishing stopped', `${int(s.backlogAtStop)} msgs, drained in ${s.drainSeconds === null ? 'NOT DRAINED' : `${s.drainSeconds.toFixed(1)} s`}`],
    ['publish→commit p50 / p99 (max p99)', `${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p99)} (${ms(s.latencyMs.p99Max)})`],
    ['server CPU (% of one core)', `${int(s.cpuPercent[serverGroup] ?? 0)} %`],
    ['server peak RSS', `${int(s.peakRssMb[serverGroup] ?? 0)} MB`],
    ['CPU by process (% of one core)', `${cpuParts}, everything else ${int(s.otherCpuPercent)} %; machine ${int(s.machineCpuPercent)} % of ${cpus().length} cores`],
    ['published (broker-acked) / received', `${int(s.brokerAcked)} / ${int(s.received)}${s.received > s.brokerAcked ? ` (${int(s.received - s.brokerAcked)} redelivered)` : ''}`],
    ['batches / avg batch size / retries', `${int(s.batches)} / ${int(s.averageBatchSize)} msgs / ${int(s.batchRetries)}`],
    ['rows expected / stored / duplicates', `${int(v.expectedRows)} / ${int(v.storedRows)} / ${int(v.duplicates)}`],
    ['lost / dead letters / hourly count', `${int(v.lost)} / ${int(Object.values(v.deadLetters).reduce((a, b) => a + b, 0))} / ${int(v.hourlyCount)}`],
    ['verification', v.ok ? 'OK (every acknowledged seq stored once, all 10 values)' : `FAILED (${v.machineMismatches.length} machines, ${v.aStreamMismatches.length} shape A streams off)`]
  ]
  const width = Math.max(...rows.map(r => r[0].length))
  const checks = [
    [`≥ ${int(TARGETS.msgsPerSecond)} msg/s`, s.msgsPerSecond >= TARGETS.msgsPerSecond],
    [`≥ ${int(TARGETS.valuesPerSecond)} values/s`, s.valuesPerSecond >= TARGETS.valuesPerSecond],
    ['zero loss, no duplicates', v.ok],
    [`server RSS < ${TARGETS.serverRssMb} MB`, (s.peakRssMb[serverGroup] ?? 0) < TARGETS.serverRssMb]
  ] as const
  return [
    '',
    `=== ${title} ===`,
    ...rows.map(([k, val]) => `  ${k.padEnd(width)}  ${val}`),
    `  targets: ${checks.map(([k, ok]) => `${k} ${ok ? 'PASS' : 'FAIL'}`).join(' | ')}`,
    ''
  ].join('\n')
}
