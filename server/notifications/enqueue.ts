import { toAlarmJson, type AlarmJson, type AlarmRecord } from '../alarms/alarm-json'
import type { SqlClient } from '../db/client'
import { isNotified, notificationBody, transitionTime, type NotifiedTransition } from './body'

const ON_CONFLICT = 'on conflict on constraint notification_deliveries_once do nothing returning id'

// For each transition, the endpoints and users whose filters take it: severity, plant (empty: every
// plant), the transition itself; users also need to see the plant (admins and 'all' access see every
// one). One statement for a whole batch of transitions.
const TRANSITION_TARGETS = `
with input as (select * from json_to_recordset($1::text::json) as i(alarm_id uuid, event text, body text)),
a as (select i.event, i.body, al.id, al.tenant_id, al.plant_id, al.severity from input i join alarms al on al.id = i.alarm_id)
insert into notification_deliveries (tenant_id, endpoint_id, user_id, alarm_id, event, body)
select a.tenant_id, t.endpoint_id, t.user_id, a.id, a.event, a.body from a cross join lateral (
  select e.id as endpoint_id, null::uuid as user_id from notification_endpoints e
   where e.tenant_id = a.tenant_id and e.enabled and a.severity = any(e.severities) and a.event = any(e.events)
     and (cardinality(e.plant_ids) = 0 or a.plant_id = any(e.plant_ids))
  union all
  select null, u.id from notification_preferences n join users u on u.id = n.user_id
   where u.tenant_id = a.tenant_id and n.enabled and a.severity = any(n.severities) and a.event = any(n.events)
     and (cardinality(n.plant_ids) = 0 or a.plant_id = any(n.plant_ids))
     and (u.role = 'admin' or cardinality(u.plant_access) = 0 or a.plant_id = any(u.plant_access))
) t
${ON_CONFLICT}`

/** One transition to notify. */
export interface TransitionItem { event: NotifiedTransition, alarm: AlarmJson }

/**
 * Queues the notifications of alarm changes in the transaction that made them, so a crash can lose
 * neither the change's notifications nor leave notifications of a change that never committed.
 * Changes that notify nobody (shelving, or anything while an alarm is shelved) are skipped.
 */
export async function queueNotifications(tx: SqlClient, changes: { alarm: AlarmRecord, transition: string }[], now = Date.now()): Promise<number> {
  const items: TransitionItem[] = []
  for (const { alarm, transition } of changes) {
    // Shelved alarms stay quiet until the shelving ends (SPEC §6 alarms lifecycle).
    if (isNotified(transition) && !(alarm.shelvedUntil && alarm.shelvedUntil > now)) items.push({ event: transition, alarm: toAlarmJson(alarm) })
  }
  return items.length ? enqueueTransitions(tx, items) : 0
}

/** Queues the notifications of transitions for every matching endpoint and user; returns how many were queued. */
export async function enqueueTransitions(sql: SqlClient, items: TransitionItem[]): Promise<number> {
  const input = items.map(({ event, alarm }) => ({ alarm_id: alarm.id, event, body: notificationBody(event, alarm, transitionTime(event, alarm)) }))
  return (await sql.query(TRANSITION_TARGETS, [JSON.stringify(input)])).length
}

const LEVEL_TARGETS = `
insert into notification_deliveries (tenant_id, endpoint_id, user_id, alarm_id, event, level, body)
select $1, t.endpoint_id, t.user_id, $2, 'escalated', $3, $4 from (
  select e.id as endpoint_id, null::uuid as user_id from notification_endpoints e where e.tenant_id = $1 and e.enabled and e.id = any($5::uuid[])
  union all
  select null, u.id from users u where u.tenant_id = $1 and u.id = any($6::uuid[])
) t
${ON_CONFLICT}`

/** Queues an escalation level's notifications of one alarm to the level's endpoints and users. */
export async function enqueueEscalation(tx: SqlClient, alarm: AlarmJson & { tenantId: string }, level: number, target: { afterMinutes: number, endpointIds: string[], userIds: string[] }, now: number): Promise<number> {
  const body = notificationBody('escalated', alarm, now, { level, afterMinutes: target.afterMinutes })
  const rows = await tx.query(LEVEL_TARGETS, [alarm.tenantId, alarm.id, level, body, `{${target.endpointIds.join(',')}}`, `{${target.userIds.join(',')}}`])
  return rows.length
}
