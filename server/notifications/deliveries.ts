import type { SqlClient } from '../db/client'
import type { DeliveryEvent } from './body'
import type { AttemptResult } from './webhook'

/** A delivery claimed for one attempt, with what its target needs. */
export interface ClaimedDelivery {
  id: number
  tenantId: string
  endpointId: string | null
  userId: string | null
  alarmId: string
  event: DeliveryEvent
  level: number
  body: string
  /** This attempt's number (1-based). */
  attempts: number
  url: string | null
  secret: string | null
  endpointEnabled: boolean | null
  email: string | null
  /** The alarm was acknowledged or cleared meanwhile: an escalation of it is moot. */
  alarmSettled: boolean
}

// SKIP LOCKED: instances claiming at once take different rows. The claim pushes next_attempt_at
// ahead by the lease, so a claimed row is nobody else's until then — and if this instance dies
// mid-attempt, the row falls due again when the lease runs out (at-least-once delivery).
const CLAIM = `
with due as (
  select id from notification_deliveries where status = 'pending' and next_attempt_at <= now()
  order by next_attempt_at limit $1 for update skip locked
), claimed as (
  update notification_deliveries d set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8)
  from due where d.id = due.id
  returning d.*
)
select c.id, c.tenant_id as "tenantId", c.endpoint_id as "endpointId", c.user_id as "userId", c.alarm_id as "alarmId",
       c.event, c.level, c.body, c.attempts, e.url, e.secret, e.enabled as "endpointEnabled", u.email,
       (a.acknowledged or a.state = 'cleared') as "alarmSettled"
from claimed c
join alarms a on a.id = c.alarm_id
left join notification_endpoints e on e.id = c.endpoint_id
left join users u on u.id = c.user_id
order by c.id`

/** Claims up to `limit` due deliveries for one attempt each, leased for `leaseMs`. */
export function claimDue(sql: SqlClient, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return sql.query<ClaimedDelivery>(CLAIM, [limit, leaseMs / 1000])
}

/** What an attempt decided: done (delivered or failed for good), or another attempt after `retryInMs`. */
export type Outcome = { status: 'delivered' | 'failed' | 'cancelled' } | { status: 'pending', retryInMs: number }

/** Logs the attempt and moves the delivery on, in one transaction. */
export function recordAttempt(sql: SqlClient, d: ClaimedDelivery, result: AttemptResult, outcome: Outcome): Promise<void> {
  const retrySecs = outcome.status === 'pending' ? outcome.retryInMs / 1000 : null
  return sql.transaction(async (tx) => {
    await tx.query(
      `update notification_deliveries set status = $2, last_status_code = $3, last_error = $4,
         next_attempt_at = case when $5::float8 is null then next_attempt_at else now() + make_interval(secs => $5::float8) end,
         delivered_at = case when $2 = 'delivered' then now() else delivered_at end
       where id = $1`, [d.id, outcome.status, result.statusCode, result.error, retrySecs])
    await tx.query(
      `insert into notification_attempts (tenant_id, delivery_id, attempt, status_code, error, duration_ms, next_retry_at)
       values ($1, $2, $3, $4, $5, $6, case when $7::float8 is null then null else now() + make_interval(secs => $7::float8) end)`,
      [d.tenantId, d.id, d.attempts, result.statusCode, result.error, Math.round(result.durationMs), retrySecs])
  })
}

/** Milliseconds until the next pending delivery falls due (0 if one is due), or null when none is pending. */
export async function nextDueInMs(sql: SqlClient): Promise<number | null> {
  const [row] = await sql.query<{ ms: number | null }>(
    `select (extract(epoch from min(next_attempt_at) - now()) * 1000)::float8 as ms from notification_deliveries where status = 'pending'`)
  return row?.ms == null ? null : Math.max(0, row.ms)
}
