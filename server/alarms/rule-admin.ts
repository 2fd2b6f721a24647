import type { SqlClient } from '../db/client'
import type { Page, PageRequest } from '../admin/page'
import { toPage } from '../admin/page'
import type { AlarmRuleInput } from './rule-schemas'
import type { Severity } from './rules'
import { alarmSelect, type AlarmRecord } from './alarm-json'

export interface AlarmRuleJson {
  id: string
  tenant: string
  site: string | null
  plcId: string | null
  metric: string
  name: string
  min: number | null
  max: number | null
  deadband: number
  toleranceAbs: number
  toleranceFrac: number
  minDurationS: number
  cooldownS: number
  severity: Severity
  enabled: boolean
  createdAt: number
  updatedAt: number
}

/** A rule with its plant's id, for access checks; never sent as is. */
export interface AlarmRuleRecord extends AlarmRuleJson { plantId: string | null }

export const toRuleJson = ({ plantId: _p, ...rule }: AlarmRuleRecord): AlarmRuleJson => rule

/** Where a rule applies, as ids. */
export interface AlarmRuleScope { tenantId: string, plantId: string | null, plcId: string | null }

const ms = (c: string) => `(extract(epoch from ${c}) * 1000)::float8`
const SELECT = `
select r.id, t.slug as tenant, pl.slug as site, c.plc_id as "plcId", r.metric, r.name, r.min, r.max, r.deadband,
       r.tolerance_abs as "toleranceAbs", r.tolerance_frac as "toleranceFrac", r.min_duration_s as "minDurationS",
       r.cooldown_s as "cooldownS", r.severity, r.enabled, ${ms('r.created_at')} as "createdAt", ${ms('r.updated_at')} as "updatedAt"
from alarm_rules r
join tenants t on t.id = r.tenant_id
left join plants pl on pl.id = r.plant_id
left join plcs c on c.id = r.plc_id`

const settings = (r: AlarmRuleInput) => [r.metric, r.name, r.min, r.max, r.deadband, r.toleranceAbs, r.toleranceFrac, r.minDurationS, r.cooldownS, r.severity, r.enabled]

/** A tenant's rules (only those on the given plants, or tenant-wide, when plantIds is set), by name. */
export async function listAlarmRules(sql: SqlClient, tenantId: string, plantIds: string[] | undefined, page: PageRequest): Promise<Page<AlarmRuleJson>> {
  const after = page.after as [string, string] | undefined
  const rows = await sql.query<AlarmRuleJson>(
    `${SELECT} where r.tenant_id = $1 and ($2::uuid[] is null or r.plant_id is null or r.plant_id = any($2::uuid[]))
       and ($3::text is null or (r.name, r.id::text) > ($3, $4))
     order by r.name, r.id::text limit ${page.limit + 1}`,
    [tenantId, plantIds ? `{${plantIds.join(',')}}` : null, after?.[0] ?? null, after?.[1] ?? null])
  return toPage(rows, page.limit, r => [r.name, r.id], r => r)
}

export async function getAlarmRule(sql: SqlClient, tenantId: string, id: string): Promise<AlarmRuleRecord | undefined> {
  const [rule] = await sql.query<AlarmRuleRecord>(
    `${SELECT.replace('select r.id,', 'select r.id, r.plant_id as "plantId",')} where r.tenant_id = $1 and r.id = $2`, [tenantId, id])
  return rule
}

export async function createAlarmRule(sql: SqlClient, scope: AlarmRuleScope, r: AlarmRuleInput): Promise<string> {
  const [row] = await sql.query<{ id: string }>(
    `insert into alarm_rules (tenant_id, plant_id, plc_id, kind, metric, name, min, max, deadband, tolerance_abs, tolerance_frac, min_duration_s, cooldown_s, severity, enabled)
     values ($1, $2, $3, 'threshold', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id`,
    [scope.tenantId, scope.plantId, scope.plcId, ...settings(r)])
  return row!.id
}

/** Replaces a rule's scope and settings; false when it is not there. */
export async function updateAlarmRule(sql: SqlClient, id: string, scope: AlarmRuleScope, r: AlarmRuleInput): Promise<boolean> {
  const rows = await sql.query(
    `update alarm_rules set plant_id = $3, plc_id = $4, metric = $5, name = $6, min = $7, max = $8, deadband = $9, tolerance_abs = $10,
       tolerance_frac = $11, min_duration_s = $12, cooldown_s = $13, severity = $14, enabled = $15, updated_at = now()
     where tenant_id = $1 and id = $2 returning id`,
    [scope.tenantId, id, scope.plantId, scope.plcId, ...settings(r)])
  return rows.length > 0
}

export async function deleteAlarmRule(sql: SqlClient, tenantId: string, id: string): Promise<boolean> {
  const rows = await sql.query('delete from alarm_rules where tenant_id = $1 and id = $2 returning id', [tenantId, id])
  return rows.length > 0
}

/**
 * Clears the open alarms of a rule that is being deleted, disabled or re-scoped: nothing would ever
 * evaluate their condition again. Returns them as cleared.
 */
export function clearRuleAlarms(sql: SqlClient, ruleId: string, actor: string, reason: string): Promise<AlarmRecord[]> {
  return sql.query<AlarmRecord>(`
    with cleared as (
      update alarms set state = 'cleared', cleared_at = now() where rule_id = $1 and state <> 'cleared' returning *
    ), logged as (
      insert into alarm_events (tenant_id, alarm_id, kind, at, actor, comment) select tenant_id, id, 'cleared', cleared_at, $2, $3 from cleared
    )
    ${alarmSelect('cleared')}`, [ruleId, actor, reason])
}
