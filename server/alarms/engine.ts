import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { SqlClient } from '../db/client'
import { plantChannel, type AlarmEvent, type PlatformEvent } from '../bus/events'
import { isTransientDbError } from '../ingest/errors'
import { toAlarmJson, type AlarmRecord } from './alarm-json'
import type { CommittedBatch, GatewayObservation, Observation } from './observations'
import type { AlarmRuleCache } from './rules'
import { gatewayObservations, plcObservations, staleObservation } from './sources'
import { staleSeries } from './stale'
import { ConditionTracker } from './tracker'
import { openConditionKeys, writeTransitions, type Transition } from './transitions'

export interface AlarmEngineOptions {
  sql: SqlClient
  rules: AlarmRuleCache
  logger: Logger
  busPrefix: string
  publish: (channel: string, event: PlatformEvent) => void
  /** Gateways buffering more messages than this raise a backlog alarm. */
  backlogLimit: number
  /** Bad data quality must last this long to raise an alarm. */
  qualityMinDurationMs?: number
}

const RETRY_MIN_MS = 100
const RETRY_MAX_MS = 5000
/**
 * Transitions decided within this window are written together: an alarm storm then costs the
 * database a few transactions a second, not one per ingest batch, for an alarm shown at most this
 * much later.
 */
const WRITE_WINDOW_MS = 200
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Evaluates alarm conditions on what the ingest committed (SPEC §6), off the ingest's path: batches
 * are queued and evaluated one after another, in commit order, so ingest never waits on alarms. Only
 * transitions touch the database; each is published live. Other instances' transitions arrive over
 * the bus and keep this instance's view of open alarms current.
 */
export class AlarmEngine {
  readonly tracker = new ConditionTracker()
  /** Tells this instance's events from others' when they come back over the bus. */
  readonly origin = randomUUID()
  private chain: Promise<void> = Promise.resolve()
  private queued = 0
  private stopped = false
  /** Decided, not yet written (see WRITE_WINDOW_MS). */
  private unwritten: Transition[] = []
  private writeTimer: NodeJS.Timeout | undefined
  /** Shown in /metrics. */
  readonly counters = { evaluated: 0, raised: 0, cleared: 0, retries: 0 }

  constructor(private o: AlarmEngineOptions) {}

  /** Loads the open alarms, so a restart neither re-raises them nor forgets to clear them. */
  async start(): Promise<void> {
    for (const key of await openConditionKeys(this.o.sql)) this.tracker.learn(key, true, 0)
  }

  /** Called by the ingest after a batch committed. Never throws, never blocks the caller. */
  committed(batch: CommittedBatch): void {
    if (!batch.samples.length && !batch.gateways.length) return
    this.enqueue(() => this.evaluate(batch))
  }

  /** Gateway status changes found outside the ingest (the liveness watchdog). */
  gatewayChanged(observations: GatewayObservation[]): void {
    if (observations.length) this.committed({ samples: [], gateways: observations })
  }

  /**
   * Raises stale-data alarms (stale rules) for series that stopped at `now`; the next value clears
   * them. Every instance may sweep: an alarm already open is not raised twice, nor announced twice.
   */
  sweepStale(now = Date.now()): Promise<void> {
    this.enqueue(async () => {
      const transitions: Transition[] = []
      for (const s of await staleSeries(this.o.sql, now)) {
        const plc = { plant: { tenantId: s.tenantId, plantId: s.plantId, tenant: s.tenant, plant: s.site }, plcRowId: s.plcRowId, plcId: s.plcId }
        this.decide([staleObservation({ id: s.ruleId, name: s.name, severity: s.severity, staleAfterS: s.staleAfterS }, plc, s.metric, s.staleSince, true)], transitions)
      }
      this.stage(transitions)
    })
    return this.idle()
  }

  /** Another instance's (or an API caller's) alarm event, seen on the bus. */
  heard(event: AlarmEvent): void {
    if (event.origin === this.origin || !event.key) return
    if (event.transition === 'raised' || event.transition === 'cleared') {
      this.tracker.learn(event.key, event.transition === 'raised', event.alarm.clearedAt ?? event.alarm.ts)
    }
  }

  /** Resolves once everything queued so far is evaluated and written. */
  async idle(): Promise<void> {
    await this.chain
    if (!this.unwritten.length) return
    this.flushNow()
    await this.chain
  }

  /** Committed batches waiting to be evaluated (shown in /metrics). */
  get backlog(): number {
    return this.queued
  }

  stop(): void {
    this.stopped = true
    if (this.unwritten.length) this.flushNow()
  }

  private enqueue(work: () => Promise<void>): void {
    this.queued++
    this.chain = this.chain.then(work).catch((err: Error) => {
      this.o.logger.error({ err: err.message }, 'alarm evaluation failed; batch skipped')
    }).finally(() => this.queued--)
  }

  private async evaluate(batch: CommittedBatch): Promise<void> {
    const transitions: Transition[] = []
    const isOpen = (key: string) => this.tracker.isOpen(key)
    for (const s of batch.samples) {
      const rules = this.o.rules.cached(s.plant.tenantId) ?? await this.o.rules.rulesOf(s.plant.tenantId)
      this.decide(plcObservations(s, rules, isOpen, this.o.qualityMinDurationMs), transitions)
    }
    for (const g of batch.gateways) this.decide(gatewayObservations(g, this.o.backlogLimit), transitions)
    this.counters.evaluated += batch.samples.length + batch.gateways.length
    this.stage(transitions)
  }

  /** Holds transitions for the write window; the first one of a window schedules the write. */
  private stage(transitions: Transition[]): void {
    if (!transitions.length) return
    this.unwritten.push(...transitions)
    this.writeTimer ??= setTimeout(() => this.flushNow(), WRITE_WINDOW_MS).unref()
  }

  /** Queues the write of everything staged, behind what is being evaluated. */
  private flushNow(): void {
    clearTimeout(this.writeTimer)
    this.writeTimer = undefined
    this.enqueue(async () => {
      const transitions = this.unwritten.splice(0)
      if (transitions.length) await this.write(transitions)
    })
  }

  private decide(observations: Observation[], out: Transition[]): void {
    for (const ob of observations) {
      const decision = this.tracker.observe(ob.key, ob.ts, ob.active, ob)
      if (decision) out.push({ decision, key: ob.key, ts: ob.ts, value: ob.value, draft: ob.draft() })
    }
  }

  /** Writes transitions, retrying while the database is unreachable (as the ingest does). */
  private async write(transitions: Transition[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        for (const { alarm, transition } of await writeTransitions(this.o.sql, transitions)) this.announce(alarm, transition)
        return
      } catch (err) {
        if (!isTransientDbError(err) || this.stopped) {
          // Unwritten: forget those conditions, so their next sample decides afresh instead of believing
          // an alarm is open (or cleared) that the database never recorded.
          const keys = new Set(transitions.map(t => t.key))
          this.tracker.forget(k => keys.has(k))
          throw err
        }
        this.counters.retries++
        await sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt))
      }
    }
  }

  /**
   * Publishes a change made outside the engine (acknowledged, shelved, or cleared with its rule). No
   * origin: every engine, this one included, takes a clear into account.
   */
  changed(alarm: AlarmRecord, transition: AlarmEvent['transition']): void {
    if (transition === 'cleared') this.tracker.learn(alarm.conditionKey, false, alarm.clearedAt ?? Date.now())
    this.publish(alarm, transition, undefined)
  }

  private announce(alarm: AlarmRecord, transition: 'raised' | 'cleared'): void {
    this.counters[transition]++
    this.publish(alarm, transition, this.origin)
  }

  private publish(alarm: AlarmRecord, transition: AlarmEvent['transition'], origin: string | undefined): void {
    const event: AlarmEvent = {
      type: 'alarm', tenant: alarm.tenant, site: alarm.site, ...(alarm.plcId ? { plcId: alarm.plcId } : {}),
      transition, alarm: toAlarmJson(alarm), key: alarm.conditionKey, ...(origin ? { origin } : {})
    }
    this.o.publish(plantChannel(this.o.busPrefix, alarm.tenant, alarm.site), event)
  }
}
