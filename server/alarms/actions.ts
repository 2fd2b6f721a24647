import type { SqlClient } from '../db/client'
import { actorOf } from '../audit/actor'
import { alarmSelect, type AlarmRecord } from './alarm-json'
import { queueNotifications } from '../notifications/enqueue'
import { auditCritical } from './audit'

/** Who acts: the alarm records their email; the audit chain their email and uid. */
export interface Actor { uid: string, email: string }

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

/** Runs one action's statement and, in the same transaction, queues its notifications and audits a critical alarm. */
function act(sql: SqlClient, statement: string, params: unknown[], who: Actor, transition: string): Promise<AlarmRecord | undefined> {
  return sql.transaction(async (tx) => {
    const [alarm] = await tx.query<AlarmRecord>(statement, params)
    if (!alarm) return undefined
    await queueNotifications(tx, [{ alarm, transition }])
    await auditCritical(tx, actorOf(who), alarm, transition)
    return alarm
  })
}

/** Acknowledges an alarm (who, when, comment); an alarm is acknowledged once. */
export async function acknowledgeAlarm(sql: SqlClient, id: string, who: Actor, comment: string | null, now = Date.now()): Promise<ActionOutcome> {
  const alarm = await act(sql, ACKNOWLEDGE, [id, who.email, comment, now], who, 'acknowledged')
  return alarm ? { ok: true, alarm } : { ok: false, code: 'ALREADY_ACKNOWLEDGED' }
}

/** Shelves an alarm for `minutes` from now: hidden from active lists, still tracked. Shelving again extends or shortens it. */
export async function shelveAlarm(sql: SqlClient, id: string, who: Actor, minutes: number, comment: string | null, now = Date.now()): Promise<AlarmRecord> {
  return (await act(sql, SHELVE, [id, who.email, minutes, now, comment], who, 'shelved'))!
}

/** Ends a shelving early. */
export async function unshelveAlarm(sql: SqlClient, id: string, who: Actor, now = Date.now()): Promise<ActionOutcome> {
  const alarm = await act(sql, UNSHELVE, [id, who.email, now], who, 'unshelved')
  return alarm ? { ok: true, alarm } : { ok: false, code: 'NOT_SHELVED' }
}
