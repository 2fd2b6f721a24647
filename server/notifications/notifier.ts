import type { SqlClient } from '../db/client'
import type { NotificationBody } from './body'

/** A notification for one person. */
export interface UserMessage {
  tenantId: string
  userId: string
  email: string
  deliveryId: number
  subject: string
  text: string
}

/**
 * How users are told. The platform ships the outbox below; a deployment that sends mail, SMS or
 * push messages implements this (throwing makes the delivery retry like a failed webhook).
 */
export interface UserNotifier {
  readonly kind: string
  send(message: UserMessage): Promise<void>
}

/**
 * Writes each message to `notification_outbox`, an email-like log: no mail is sent from here. A real
 * deployment drains the table into its mail relay, or replaces this notifier.
 */
export class OutboxNotifier implements UserNotifier {
  readonly kind = 'outbox'
  constructor(private sql: SqlClient) {}

  async send(m: UserMessage): Promise<void> {
    await this.sql.query(
      'insert into notification_outbox (tenant_id, user_id, delivery_id, recipient, subject, body) values ($1, $2, $3, $4, $5, $6)',
      [m.tenantId, m.userId, m.deliveryId, m.email, m.subject, m.text])
  }
}

/** Subject and text of a user's message, from the webhook body. */
export function userMessageText(body: NotificationBody): { subject: string, text: string } {
  const a = body.alarm
  const what = body.escalation ? `escalated (level ${body.escalation.level}, unacknowledged for ${body.escalation.afterMinutes} min)` : body.type.slice('alarm.'.length)
  const where = [a.site, a.plcId ?? a.gatewayId].filter(Boolean).join(' / ')
  return {
    subject: `[${a.severity}] ${where}: ${a.message} — ${what}`,
    text: [`Alarm ${what}`, `Tenant: ${a.tenant}`, `Where: ${where}`, `Severity: ${a.severity}`, `Message: ${a.message}`,
      `Raised: ${new Date(a.ts).toISOString()}`, `Alarm id: ${a.id}`].join('\n')
  }
}
