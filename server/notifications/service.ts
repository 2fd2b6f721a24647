import type { Logger } from 'pino'
import type { AlarmEvent } from '../bus/events'
import type { NotificationConfig } from '../config/env'
import type { SqlClient } from '../db/client'
import { isTransientDbError } from '../ingest/errors'
import { NOTIFIED_TRANSITIONS, type NotifiedTransition } from './body'
import { enqueueTransitions, type TransitionItem } from './enqueue'
import { sweepEscalations } from './escalation'
import { OutboxNotifier, type UserNotifier } from './notifier'
import { DeliveryWorker } from './worker'

export interface NotificationsOptions {
  sql: SqlClient
  logger: Logger
  config: NotificationConfig
  /** How users are told; the outbox table unless a deployment plugs in another. */
  notifier?: UserNotifier
}

// While the database is unreachable, queueing is retried (as the alarm engine retries its writes),
// up to about a minute in all; the transition itself is already stored by then.
const QUEUE_RETRIES = [100, 500, 2000, 5000, 10_000, 20_000, 30_000]
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

const isNotified = (t: AlarmEvent['transition']): t is NotifiedTransition => (NOTIFIED_TRANSITIONS as readonly string[]).includes(t)

/**
 * Alarm notifications: queues each transition this instance makes, sends the queue, and sweeps for
 * escalations. Only the instance that made a transition queues it (it hears it from the engine, not
 * from the bus), so two instances do not queue it twice — and the queue's unique key would absorb
 * it if they did.
 */
export class Notifications {
  readonly worker: DeliveryWorker
  readonly notifier: UserNotifier
  private queueing: Promise<void> = Promise.resolve()
  /** Transitions waiting to be queued: a burst (an alarm storm) is queued in one statement. */
  private pending: TransitionItem[] = []
  private sweeper?: NodeJS.Timeout
  private sweeping = false
  private stopping = false

  constructor(private o: NotificationsOptions) {
    this.notifier = o.notifier ?? new OutboxNotifier(o.sql)
    this.worker = new DeliveryWorker({ sql: o.sql, logger: o.logger, config: o.config, notifier: this.notifier })
  }

  /** Starts sending what is queued (deliveries left pending by a stop or crash included) and sweeping. */
  start(): void {
    this.worker.kick()
    this.sweeper = setInterval(() => void this.sweep(), this.o.config.escalationSweepMs)
    this.sweeper.unref()
  }

  /**
   * An alarm transition this instance made. Queued in order, off the caller's path: the alarm engine
   * and the API never wait for notifications, and a failure here is logged, never thrown.
   */
  transition(event: AlarmEvent): void {
    if (!isNotified(event.transition)) return
    // Shelved alarms stay quiet until the shelving ends (SPEC §6 alarms lifecycle).
    if (event.alarm.shelvedUntil && event.alarm.shelvedUntil > Date.now()) return
    this.pending.push({ event: event.transition, alarm: event.alarm })
    // A flush is already scheduled and will take this one too.
    if (this.pending.length > 1) return
    this.queueing = this.queueing.then(() => this.flush())
  }

  /** Queues what is pending; never throws (a failure is logged). */
  private async flush(): Promise<void> {
    const batch = this.pending.splice(0)
    if (!batch.length) return
    try {
      if (await this.enqueue(batch)) this.worker.kick()
    } catch (err) {
      this.o.logger.error({ err: (err as Error).message, alarms: batch.map(b => b.alarm.id), transitions: batch.map(b => b.event) }, 'could not queue alarm notifications')
    }
  }

  private async enqueue(batch: TransitionItem[]): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await enqueueTransitions(this.o.sql, batch)
      } catch (err) {
        const wait = QUEUE_RETRIES[attempt]
        if (wait === undefined || this.stopping || !isTransientDbError(err)) throw err
        await sleep(wait)
      }
    }
  }

  /** Resolves once every transition seen so far is queued. */
  queued(): Promise<void> {
    return this.queueing
  }

  /** One escalation sweep; overlapping timer ticks are skipped. */
  async sweep(): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      if (await sweepEscalations(this.o.sql)) this.worker.kick()
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'escalation sweep failed')
    } finally {
      this.sweeping = false
    }
  }

  async stop(): Promise<void> {
    this.stopping = true
    clearInterval(this.sweeper)
    await Promise.race([this.queueing, new Promise(resolve => setTimeout(resolve, 5000))])
    await this.worker.stop()
  }
}
