import type { SqlClient } from '../db/client'
import { queueNotifications } from '../notifications/enqueue'
import { alarmSelect, type AlarmRecord } from './alarm-json'
import { auditCritical } from './audit'
import type { AlarmDraft } from './observations'

/** How the audit chain names the engine. */
const ENGINE_ACTOR = 'alarm-engine'

/** A raise or clear the engine decided, to be written. */
export interface Transition {
  decision: 'raise' | 'clear'
  key: string
  ts: number
  value: number | null
  draft: AlarmDraft
}

// A raise is a no-op when the key already has an open alarm (another instance raised it): the partial
// unique index on open alarms makes "one open alarm per condition" hold across instances. Each
// statement takes a whole batch of transitions (json_to_recordset) and logs each in alarm_events.
const RAISE = `
with input as (
  select * from json_to_recordset($1::text::json) as i(tenant_id uuid, plant_id uuid, plc_id uuid, gateway_id uuid, rule_id uuid,
    metric text, type text, message text, severity text, value float8, ts_ms float8, condition_key text)
), raised as (
  insert into alarms (tenant_id, plant_id, plc_id, gateway_id, rule_id, metric, type, message, severity, value, ts, condition_key)
  select tenant_id, plant_id, plc_id, gateway_id, rule_id, metric, type, message, severity, value, to_timestamp(ts_ms / 1000.0), condition_key
  from input
  on conflict (condition_key) where state <> 'cleared' do nothing
  returning *
), logged as (
  insert into alarm_events (tenant_id, alarm_id, kind, at, value) select tenant_id, id, 'raised', ts, value from raised
)
${alarmSelect('raised')}`

const CLEAR = `
with input as (
  select * from json_to_recordset($1::text::json) as i(condition_key text, ts_ms float8, value float8)
), cleared as (
  update alarms a set state = 'cleared', cleared_at = to_timestamp(i.ts_ms / 1000.0), clear_value = i.value
  from input i where a.condition_key = i.condition_key and a.state <> 'cleared'
  returning a.*
), logged as (
  insert into alarm_events (tenant_id, alarm_id, kind, at, value) select tenant_id, id, 'cleared', cleared_at, clear_value from cleared
)
${alarmSelect('cleared')}`

/**
 * Splits transitions into rounds in which each condition key appears once, keeping each key's order:
 * a round's raises and clears can then go in one statement each. Usually there is one round.
 */
function rounds(transitions: Transition[]): Transition[][] {
  const out: Transition[][] = []
  const seen = new Map<string, number>()
  for (const t of transitions) {
    const r = seen.get(t.key) ?? 0
    seen.set(t.key, r + 1)
    ;(out[r] ??= []).push(t)
  }
  return out
}

/**
 * Writes transitions in one transaction — per round, one statement for the raises and one for the
 * clears, then their notifications and audit entries — and returns each alarm as its transition
 * left it, for the live streams.
 */
export async function writeTransitions(sql: SqlClient, transitions: Transition[]): Promise<{ alarm: AlarmRecord, transition: 'raised' | 'cleared' }[]> {
  return sql.transaction(async (tx) => {
    const changed: { alarm: AlarmRecord, transition: 'raised' | 'cleared' }[] = []
    for (const round of rounds(transitions)) {
      const raises = round.filter(t => t.decision === 'raise')
      const clears = round.filter(t => t.decision === 'clear')
      if (raises.length) for (const alarm of await tx.query<AlarmRecord>(RAISE, [JSON.stringify(raises.map(raiseRow))])) changed.push({ alarm, transition: 'raised' })
      if (clears.length) {
        const rows = clears.map(t => ({ condition_key: t.key, ts_ms: t.ts, value: t.value }))
        for (const alarm of await tx.query<AlarmRecord>(CLEAR, [JSON.stringify(rows)])) changed.push({ alarm, transition: 'cleared' })
      }
    }
    await queueNotifications(tx, changed)
    for (const c of changed) await auditCritical(tx, ENGINE_ACTOR, c.alarm, c.transition)
    return changed
  })
}

function raiseRow(t: Transition) {
  const d = t.draft
  return {
    tenant_id: d.plant.tenantId, plant_id: d.plant.plantId, plc_id: d.plcRowId, gateway_id: d.gatewayRowId, rule_id: d.ruleId,
    metric: d.metric, type: d.type, message: d.message, severity: d.severity, value: t.value, ts_ms: t.ts, condition_key: t.key
  }
}

/** The condition keys of every open alarm: the engine's starting point after a restart. */
export async function openConditionKeys(sql: SqlClient): Promise<string[]> {
  const rows = await sql.query<{ key: string }>(`select condition_key as key from alarms where state <> 'cleared'`)
  return rows.map(r => r.key)
}
