import type { Logger } from 'pino'
import type { PersistMode } from '../config/env'
import { plantChannel, type PlatformEvent } from '../bus/events'
import type { CommittedBatch } from '../alarms/observations'
import { decodeMessage, type DecodeOptions } from './decode'
import type { GatewayStatusMessage, Rejection, TelemetryMessage } from './messages'
import type { RawMessage } from './ingestor'
import { parseTopic } from './topic'
import type { RefResolver, PlantRef } from './refs'
import { resolvePersistMode, type PersistRuleCache } from './persist-rules'
import { emptyBatch, type WriteBatch } from './store'

export interface PreparerOptions {
  refs: RefResolver
  rules: PersistRuleCache
  logger: Logger
  decode: DecodeOptions
  defaultMode: PersistMode
  busPrefix: string
}

export interface GatewayInfo { tenant: string, site: string, thingName: string, ref: PlantRef }

/** A batch ready to write, with everything to do once it committed: acks, events, stats, alarm input. */
export interface Prepared {
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

/**
 * Turns received messages into one batch write: decodes them, resolves their tenant, plant, PLC and
 * gateway rows and persistence modes, and collects the bus events, alarm samples and dead letters
 * that go with them. The ingestor decides when to write and acknowledge.
 */
export class BatchPreparer {
  /** PLC row id → gateway row id already recorded, so links are written only when they change. */
  private plcGatewayLinks = new Map<string, string>()

  constructor(private o: PreparerOptions) {}

  /** Only once a batch committed: one that failed and is retried must write its links again. */
  linksCommitted(batch: WriteBatch): void {
    batch.plcGateways.forEach((gatewayId, plcId) => this.plcGatewayLinks.set(plcId, gatewayId))
  }

  /** Decodes and resolves msgs into one write; with `forced`, every message is dead-lettered with it. */
  async prepare(msgs: RawMessage[], forced?: Rejection): Promise<Prepared> {
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

/** One batch of two halves written apart (a split to isolate a bad message). */
export function mergePrepared(a: Prepared, b: Prepared): Prepared {
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
