import mqtt, { type MqttClient } from 'mqtt'
import type { GeneratorReport } from '../../bench/load-generator'

const TENANT = 'granix'
const PROVINCE = 'ba'
export const SITE = 'planta-1'
const VALUES_PER_B = 10
const A_PLCS = 2
const A_METRICS = 5
/** Unacknowledged publishes at most: a broker that is down must not make the publisher queue without bound. */
const WINDOW = 5000

interface Machine { machine: string, published: number, acked: number, lastTs: number }
interface Stream { gateway: string, plc: string, metric: string, published: number, acked: number, lastTs: number }

export interface LoadOptions { url: string, rate: number, machines: number, aRatio: number, prefix: string }

/**
 * A steady QoS 1 publisher for the fault runs, in the demo plant. Unlike the bench's generator it
 * rides through broker restarts: mqtt.js reconnects and resends every unacknowledged publish (a
 * resend may reach the ingest twice, which idempotency must absorb). Shape B carries v0 = seq, so
 * the newest value per metric is known; timestamps are strictly increasing per machine and stream.
 */
export class SteadyLoad {
  private client: MqttClient
  private machines: Machine[]
  private streams: Stream[]
  private timer?: NodeJS.Timeout
  private sent = 0
  private inflight = 0
  private aCredit = 0
  private next = 0
  private startedAt = 0
  private stoppedAt = 0

  constructor(private o: LoadOptions) {
    this.client = mqtt.connect(o.url, { clientId: `${o.prefix}-pub`, protocolVersion: 5, clean: true, reconnectPeriod: 300, connectTimeout: 5000, keepalive: 10 })
    this.client.on('error', () => {})
    this.machines = Array.from({ length: o.machines }, (_, i) => ({ machine: `${o.prefix}-m${i}`, published: 0, acked: 0, lastTs: 0 }))
    this.streams = []
    for (let p = 0; p < A_PLCS; p++) {
      for (let k = 0; k < A_METRICS; k++) this.streams.push({ gateway: `${o.prefix}-gw`, plc: `${o.prefix}-a${p}`, metric: `a${k}`, published: 0, acked: 0, lastTs: 0 })
    }
  }

  get published(): number {
    return this.sent
  }

  get acked(): number {
    return this.machines.reduce((n, m) => n + m.acked, 0) + this.streams.reduce((n, s) => n + s.acked, 0)
  }

  start(): void {
    this.startedAt = Date.now()
    this.timer = setInterval(() => this.pump(), 10)
  }

  /** Stops publishing, waits until the broker acknowledged everything published, and reports. */
  async finish(timeoutMs = 60_000): Promise<GeneratorReport> {
    clearInterval(this.timer)
    this.stoppedAt = Date.now()
    const deadline = Date.now() + timeoutMs
    while (this.inflight > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 50))
    return this.report()
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    await new Promise<void>(resolve => this.client.end(true, {}, () => resolve()))
  }

  private pump(): void {
    const due = Math.floor(this.o.rate * (Date.now() - this.startedAt) / 1000)
    while (this.sent < due && this.inflight < WINDOW) this.publishOne()
  }

  private publishOne(): void {
    this.aCredit += this.o.aRatio
    const isA = this.aCredit >= 1
    const counter = isA ? this.streams[this.next % this.streams.length]! : this.machines[this.next % this.machines.length]!
    this.next++
    const ts = Math.max(Date.now(), counter.lastTs + 1)
    counter.lastTs = ts
    let topic: string
    let payload: object
    if (isA) {
      this.aCredit -= 1
      const s = counter as Stream
      topic = `factory/${TENANT}/${PROVINCE}/${SITE}/gateway/${s.gateway}/telemetry`
      payload = { schemaVersion: 1, timestamp: ts, type: 'telemetry', plcId: s.plc, metricId: s.metric, value: s.published, quality: 'GOOD' }
    } else {
      const m = counter as Machine
      const values: Record<string, number> = {}
      for (let k = 0; k < VALUES_PER_B; k++) values[`v${k}`] = k === 0 ? m.published : Math.round(Math.random() * 10_000) / 100
      topic = `factory/${TENANT}/${PROVINCE}/${SITE}/${m.machine}/telemetry`
      payload = { schemaVersion: 1, timestamp: ts, seq: m.published, values }
    }
    counter.published++
    this.sent++
    this.inflight++
    this.client.publish(topic, JSON.stringify(payload), { qos: 1 }, (err) => {
      this.inflight--
      if (!err) counter.acked++
    })
  }

  private report(): GeneratorReport {
    const sum = (xs: { published: number, acked: number }[], k: 'published' | 'acked') => xs.reduce((n, x) => n + x[k], 0)
    const published = { b: sum(this.machines, 'published'), a: sum(this.streams, 'published'), total: 0 }
    const acked = { b: sum(this.machines, 'acked'), a: sum(this.streams, 'acked'), total: 0 }
    published.total = published.a + published.b
    acked.total = acked.a + acked.b
    return {
      type: 'report', url: this.o.url, startedAt: this.startedAt, stoppedPublishingAt: this.stoppedAt, endedAt: Date.now(),
      connections: 1, window: WINDOW, published, acked, failed: 0, unacked: published.total - acked.total,
      machines: this.machines.map(({ machine, published, acked }) => ({ machine, published, acked })),
      aStreams: this.streams.map(({ gateway, plc, metric, published, acked }) => ({ gateway, plc, metric, published, acked }))
    }
  }
}
