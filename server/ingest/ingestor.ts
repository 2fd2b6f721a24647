import type { Logger } from 'pino'
import type { SqlClient } from '../db/client'
import type { PersistMode } from '../config/env'
import { plantChannel, type PlatformEvent } from '../bus/events'
import { decodeMessage, type DecodeOptions } from './decode'
import type { GatewayStatusMessage, Rejection, TelemetryMessage } from './messages'
import { parseTopic } from './topic'
import { isTransientDbError } from './errors'
import type { RefResolver, PlantRef } from './refs'
import { resolvePersistMode, type PersistRuleCache } from './persist-rules'
import { emptyBatch, writeBatch, type WriteBatch } from './store'
import type { IngestStats } from './stats'
import type { CommittedBatch } from '../alarms/observations'
import type { SourceQuota } from './quota'

export type Outcome = 'stored' | 'dead_lettered'

/** One MQTT message as received. `ack` is called once it is durably handled (stored or dead-lettered). */
export interface RawMessage {
  topic: string
  payload: Uint8Array
  retained: boolean
  receivedAt: number
  /** Not charged to its source's quota: an admin replaying dead letters decided to let it in. */
  exempt?: boolean
  /** Set on arrival when its source was over quota: dead-lettered as `rate_limited`. */
  rateLimited?: boolean
  /** `rejection` says why, when it was dead-lettered. */
  ack?: (outcome: Outcome, rejection?: Rejection) => void
}

export interface IngestorOptions {
  sql: SqlClient
  refs: RefResolver
  rules: PersistRuleCache
  stats: IngestStats
  logger: Logger
  decode: DecodeOptions
  defaultMode: PersistMode
  batchSize: number
  batchMaxMs: number
  /** Batches written at once (each in its own transaction); acknowledgements still go out in order. */
  concurrency: number
  busPrefix: string
  publish: (channel: string, event: PlatformEvent) => void
  /** Told what each batch committed, after its acknowledgements (the alarm engine). Must not block. */
  committed?: (batch: CommittedBatch) => void
  /** Per-source token buckets (INGEST_GATEWAY_RATE_PER_S); none: no limit. */
  quota?: SourceQuota
  now?: () => number
}

interface GatewayInfo { tenant: string, site: string, thingName: string, ref: PlantRef }

interface Prepared {
  batch: WriteBatch
  events: { channel: string, event: PlatformEvent }[]
  committed: CommittedBatch
  gateways: Map<string, GatewayInfo>
  perTenant: Map<string, number>
  liveTs: number[]
  rejected: Rejection['reason'][]
  deadLettered: Map<RawMessage, Rejection>
}

const RATE_LIMITED: Rejection = { reason: 'rate_limited', detail: 'its gateway (or machine) is over INGEST_GATEWAY_RATE_PER_S / INGEST_GATEWAY_BURST' }
const RETRY_MIN_MS = 100
const RETRY_MAX_MS = 5000
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * The ingest pipeline: micro-batches messages, writes each batch in one transaction, then acknowledges
 * its messages in arrival order and publishes their events. A batch that fails for a transient reason
 * (database down) is retried until it succeeds, never acknowledged before; a message whose data the
 * database rejects is isolated by splitting the batch and dead-lettered.
 */
export class Ingestor {
  private buffer: RawMessage[] = []
  private timer: NodeJS.Timeout | null = null
  /** Messages in batches being written, and how many such batches. */
  private inFlight = 0
  private batchesInFlight = 0
  private tail: Promise<void> = Promise.resolve()
  private closing = false
  private waiters: (() => void)[] = []
  private now: () => number
  /** PLC row id → gateway row id already recorded, so links are written only when they change. */
  private plcGatewayLinks = new Map<string, string>()
  /** True while the database keeps failing; shown by /health. */
  degraded = false

  constructor(private o: IngestorOptions) {
    this.now = o.now ?? Date.now
  }

  /** Messages received but not yet durable. */
  get pending(): number {
    return this.buffer.length + this.inFlight
  }

  push(msg: RawMessage): void {
    this.o.stats.received++
    this.o.stats.lastMessageAt = msg.receivedAt
    // Decided once, on arrival: a batch that is retried or split must not charge the quota again.
    if (this.o.quota && !msg.exempt && !this.o.quota.take(msg.topic, msg.receivedAt)) {
      msg.rateLimited = true
      this.o.stats.rateLimited++
    }
    this.buffer.push(msg)
    if (this.buffer.length >= this.o.batchSize) this.flush()
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.o.batchMaxMs)
  }

  /** Resolves once every message pushed so far is durable (or the ingestor gave up on close). */
  async drain(): Promise<void> {
    this.flush()
    while (this.buffer.length || this.inFlight) {
      await new Promise<void>(resolve => this.waiters.push(resolve))
      this.flush()
    }
    await this.tail
  }

  /** Stops retrying: used on shutdown, where unacknowledged messages are redelivered by the broker. */
  close(): void {
    this.closing = true
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    while (this.buffer.length && this.batchesInFlight < this.o.concurrency) {
      const msgs = this.buffer.splice(0, this.o.batchSize)
      this.inFlight += msgs.length
      this.batchesInFlight++
      const written = this.process(msgs)
      const previous = this.tail
      // Acknowledge strictly in arrival order (MQTT requires in-order PUBACKs), even when a later batch
      // committed first.
      this.tail = (async () => {
        const outcome = await written
        await previous
        if (outcome) this.finish(msgs, outcome)
        this.inFlight -= msgs.length
        this.batchesInFlight--
        this.waiters.splice(0).forEach(w => w())
        if (this.buffer.length) this.flush()
      })()
    }
  }

  private finish(msgs: RawMessage[], p: Prepared): void {
    const committedAt = this.now()
    for (const m of msgs) {
      const rejection = p.deadLettered.get(m)
      if (rejection) m.ack?.('dead_lettered', rejection)
      else m.ack?.('stored')
    }
    for (const ts of p.liveTs) this.o.stats.lag(committedAt - ts)
    for (const reason of p.rejected) this.o.stats.deadLettered(reason)
    // Only now: a batch that failed and is retried must write its links again.
    p.batch.plcGateways.forEach((gatewayId, plcId) => this.plcGatewayLinks.set(plcId, gatewayId))
    this.o.stats.committed(msgs.length, p.perTenant, p.batch.points.length)
    for (const e of p.events) this.o.publish(e.channel, e.event)
    this.o.committed?.(p.committed)
  }

  /** Prepares and writes a batch, retrying transient failures; undefined if it gave up on close. */
  private async process(msgs: RawMessage[]): Promise<Prepared | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        const prepared = await this.writeIsolating(msgs)
        if (this.degraded) this.o.logger.info({ attempts: attempt + 1 }, 'database reachable again; ingest resumed')
        this.degraded = false
        return prepared
      } catch (err) {
        this.o.stats.retries++
        if (!this.degraded) this.o.logger.error({ err: (err as Error).message }, 'batch write failed; holding messages unacknowledged and retrying')
        this.degraded = true
        if (this.closing) return undefined
        await sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt))
      }
    }
  }

  /** Writes msgs; a data error (not transient) splits the batch until the bad message is dead-lettered. */
  private async writeIsolating(msgs: RawMessage[], forced?: Rejection): Promise<Prepared> {
    const prepared = await this.prepare(msgs, forced)
    try {
      const transitions = await writeBatch(this.o.sql, prepared.batch, msgs[0]!.receivedAt)
      for (const t of transitions) {
        const g = prepared.gateways.get(t.gatewayId)
        if (!g) continue
        prepared.committed.gateways.push({ plant: g.ref, gatewayRowId: t.gatewayId, gatewayId: g.thingName, at: t.at, status: t.status, reason: t.reason })
        const event: PlatformEvent = { type: 'gateway_status', tenant: g.tenant, site: g.site, gatewayId: g.thingName, status: t.status, reason: t.reason, at: t.at }
        prepared.events.push({ channel: plantChannel(this.o.busPrefix, g.tenant, g.site), event })
        this.o.logger.info({ tenant: g.tenant, plant: g.site, gateway: g.thingName, status: t.status, reason: t.reason }, 'gateway status changed')
      }
      return prepared
    } catch (err) {
      if (isTransientDbError(err)) throw err
      if (forced) throw err
      if (msgs.length === 1) {
        const detail = `database rejected the message: ${(err as Error).message}`.slice(0, 500)
        return this.writeIsolating(msgs, { reason: 'processing_error', detail })
      }
      const half = Math.ceil(msgs.length / 2)
      const a = await this.writeIsolating(msgs.slice(0, half))
      const b = await this.writeIsolating(msgs.slice(half))
      return merge(a, b)
    }
  }

  /** Decodes and resolves msgs into one write; with `forced`, every message is dead-lettered with it. */
  private async prepare(msgs: RawMessage[], forced?: Rejection): Promise<Prepared> {
    const p: Prepared = { batch: emptyBatch(), events: [], committed: { samples: [], gateways: [] }, gateways: new Map(), perTenant: new Map(), liveTs: [], rejected: [], deadLettered: new Map() }
    for (const m of msgs) {
      const decoded = forced
        ? { ok: false as const, rejection: forced }
        : m.rateLimited ? { ok: false as const, rejection: RATE_LIMITED } : decodeMessage(m.topic, m.payload, m.receivedAt, this.o.decode)
      if (!decoded.ok) {
        await this.deadLetter(p, m, decoded.rejection)
        continue
      }
      const msg = decoded.message
      const ref = await this.o.refs.plant(msg.tenant, msg.province, msg.plant)
      if (typeof ref === 'string') {
        await this.deadLetter(p, m, { reason: ref, detail: ref === 'unknown_tenant' ? `tenant "${msg.tenant}" does not exist` : `plant "${msg.plant}" (province "${msg.province}") does not exist in tenant "${msg.tenant}"` })
        continue
      }
      p.perTenant.set(msg.tenant, (p.perTenant.get(msg.tenant) ?? 0) + 1)
      if (msg.kind === 'telemetry') await this.prepareTelemetry(p, m, msg, ref)
      else await this.prepareStatus(p, m, msg, ref)
    }
    return p
  }

  private async prepareTelemetry(p: Prepared, m: RawMessage, msg: TelemetryMessage, ref: PlantRef): Promise<void> {
    const plcId = await this.o.refs.plcId(ref, msg.plcId)
    if (msg.gatewayId) {
      const gatewayId = await this.o.refs.gatewayId(ref, msg.gatewayId)
      p.batch.gatewaysSeen.set(gatewayId, m.receivedAt)
      if (this.plcGatewayLinks.get(plcId) !== gatewayId) p.batch.plcGateways.set(plcId, gatewayId)
    }
    const rules = await this.o.rules.rulesFor(ref.tenantId)
    const values: Record<string, TelemetryMessage['points'][number]['value']> = {}
    const quality: Record<string, string> = {}
    p.committed.samples.push({ plant: ref, plcRowId: plcId, plcId: msg.plcId, ts: msg.ts, points: msg.points })
    for (const pt of msg.points) {
      const v = pt.value
      p.batch.points.push({
        tenantId: ref.tenantId, plcId, metric: pt.metric, ts: msg.ts,
        n: typeof v === 'number' ? v : null, b: typeof v === 'boolean' ? v : null, s: typeof v === 'string' ? v : null,
        quality: pt.quality ?? null, unit: pt.unit ?? null, seq: msg.seq ?? null, key: msg.key,
        mode: resolvePersistMode(rules, { plantId: ref.plantId, plcId, metric: pt.metric }, this.o.defaultMode)
      })
      values[pt.metric] = v
      if (pt.quality) quality[pt.metric] = pt.quality
    }
    // Only live data says something about pipeline delay; a flushed buffer from yesterday does not.
    if (m.receivedAt - msg.ts < 60_000) p.liveTs.push(msg.ts)
    const event: PlatformEvent = { type: 'telemetry', tenant: msg.tenant, site: msg.plant, plcId: msg.plcId, ts: msg.ts, values, ...(Object.keys(quality).length ? { quality } : {}) }
    p.events.push({ channel: plantChannel(this.o.busPrefix, msg.tenant, msg.plant), event })
  }

  private async prepareStatus(p: Prepared, m: RawMessage, msg: GatewayStatusMessage, ref: PlantRef): Promise<void> {
    const gatewayId = await this.o.refs.gatewayId(ref, msg.gatewayId)
    p.gateways.set(gatewayId, { tenant: msg.tenant, site: msg.plant, thingName: msg.gatewayId, ref })
    if (msg.state === 'online' && msg.health) p.committed.gateways.push({ plant: ref, gatewayRowId: gatewayId, gatewayId: msg.gatewayId, at: msg.ts, health: msg.health })
    p.batch.statuses.push({
      tenantId: ref.tenantId, gatewayId, state: msg.state, reason: msg.reason ?? null, ts: msg.ts,
      receivedAt: m.receivedAt, health: msg.health ? stripUndefined(msg.health) : null, retained: m.retained
    })
    if (msg.state === 'online' && msg.health) {
      const event: PlatformEvent = { type: 'gateway_heartbeat', tenant: msg.tenant, site: msg.plant, gatewayId: msg.gatewayId, ts: msg.ts, health: stripUndefined(msg.health) }
      p.events.push({ channel: plantChannel(this.o.busPrefix, msg.tenant, msg.plant), event })
    }
  }

  private async deadLetter(p: Prepared, m: RawMessage, r: Rejection): Promise<void> {
    const parsed = parseTopic(m.topic)
    const tenantSlug = parsed.ok ? parsed.topic.tenant : null
    const tenantId = tenantSlug && r.reason !== 'unknown_tenant' ? await this.o.refs.tenantId(tenantSlug) : null
    // NUL cannot be stored in a text column; the raw bytes of the payload are kept as they are.
    const topic = m.topic.slice(0, 1024).replaceAll('\0', '\uFFFD')
    p.batch.deadLetters.push({ tenantId, tenantSlug, topic, payload: m.payload, reason: r.reason, detail: r.detail.replaceAll('\0', '\uFFFD'), receivedAt: m.receivedAt })
    p.rejected.push(r.reason)
    p.deadLettered.set(m, r)
    this.o.logger.warn({ tenant: tenantSlug, topic: m.topic.slice(0, 256), reason: r.reason, detail: r.detail }, 'message dead-lettered')
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

function merge(a: Prepared, b: Prepared): Prepared {
  const batch = emptyBatch()
  for (const x of [a.batch, b.batch]) {
    batch.points.push(...x.points)
    batch.deadLetters.push(...x.deadLetters)
    batch.statuses.push(...x.statuses)
    x.gatewaysSeen.forEach((v, k) => batch.gatewaysSeen.set(k, v))
    x.plcGateways.forEach((v, k) => batch.plcGateways.set(k, v))
  }
  const perTenant = new Map(a.perTenant)
  b.perTenant.forEach((n, t) => perTenant.set(t, (perTenant.get(t) ?? 0) + n))
  const committed = { samples: [...a.committed.samples, ...b.committed.samples], gateways: [...a.committed.gateways, ...b.committed.gateways] }
  return {
    batch, events: [...a.events, ...b.events], committed, gateways: new Map([...a.gateways, ...b.gateways]), perTenant,
    liveTs: [...a.liveTs, ...b.liveTs], rejected: [...a.rejected, ...b.rejected],
    deadLettered: new Map([...a.deadLettered, ...b.deadLettered])
  }
}
