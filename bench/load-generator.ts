/**
 * The ingest benchmark's load generator, run as its own process so its CPU is not the server's and
 * the bench can sample each separately.
 *
 * It publishes QoS 1 as fast as the broker acknowledges (or at --rate msg/s) over several
 * connections, each with a window of unacknowledged publishes: mqtt.js itself has no such limit and
 * would queue without bound. Mostly shape B (one machine's 10 values per message, keyed by seq) and
 * some shape A (one value per message). Every machine is owned by one connection, so its seqs go out
 * in order and are contiguous from 0: the bench can check the database machine by machine.
 *
 * stdout carries JSON lines only: `ready`, a `progress` line a second, then one `report`.
 * Usage: tsx bench/load-generator.ts --url mqtt://127.0.0.1:1883 [--protocol 4|5] [--seconds 60]
 *   [--connections 4] [--window 1000] [--machines 200] [--a-ratio 0.1] [--rate 0]
 */
import mqtt, { type MqttClient } from 'mqtt'
import { choiceFlag, numberFlag, parseFlags, rejectUnknown } from './lib/args'
import type { GeneratorOptions } from './lib/generator'

const TENANT = 'granix'
const PROVINCE = 'ba'
const PLANT = 'planta-1'
const METRICS_PER_B = 10
// Shape A streams per connection: PLCs × metrics. The shape A key is gateway|plc|metric|timestamp,
// so each stream needs strictly increasing timestamps; enough streams keep them close to real time.
const A_PLCS = 5
const A_METRICS = 10

type Options = GeneratorOptions

interface MachineCounter { machine: string, published: number, acked: number }
interface AStream { gateway: string, plc: string, metric: string, lastTs: number, published: number, acked: number }

/** What one connection publishes and what the broker has acknowledged. */
interface Lane {
  index: number
  client: MqttClient
  machines: MachineCounter[]
  streams: AStream[]
  nextMachine: number
  nextStream: number
  aCredit: number
  inflight: number
  sent: number
  failed: number
  closed: boolean
  pumpScheduled: boolean
}

export interface GeneratorReport {
  type: 'report'
  url: string
  startedAt: number
  stoppedPublishingAt: number
  endedAt: number
  connections: number
  window: number
  published: { b: number, a: number, total: number }
  acked: { b: number, a: number, total: number }
  failed: number
  unacked: number
  /** Contiguous seqs 0…published-1 per machine. */
  machines: MachineCounter[]
  aStreams: { gateway: string, plc: string, metric: string, published: number, acked: number }[]
}

function readOptions(): Options {
  const flags = parseFlags(process.argv.slice(2))
  rejectUnknown(flags, ['url', 'protocol', 'seconds', 'connections', 'window', 'machines', 'a-ratio', 'rate'])
  const url = flags.get('url')
  if (!url) throw new Error('--url is required')
  return {
    url,
    protocol: choiceFlag(flags, 'protocol', ['4', '5'], '5') === '4' ? 4 : 5,
    seconds: numberFlag(flags, 'seconds', 60, 1),
    connections: numberFlag(flags, 'connections', 4, 1),
    window: Math.min(65000, numberFlag(flags, 'window', 1000, 1)),
    machines: numberFlag(flags, 'machines', 200, 1),
    aRatio: Math.min(1, numberFlag(flags, 'a-ratio', 0.1, 0)),
    rate: numberFlag(flags, 'rate', 0, 0)
  }
}

const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)

function connect(o: Options, index: number): Promise<MqttClient> {
  const client = mqtt.connect(o.url, {
    clientId: `bench-gen-${process.pid}-${index}`,
    protocolVersion: o.protocol,
    clean: true,
    // A dropped connection is a failed run, not something to paper over with reconnects.
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 60
  })
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client))
    client.once('error', reject)
  })
}

function machineName(i: number): string {
  return `bench-m-${String(i).padStart(4, '0')}`
}

function newLane(index: number, client: MqttClient, o: Options): Lane {
  const machines: MachineCounter[] = []
  for (let m = index; m < o.machines; m += o.connections) machines.push({ machine: machineName(m), published: 0, acked: 0 })
  const streams: AStream[] = []
  for (let p = 0; p < A_PLCS; p++) {
    for (let k = 0; k < A_METRICS; k++) {
      streams.push({ gateway: `bench-gw-${index}`, plc: `bench-a-${index}-${p}`, metric: `a${k}`, lastTs: 0, published: 0, acked: 0 })
    }
  }
  return { index, client, machines, streams, nextMachine: 0, nextStream: 0, aCredit: 0, inflight: 0, sent: 0, failed: 0, closed: false, pumpScheduled: false }
}

function shapeB(m: MachineCounter): { topic: string, payload: string } {
  const values: Record<string, number> = {}
  for (let k = 0; k < METRICS_PER_B; k++) values[`v${k}`] = Math.round(Math.random() * 100_000) / 100
  const payload = { schemaVersion: 1, timestamp: Date.now(), seq: m.published, values }
  return { topic: `factory/${TENANT}/${PROVINCE}/${PLANT}/${m.machine}/telemetry`, payload: JSON.stringify(payload) }
}

function shapeA(s: AStream): { topic: string, payload: string } {
  s.lastTs = Math.max(Date.now(), s.lastTs + 1)
  const payload = {
    schemaVersion: 1, timestamp: s.lastTs, type: 'telemetry', tenant: TENANT, province: PROVINCE, plant: PLANT,
    gatewayId: s.gateway, plcId: s.plc, metricId: s.metric, value: Math.round(Math.random() * 10_000) / 100, quality: 'GOOD'
  }
  return { topic: `factory/${TENANT}/${PROVINCE}/${PLANT}/gateway/${s.gateway}/telemetry`, payload: JSON.stringify(payload) }
}

/** Publishes one message of the lane; shape A about aRatio of the time, spread evenly. */
function publishOne(lane: Lane, o: Options, onAck: () => void): void {
  lane.aCredit += o.aRatio
  const isA = lane.aCredit >= 1
  let counter: { acked: number }
  let message: { topic: string, payload: string }
  if (isA) {
    lane.aCredit -= 1
    const s = lane.streams[lane.nextStream++ % lane.streams.length]!
    message = shapeA(s)
    s.published++
    counter = s
  } else {
    const m = lane.machines[lane.nextMachine++ % lane.machines.length]!
    message = shapeB(m)
    m.published++
    counter = m
  }
  lane.inflight++
  lane.sent++
  lane.client.publish(message.topic, message.payload, { qos: 1 }, (err) => {
    lane.inflight--
    if (err) lane.failed++
    else counter.acked++
    onAck()
  })
}

/**
 * Keeps the lane's window full until the deadline. With --rate, a lane never gets ahead of its share
 * of the rate since the start.
 */
function pump(lane: Lane, o: Options, startedAt: number, deadline: () => boolean): void {
  lane.pumpScheduled = false
  const share = o.rate / o.connections
  const reschedule = () => {
    if (lane.pumpScheduled || lane.closed || deadline()) return
    lane.pumpScheduled = true
    // setImmediate lets the socket's acks in before the next burst of publishes.
    setImmediate(() => pump(lane, o, startedAt, deadline))
  }
  while (!lane.closed && !deadline() && lane.inflight < o.window) {
    if (share > 0 && lane.sent >= share * (Date.now() - startedAt) / 1000) {
      if (!lane.pumpScheduled) {
        lane.pumpScheduled = true
        setTimeout(() => pump(lane, o, startedAt, deadline), 2)
      }
      return
    }
    publishOne(lane, o, reschedule)
  }
}

function totals(lanes: Lane[]) {
  let pb = 0
  let pa = 0
  let ab = 0
  let aa = 0
  let failed = 0
  for (const l of lanes) {
    for (const m of l.machines) {
      pb += m.published
      ab += m.acked
    }
    for (const s of l.streams) {
      pa += s.published
      aa += s.acked
    }
    failed += l.failed
  }
  return { published: { b: pb, a: pa, total: pb + pa }, acked: { b: ab, a: aa, total: ab + aa }, failed }
}

async function waitForAcks(lanes: Lane[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (lanes.some(l => l.inflight > 0 && !l.closed) && Date.now() < until) await new Promise(r => setTimeout(r, 20))
}

function buildReport(o: Options, lanes: Lane[], startedAt: number, stoppedAt: number): GeneratorReport {
  const t = totals(lanes)
  return {
    type: 'report', url: o.url, startedAt, stoppedPublishingAt: stoppedAt, endedAt: Date.now(),
    connections: o.connections, window: o.window, ...t,
    unacked: t.published.total - t.acked.total - t.failed,
    machines: lanes.flatMap(l => l.machines).sort((a, b) => a.machine.localeCompare(b.machine)),
    aStreams: lanes.flatMap(l => l.streams.map(s => ({ gateway: s.gateway, plc: s.plc, metric: s.metric, published: s.published, acked: s.acked })))
  }
}

async function main(): Promise<void> {
  const o = readOptions()
  const clients = await Promise.all(Array.from({ length: o.connections }, (_, i) => connect(o, i)))
  const lanes = clients.map((c, i) => newLane(i, c, o))
  let stopping = false
  for (const lane of lanes) {
    lane.client.on('close', () => {
      if (!stopping) process.stderr.write(`load generator: connection ${lane.index} closed unexpectedly\n`)
      lane.closed = true
    })
    lane.client.on('error', err => process.stderr.write(`load generator: connection ${lane.index}: ${err.message}\n`))
  }
  const startedAt = Date.now()
  const endAt = startedAt + o.seconds * 1000
  let stoppedAt = 0
  const deadline = () => stopping || Date.now() >= endAt
  emit({ type: 'ready', startedAt, connections: o.connections, window: o.window })

  const progress = setInterval(() => emit({ type: 'progress', at: Date.now(), ...totals(lanes) }), 1000)
  const finish = async () => {
    if (stoppedAt) return
    stopping = true
    stoppedAt = Date.now()
    // Everything published must be acknowledged by the broker before the counts are final.
    await waitForAcks(lanes, 30_000)
    clearInterval(progress)
    emit(buildReport(o, lanes, startedAt, stoppedAt))
    await Promise.all(lanes.map(l => new Promise<void>(resolve => l.client.end(false, {}, () => resolve()))))
    process.exit(0)
  }
  process.once('SIGTERM', () => void finish())
  process.once('SIGINT', () => void finish())
  setTimeout(() => void finish(), o.seconds * 1000)
  for (const lane of lanes) pump(lane, o, startedAt, deadline)
}

main().catch((err) => {
  process.stderr.write(`load generator failed: ${(err as Error).stack ?? err}\n`)
  process.exit(1)
})
