import type { Logger } from 'pino'
import type { AlarmEvent } from '../bus/events'
import type { NotificationConfig } from '../config/env'
import type { SqlClient } from '../db/client'
import { isNotified } from './body'
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

/**
 * Alarm notifications: sends what is queued and sweeps for escalations. A transition's notifications
 * are queued in the transaction that stores it (queueNotifications), by the instance that made it;
 * this only wakes the sender when one was.
 */
export class Notifications {
  readonly worker: DeliveryWorker
  readonly notifier: UserNotifier
  private sweeper?: NodeJS.Timeout
  private sweeping = false

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

  /** An alarm transition this instance stored (engine or API): its notifications may be waiting. */
  transition(event: AlarmEvent): void {
    if (isNotified(event.transition)) this.worker.kick()
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
    clearInterval(this.sweeper)
    await this.worker.stop()
  }
}
