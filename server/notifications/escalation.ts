import { alarmSelect, toAlarmJson, type AlarmRecord } from '../alarms/alarm-json'
import type { EscalationLevel } from '../db/schema'
import type { SqlClient } from '../db/client'
import { enqueueEscalation } from './enqueue'

interface PolicyRow {
  tenantId: string
  severities: string[]
  levels: EscalationLevel[]
}

const BATCH = 200

// Alarms past a level's delay, still active (neither acknowledged nor cleared), not shelved, not yet
// escalated to that level. The delay counts from created_at — when the platform raised the alarm —
// not from `ts`: gateways flushing old buffers raise alarms with timestamps hours in the past.
// The insert marks the level done; racing instances conflict on its key and only one gets the row.
const MARK_DUE = `
with due as (
  select a.id from alarms a
  where a.tenant_id = $1 and a.state = 'active' and not a.acknowledged and a.severity = any($4::text[])
    and (a.shelved_until is null or a.shelved_until <= now())
    and a.created_at <= now() - make_interval(secs => $2::float8)
    and not exists (select 1 from alarm_escalations x where x.alarm_id = a.id and x.level = $3)
  order by a.created_at limit ${BATCH}
)
insert into alarm_escalations (alarm_id, tenant_id, level) select id, $1, $3 from due
on conflict do nothing returning alarm_id as id`

/** Escalates one level of one tenant: marks the alarms due and queues their notifications in one transaction. */
function escalateLevel(sql: SqlClient, policy: PolicyRow, level: number, target: EscalationLevel, now: number): Promise<number> {
  return sql.transaction(async (tx) => {
    const marked = await tx.query<{ id: string }>(MARK_DUE, [policy.tenantId, target.afterMinutes * 60, level, `{${policy.severities.join(',')}}`])
    if (!marked.length) return 0
    const alarms = await tx.query<AlarmRecord>(`${alarmSelect()} where a.id = any($1::uuid[])`, [`{${marked.map(m => m.id).join(',')}}`])
    for (const alarm of alarms) await enqueueEscalation(tx, { ...toAlarmJson(alarm), tenantId: alarm.tenantId }, level, target, now)
    return alarms.length
  })
}

/**
 * One sweep of every tenant's escalation policy: returns how many (alarm, level) pairs escalated.
 * Idempotent, so every instance may sweep on its own timer.
 */
export async function sweepEscalations(sql: SqlClient, now = Date.now()): Promise<number> {
  const policies = await sql.query<PolicyRow>(
    `select tenant_id as "tenantId", severities, levels from escalation_policies where enabled and jsonb_array_length(levels) > 0`)
  let escalated = 0
  for (const policy of policies) {
    for (const [i, target] of policy.levels.entries()) escalated += await escalateLevel(sql, policy, i + 1, target, now)
  }
  return escalated
}
