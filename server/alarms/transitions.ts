import type { SqlClient } from '../db/client'
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
// unique index on open alarms makes "one open alarm per condition" hold across instances.
const RAISE = `
with raised as (
  insert into alarms (tenant_id, plant_id, plc_id, gateway_id, rule_id, metric, type, message, severity, value, ts, condition_key)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11 / 1000.0), $12)
  on conflict (condition_key) where state <> 'cleared' do nothing
  returning *
), logged as (
  insert into alarm_events (tenant_id, alarm_id, kind, at, value) select tenant_id, id, 'raised', ts, value from raised
)
${alarmSelect('raised')}`

const CLEAR = `
with cleared as (
  update alarms set state = 'cleared', cleared_at = to_timestamp($2 / 1000.0), clear_value = $3
  where condition_key = $1 and state <> 'cleared'
  returning *
), logged as (
  insert into alarm_events (tenant_id, alarm_id, kind, at, value) select tenant_id, id, 'cleared', cleared_at, clear_value from cleared
)
${alarmSelect('cleared')}`

/**
 * Writes transitions in order in one transaction, each with its alarm_events row, and returns each
 * alarm as that transition left it, for the live streams. Transitions are rare next to values, so one
 * statement each costs little.
 */
export async function writeTransitions(sql: SqlClient, transitions: Transition[]): Promise<{ alarm: AlarmRecord, transition: 'raised' | 'cleared' }[]> {
  return sql.transaction(async (tx) => {
    const changed: { alarm: AlarmRecord, transition: 'raised' | 'cleared' }[] = []
    for (const t of transitions) {
      const raise = t.decision === 'raise'
      const rows = await tx.query<AlarmRecord>(raise ? RAISE : CLEAR, raise ? raiseParams(t) : [t.key, t.ts, t.value])
      for (const alarm of rows) changed.push({ alarm, transition: raise ? 'raised' : 'cleared' })
    }
    for (const c of changed) await auditCritical(tx, ENGINE_ACTOR, c.alarm, c.transition)
    return changed
  })
}

function raiseParams(t: Transition): unknown[] {
  const d = t.draft
  return [d.plant.tenantId, d.plant.plantId, d.plcRowId, d.gatewayRowId, d.ruleId, d.metric, d.type, d.message, d.severity, t.value, t.ts, t.key]
}

/** The condition keys of every open alarm: the engine's starting point after a restart. */
export async function openConditionKeys(sql: SqlClient): Promise<string[]> {
  const rows = await sql.query<{ key: string }>(`select condition_key as key from alarms where state <> 'cleared'`)
  return rows.map(r => r.key)
}
