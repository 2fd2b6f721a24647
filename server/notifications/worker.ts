import type { Logger } from 'pino'
import type { NotificationConfig } from '../config/env'
import type { SqlClient } from '../db/client'
import { retryDelayMs, shouldRetry } from './backoff'
import type { NotificationBody } from './body'
import { claimDue, nextDueInMs, recordAttempt, type ClaimedDelivery, type Outcome } from './deliveries'
import { userMessageText, type UserNotifier } from './notifier'
import type { Agent } from 'undici'
import { guardedAgent, type DestinationPolicy } from './destination'
import { sendWebhook, type AttemptResult } from './webhook'

export interface DeliveryWorkerOptions {
  sql: SqlClient
  logger: Logger
  config: NotificationConfig
  notifier: UserNotifier
}

// A claim outlives the longest attempt, so no other instance starts the same one meanwhile.
const LEASE_MARGIN_MS = 5000

const skipped = (error: string): AttemptResult => ({ statusCode: null, error, durationMs: 0 })

/**
 * Sends the queued deliveries: wakes when this instance queued one (`kick`), when the next retry it
 * knows of falls due, and at least every `pollMs` for rows other instances queued. Runs off every
 * caller's path: nothing waits on it but `stop`.
 */
export class DeliveryWorker {
  counters = { delivered: 0, failed: 0, retried: 0, cancelled: 0 }
  private timer?: NodeJS.Timeout
  private running?: Promise<void>
  private again = false
  private stopped = false

  /** Webhooks go out through an agent that refuses destinations the policy forbids. */
  private destination: { policy: DestinationPolicy, agent: Agent }

  constructor(private o: DeliveryWorkerOptions) {
    this.destination = { policy: o.config.destination, agent: guardedAgent(o.config.destination) }
  }

  /** Runs a pass now, or right after the one under way. */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    clearTimeout(this.timer)
    this.running = this.pass()
      .catch((err: Error) => this.o.logger.warn({ err: err.message }, 'notification delivery pass failed'))
      .finally(() => {
        this.running = undefined
        if (this.again) {
          this.again = false
          this.kick()
        } else {
          void this.schedule()
        }
      })
  }

  /** Stops waking up and waits (bounded by one attempt's timeout) for attempts under way. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await Promise.race([this.running, new Promise(resolve => setTimeout(resolve, this.o.config.timeoutMs + 1000))])
    await this.destination.agent.destroy()
  }

  private async schedule(): Promise<void> {
    let wait = this.o.config.pollMs
    try {
      const due = await nextDueInMs(this.o.sql)
      if (due !== null) wait = Math.min(wait, due + 5)
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'notification queue unreadable')
    }
    if (this.stopped) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.kick(), wait)
    this.timer.unref()
  }

  private async pass(): Promise<void> {
    const { concurrency, timeoutMs } = this.o.config
    for (;;) {
      if (this.stopped) return
      const claimed = await claimDue(this.o.sql, concurrency, timeoutMs + LEASE_MARGIN_MS)
      await Promise.all(claimed.map(d => this.attempt(d)))
      if (claimed.length < concurrency) return
    }
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    const { result, outcome } = await this.run(d)
    this.counters[outcome.status === 'pending' ? 'retried' : outcome.status]++
    await recordAttempt(this.o.sql, d, result, outcome)
    if (outcome.status === 'failed') {
      this.o.logger.warn({ delivery: d.id, endpoint: d.endpointId, user: d.userId, alarm: d.alarmId, attempts: d.attempts, error: result.error }, 'notification failed for good')
    }
  }

  private async run(d: ClaimedDelivery): Promise<{ result: AttemptResult, outcome: Outcome }> {
    if (d.event === 'escalated' && d.alarmSettled) return { result: skipped('alarm acknowledged or cleared before the escalation went out'), outcome: { status: 'cancelled' } }
    if (d.endpointId && !d.endpointEnabled) return { result: skipped('endpoint disabled'), outcome: { status: 'cancelled' } }
    const result = d.endpointId ? await this.sendToEndpoint(d) : await this.sendToUser(d)
    if (result.error === null) return { result, outcome: { status: 'delivered' } }
    const retry = !result.refused && shouldRetry(result.statusCode, d.attempts, this.o.config.retry)
    return { result, outcome: retry ? { status: 'pending', retryInMs: retryDelayMs(d.attempts, this.o.config.retry) } : { status: 'failed' } }
  }

  private sendToEndpoint(d: ClaimedDelivery): Promise<AttemptResult> {
    return sendWebhook({ url: d.url!, secret: d.secret!, body: d.body, deliveryId: d.id, event: `alarm.${d.event}`, timeoutMs: this.o.config.timeoutMs }, this.destination)
  }

  private async sendToUser(d: ClaimedDelivery): Promise<AttemptResult> {
    const started = Date.now()
    try {
      const text = userMessageText(JSON.parse(d.body) as NotificationBody)
      await this.o.notifier.send({ tenantId: d.tenantId, userId: d.userId!, email: d.email!, deliveryId: d.id, ...text })
      return { statusCode: null, error: null, durationMs: Date.now() - started }
    } catch (err) {
      return { statusCode: null, error: (err as Error).message, durationMs: Date.now() - started }
    }
  }
}
