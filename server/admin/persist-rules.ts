import { appendAudit } from '../audit/append'
import type { PersistMode } from '../config/env'
import type { SqlClient } from '../db/client'

export interface PersistRuleJson {
  id: string
  tenant: string
  /** Null: the rule covers every plant of the tenant. */
  site: string | null
  plcId: string | null
  metric: string | null
  mode: PersistMode
  /** Epoch ms. */
  updatedAt: number
}

/** Where a rule applies, as ids; resolved from slugs by `resolveRuleScope`. */
export interface RuleScope {
  tenantId: string
  plantId: string | null
  plcId: string | null
  metric: string | null
}

const SELECT = `select r.id, t.slug as tenant, pl.slug as site, c.plc_id as "plcId", r.metric, r.mode,
    (extract(epoch from r.updated_at) * 1000)::float8 as "updatedAt"
  from persist_rules r
  join tenants t on t.id = r.tenant_id
  left join plants pl on pl.id = r.plant_id
  left join plcs c on c.id = r.plc_id`

/** A tenant's rules, broadest first (tenant, then plant, PLC and metric rules). */
export function listPersistRules(sql: SqlClient, tenantId: string, plantIds?: string[]): Promise<PersistRuleJson[]> {
  return sql.query<PersistRuleJson>(
    `${SELECT} where r.tenant_id = $1 and ($2::uuid[] is null or r.plant_id is null or r.plant_id = any($2::uuid[]))
     order by pl.slug nulls first, c.plc_id nulls first, r.metric nulls first`,
    [tenantId, plantIds ? `{${plantIds.join(',')}}` : null])
}

export async function getPersistRule(sql: SqlClient, tenantId: string, id: string): Promise<PersistRuleJson | undefined> {
  const [rule] = await sql.query<PersistRuleJson>(`${SELECT} where r.tenant_id = $1 and r.id = $2`, [tenantId, id])
  return rule
}

/**
 * The ids of a scope named by slugs, within one tenant; undefined when the site or PLC is not there.
 * A PLC needs its site: PLC ids are unique per plant only.
 */
export async function resolveRuleScope(sql: SqlClient, tenantId: string, s: { site?: string, plcId?: string, metric?: string }): Promise<RuleScope | undefined> {
  let plantId: string | null = null
  let plcId: string | null = null
  if (s.site) {
    const [plant] = await sql.query<{ id: string }>('select id from plants where tenant_id = $1 and slug = $2', [tenantId, s.site])
    if (!plant) return undefined
    plantId = plant.id
  }
  if (s.plcId) {
    const [plc] = await sql.query<{ id: string }>('select id from plcs where tenant_id = $1 and plant_id = $2 and plc_id = $3', [tenantId, plantId, s.plcId])
    if (!plc) return undefined
    plcId = plc.id
  }
  return { tenantId, plantId, plcId, metric: s.metric ?? null }
}

const SCOPE_MATCH = `tenant_id = $1 and plant_id is not distinct from $2 and plc_id is not distinct from $3 and metric is not distinct from $4`
const scopeParams = (s: RuleScope) => [s.tenantId, s.plantId, s.plcId, s.metric]

async function ruleOfScope(sql: SqlClient, s: RuleScope): Promise<PersistRuleJson | undefined> {
  const [row] = await sql.query<{ id: string }>(`select id from persist_rules where ${SCOPE_MATCH}`, scopeParams(s))
  return row && getPersistRule(sql, s.tenantId, row.id)
}

/** Records a rule change on its tenant's chain. */
function audit(tx: SqlClient, actor: string, tenantId: string, action: string, id: string, before?: PersistRuleJson, after?: PersistRuleJson) {
  return appendAudit(tx, { tenantId, actor, action: `persist_rule.${action}`, entity: 'persist_rule', entityId: id, before, after })
}

/** Creates the rule of a scope; undefined if that scope already has one. */
export function createPersistRule(sql: SqlClient, actor: string, scope: RuleScope, mode: PersistMode): Promise<string | undefined> {
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into persist_rules (tenant_id, plant_id, plc_id, metric, mode) values ($1, $2, $3, $4, $5)
       on conflict on constraint persist_rules_scope do nothing returning id`, [...scopeParams(scope), mode])
    if (!row) return undefined
    await audit(tx, actor, scope.tenantId, 'create', row.id, undefined, await getPersistRule(tx, scope.tenantId, row.id))
    return row.id
  })
}

/** Sets the mode of a scope, creating its rule if needed; returns the rule's id. */
export function upsertPersistRule(sql: SqlClient, actor: string, scope: RuleScope, mode: PersistMode): Promise<string> {
  return sql.transaction(async (tx) => {
    const before = await ruleOfScope(tx, scope)
    const [row] = await tx.query<{ id: string }>(
      `insert into persist_rules (tenant_id, plant_id, plc_id, metric, mode) values ($1, $2, $3, $4, $5)
       on conflict on constraint persist_rules_scope do update set mode = excluded.mode, updated_at = now() returning id`, [...scopeParams(scope), mode])
    await audit(tx, actor, scope.tenantId, 'set', row!.id, before, await getPersistRule(tx, scope.tenantId, row!.id))
    return row!.id
  })
}

/** Changes one rule's mode; false if the tenant has no such rule. */
export function updatePersistRule(sql: SqlClient, actor: string, tenantId: string, id: string, mode: PersistMode): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const before = await getPersistRule(tx, tenantId, id)
    if (!before) return false
    await tx.query('update persist_rules set mode = $3, updated_at = now() where tenant_id = $1 and id = $2', [tenantId, id, mode])
    await audit(tx, actor, tenantId, 'update', id, before, await getPersistRule(tx, tenantId, id))
    return true
  })
}

/** Deletes one rule; false if the tenant has no such rule. */
export function deletePersistRule(sql: SqlClient, actor: string, tenantId: string, id: string): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const before = await getPersistRule(tx, tenantId, id)
    if (!before) return false
    await tx.query('delete from persist_rules where tenant_id = $1 and id = $2', [tenantId, id])
    await audit(tx, actor, tenantId, 'delete', id, before)
    return true
  })
}

/** Deletes the rule of a scope; false if it has none. */
export function deletePersistRuleByScope(sql: SqlClient, actor: string, s: RuleScope): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const before = await ruleOfScope(tx, s)
    if (!before) return false
    await tx.query('delete from persist_rules where tenant_id = $1 and id = $2', [s.tenantId, before.id])
    await audit(tx, actor, s.tenantId, 'delete', before.id, before)
    return true
  })
}
