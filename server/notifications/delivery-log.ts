import { toPage, type Page, type PageRequest } from '../admin/page'
import { afterKey, whereAll } from '../admin/sql'
import type { SqlClient } from '../db/client'
import { epochMs, sqlParams } from '../queries/sql'
import type { DeliveryFilter, DeliveryJson } from './delivery-log-schemas'

const SELECT = `select d.id, d.endpoint_id as "endpointId", d.user_id as "userId", u.email as recipient, d.alarm_id as "alarmId",
    d.event, d.level, d.status, d.attempts,
    case when d.status = 'pending' then ${epochMs('d.next_attempt_at')} end as "nextAttemptAt",
    d.last_status_code as "lastStatusCode", d.last_error as "lastError", ${epochMs('d.created_at')} as "createdAt",
    ${epochMs('d.delivered_at')} as "deliveredAt",
    coalesce((select json_agg(json_build_object('attempt', x.attempt, 'at', ${epochMs('x.at')}, 'statusCode', x.status_code,
        'error', x.error, 'durationMs', x.duration_ms, 'nextRetryAt', ${epochMs('x.next_retry_at')}) order by x.attempt)
      from notification_attempts x where x.delivery_id = d.id), '[]'::json) as log
  from notification_deliveries d left join users u on u.id = d.user_id`

/** A tenant's deliveries, newest first, narrowed by endpoint, alarm and status. */
export async function listDeliveries(sql: SqlClient, tenantId: string, filter: Pick<DeliveryFilter, 'endpoint' | 'alarm' | 'status'>, page: PageRequest): Promise<Page<DeliveryJson>> {
  const { p, values } = sqlParams()
  const where = [`d.tenant_id = ${p(tenantId)}`]
  if (filter.endpoint) where.push(`d.endpoint_id = ${p(filter.endpoint)}`)
  if (filter.alarm) where.push(`d.alarm_id = ${p(filter.alarm)}`)
  if (filter.status) where.push(`d.status = ${p(filter.status)}`)
  where.push(...afterKey(['d.id'], page.after, p, true))
  const rows = await sql.query<DeliveryJson>(`${SELECT} ${whereAll(where)} order by d.id desc limit ${p(page.limit + 1)}`, values)
  return toPage(rows, page.limit, r => [r.id], r => r)
}
