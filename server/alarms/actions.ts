import type { SqlClient } from '../db/client'
import { alarmSelect, type AlarmRecord } from './alarm-json'

export type ActionOutcome = { ok: true, alarm: AlarmRecord } | { ok: false, code: 'ALREADY_ACKNOWLEDGED' | 'NOT_SHELVED' }

// Each action changes the alarm and logs the transition in one statement, guarded by the state it
// needs, so two operators acknowledging at once record one acknowledgement.
const ACKNOWLEDGE = `
with acked as (
  update alarms set acknowledged = true, acknowledged_at = to_timestamp($4 / 1000.0), acknowledged_by = $2, ack_comment = $3,
    state = case when state = 'active' then 'acknowledged' else state end
  where id = $1 and not acknowledged
  returning *
), logged as (
  insert into alarm_events (tenant_id, alarm_id, kind, at, actor, comment) select tenant_id, id, 'acknowledged', acknowledged_at, $2, $3 from acked
)
${alarmSelect('acked')}`

const SHELVE = `
with shelved as (
  update alarms set shelved_until = to_timestamp(($4::float8 + $3::float8 * 60000) / 1000.0), shelved_by = $2 where id = $1
  returning *
), logged as (
  insert into alarm_events (tenant_id, alarm_id, kind, at, actor, comment) select tenant_id, id, 'shelved', to_timestamp($4 / 1000.0), $2, $5 from shelved
)
${alarmSelect('shelved')}`

const UNSHELVE = `
with unshelved as (
  update alarms set shelved_until = null, shelved_by = null where id = $1 and shelved_until > to_timestamp($3 / 1000.0)
  returning *
), logged as (
  insert into alarm_events (tenant_id, alarm_id, kind, at, actor) select tenant_id, id, 'unshelved', to_timestamp($3 / 1000.0), $2 from unshelved
)
${alarmSelect('unshelved')}`

/** Acknowledges an alarm (who, when, comment); an alarm is acknowledged once. */
export async function acknowledgeAlarm(sql: SqlClient, id: string, actor: string, comment: string | null, now = Date.now()): Promise<ActionOutcome> {
  const [alarm] = await sql.query<AlarmRecord>(ACKNOWLEDGE, [id, actor, comment, now])
  return alarm ? { ok: true, alarm } : { ok: false, code: 'ALREADY_ACKNOWLEDGED' }
}

/** Shelves an alarm for `minutes` from now: hidden from active lists, still tracked. Shelving again extends or shortens it. */
export async function shelveAlarm(sql: SqlClient, id: string, actor: string, minutes: number, comment: string | null, now = Date.now()): Promise<AlarmRecord> {
  const [alarm] = await sql.query<AlarmRecord>(SHELVE, [id, actor, minutes, now, comment])
  return alarm!
}

/** Ends a shelving early. */
export async function unshelveAlarm(sql: SqlClient, id: string, actor: string, now = Date.now()): Promise<ActionOutcome> {
  const [alarm] = await sql.query<AlarmRecord>(UNSHELVE, [id, actor, now])
  return alarm ? { ok: true, alarm } : { ok: false, code: 'NOT_SHELVED' }
}
