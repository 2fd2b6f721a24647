import type { SqlClient } from '../db/client'
import { plantChannel, type PlatformEvent } from '../bus/events'
import type { Rejection } from './messages'
import { isTransientDbError } from './errors'
import { writeBatch } from './store'
import type { IngestStats } from './stats'
import type { CommittedBatch } from '../alarms/observations'
import type { SourceQuota } from './quota'
import { BatchPreparer, mergePrepared, type Prepared, type PreparerOptions } from './prepare'

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

export interface IngestorOptions extends PreparerOptions {
  sql: SqlClient
  stats: IngestStats
  batchSize: number
  batchMaxMs: number
  /** Batches written at once (each in its own transaction); acknowledgements still go out in order. */
  concurrency: number
  publish: (channel: string, event: PlatformEvent) => void
  /** Told what each batch committed, after its acknowledgements (the alarm engine). Must not block. */
  committed?: (batch: CommittedBatch) => void
  /** Per-source token buckets (INGEST_GATEWAY_RATE_PER_S); none: no limit. */
  quota?: SourceQuota
  now?: () => number
}

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
  private preparer: BatchPreparer
  /** True while the database keeps failing; shown by /health. */
  degraded = false

  constructor(private o: IngestorOptions) {
    this.now = o.now ?? Date.now
    this.preparer = new BatchPreparer(o)
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
    this.preparer.linksCommitted(p.batch)
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
    const prepared = await this.preparer.prepare(msgs, forced)
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
      return mergePrepared(a, b)
    }
  }
}
