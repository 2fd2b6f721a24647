import type { SqlClient } from '../db/client'
import { queueNotifications } from '../notifications/enqueue'
import type { Page, PageRequest } from '../admin/page'
import { toPage } from '../admin/page'
import { LearntOptions, type AlarmRuleInput } from './rule-schemas'
import type { RuleKind, Severity } from './rules'
import { appendAudit } from '../audit/append'
import { actorOf } from '../audit/actor'
import type { Actor } from './actions'
import { alarmSelect, type AlarmRecord } from './alarm-json'

export interface AlarmRuleJson {
  id: string
  tenant: string
  site: string | null
  plcId: string | null
  machineType: string | null
  metric: string
  name: string
  kind: RuleKind
  learnt: LearntOptions | null
  staleAfterS: number | null
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

/** A rule with the row ids that access checks and learning need; never sent as is. */
export interface AlarmRuleRecord extends AlarmRuleJson { tenantId: string, plantId: string | null, plcRowId: string | null }

export const toRuleJson = ({ tenantId: _t, plantId: _p, plcRowId: _c, ...rule }: AlarmRuleRecord): AlarmRuleJson => rule

/** Where a rule applies, as ids. */
export interface AlarmRuleScope { tenantId: string, plantId: string | null, plcId: string | null }

const ms = (c: string) => `(extract(epoch from ${c}) * 1000)::float8`
const SELECT = `
select r.id, t.slug as tenant, pl.slug as site, c.plc_id as "plcId", r.machine_type as "machineType", r.metric, r.name, r.kind, r.options -> 'learnt' as learnt, (r.options ->> 'staleAfterS')::int as "staleAfterS", r.min, r.max, r.deadband,
       r.tolerance_abs as "toleranceAbs", r.tolerance_frac as "toleranceFrac", r.min_duration_s as "minDurationS",
       r.cooldown_s as "cooldownS", r.severity, r.enabled, ${ms('r.created_at')} as "createdAt", ${ms('r.updated_at')} as "updatedAt"
from alarm_rules r
join tenants t on t.id = r.tenant_id
left join plants pl on pl.id = r.plant_id
left join plcs c on c.id = r.plc_id`

// A learnt rule keeps its learning options (defaults filled in) under options.learnt; a stale rule
// its staleAfterS.
function optionsOf(r: AlarmRuleInput): Record<string, unknown> {
  if (r.kind === 'learnt') return { learnt: LearntOptions.parse(r.learnt ?? {}) }
  if (r.kind === 'stale') return { staleAfterS: r.staleAfterS }
  return {}
}
const settings = (r: AlarmRuleInput) => [
  r.metric, r.name, r.min, r.max, r.deadband, r.toleranceAbs, r.toleranceFrac, r.minDurationS, r.cooldownS, r.severity, r.enabled,
  r.kind, JSON.stringify(optionsOf(r)), r.machineType
]

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
    `${SELECT.replace('select r.id,', 'select r.id, r.tenant_id as "tenantId", r.plant_id as "plantId", r.plc_id as "plcRowId",')} where r.tenant_id = $1 and r.id = $2`, [tenantId, id])
  return rule
}

/** Records a rule change on its tenant's chain (call last in the transaction: it takes the chain's lock). */
function audit(tx: SqlClient, actor: string, tenantId: string, action: string, id: string, before?: AlarmRuleJson, after?: AlarmRuleJson) {
  return appendAudit(tx, { tenantId, actor, action: `alarm_rule.${action}`, entity: 'alarm_rule', entityId: id, before, after })
}

export function createAlarmRule(sql: SqlClient, who: Actor, scope: AlarmRuleScope, r: AlarmRuleInput): Promise<AlarmRuleRecord> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into alarm_rules (tenant_id, plant_id, plc_id, metric, name, min, max, deadband, tolerance_abs, tolerance_frac, min_duration_s, cooldown_s, severity, enabled, kind, options, machine_type)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::text::jsonb, $17) returning id`,
      [scope.tenantId, scope.plantId, scope.plcId, ...settings(r)])
    const after = (await getAlarmRule(tx, scope.tenantId, row!.id))!
    await audit(tx, actorOf(who), scope.tenantId, 'create', after.id, undefined, toRuleJson(after))
    return after
  })
}

/** What deleting a rule did: the alarms it cleared; changing it also gives the rule after. */
export interface RuleDeletion { cleared: AlarmRecord[] }
export interface RuleChange extends RuleDeletion { rule: AlarmRuleRecord }

/**
 * Replaces a rule's scope and settings. Its open alarms stay open under the new limits (the next value
 * decides), but are cleared when the rule is disabled or now watches something else.
 */
export function updateAlarmRule(sql: SqlClient, who: Actor, before: AlarmRuleRecord, scope: AlarmRuleScope, r: AlarmRuleInput): Promise<RuleChange> {
  return sql.transaction(async (tx) => {
    await tx.query(
      `update alarm_rules set plant_id = $3, plc_id = $4, metric = $5, name = $6, min = $7, max = $8, deadband = $9, tolerance_abs = $10,
         tolerance_frac = $11, min_duration_s = $12, cooldown_s = $13, severity = $14, enabled = $15, kind = $16, options = $17::text::jsonb, machine_type = $18, updated_at = now()
       where tenant_id = $1 and id = $2`,
      [scope.tenantId, before.id, scope.plantId, scope.plcId, ...settings(r)])
    const after = (await getAlarmRule(tx, scope.tenantId, before.id))!
    const rescoped = before.plantId !== after.plantId || before.plcId !== after.plcId || before.machineType !== after.machineType
      || before.metric !== after.metric || before.kind !== after.kind
    const cleared = !after.enabled || rescoped ? await clearRuleAlarms(tx, before.id, who.email, after.enabled ? 'rule changed scope' : 'rule disabled') : []
    await audit(tx, actorOf(who), scope.tenantId, 'update', before.id, toRuleJson(before), toRuleJson(after))
    return { rule: after, cleared }
  })
}

/** Deletes a rule, clearing its open alarms first (nothing would evaluate them again). */
export function deleteAlarmRule(sql: SqlClient, who: Actor, before: AlarmRuleRecord, tenantId: string): Promise<RuleDeletion> {
  return sql.transaction(async (tx) => {
    const cleared = await clearRuleAlarms(tx, before.id, who.email, 'rule deleted')
    await tx.query('delete from alarm_rules where tenant_id = $1 and id = $2', [tenantId, before.id])
    await audit(tx, actorOf(who), tenantId, 'delete', before.id, toRuleJson(before))
    return { cleared }
  })
}

/** Clears the open alarms of a rule being deleted, disabled or re-scoped, with their notifications; returns them as cleared. */
async function clearRuleAlarms(tx: SqlClient, ruleId: string, email: string, reason: string): Promise<AlarmRecord[]> {
  const cleared = await tx.query<AlarmRecord>(`
    with cleared as (
      update alarms set state = 'cleared', cleared_at = now() where rule_id = $1 and state <> 'cleared' returning *
    ), logged as (
      insert into alarm_events (tenant_id, alarm_id, kind, at, actor, comment) select tenant_id, id, 'cleared', cleared_at, $2, $3 from cleared
    )
    ${alarmSelect('cleared')}`, [ruleId, email, reason])
  await queueNotifications(tx, cleared.map(alarm => ({ alarm, transition: 'cleared' })))
  return cleared
}
