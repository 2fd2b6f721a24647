import { appendAudit } from '../audit/append'
import type { EscalationLevel } from '../db/schema'
import type { SqlClient } from '../db/client'
import { pgArray } from '../admin/sql'
import { epochMs } from '../queries/sql'
import type { EscalationPolicyInput, EscalationPolicyJson } from './policy-schemas'
import { ALL_SEVERITIES } from './schemas'

interface PolicyRow {
  enabled: boolean
  severities: string[]
  levels: EscalationLevel[]
  updatedAt: number
}

const toJson = (tenant: string, row?: PolicyRow): EscalationPolicyJson => ({
  tenant,
  enabled: row?.enabled ?? false,
  severities: row?.severities ?? ALL_SEVERITIES,
  levels: (row?.levels ?? []).map((l, i) => ({ level: i + 1, afterMinutes: l.afterMinutes, endpoints: l.endpointIds, users: l.userIds })),
  updatedAt: row?.updatedAt ?? null
})

/** A tenant's escalation policy; without one, the default that escalates nothing. */
export async function getEscalationPolicy(sql: SqlClient, tenantId: string, tenant: string): Promise<EscalationPolicyJson> {
  const [row] = await sql.query<PolicyRow>(
    `select enabled, severities, levels, ${epochMs('updated_at')} as "updatedAt" from escalation_policies where tenant_id = $1`, [tenantId])
  return toJson(tenant, row)
}

/**
 * The first endpoint or user a policy names that is not the tenant's, as the field that names it
 * (`levels.0.users.1`); undefined when all are.
 */
export async function unknownTarget(sql: SqlClient, tenantId: string, input: EscalationPolicyInput): Promise<string | undefined> {
  const ids = (kind: 'endpoints' | 'users') => input.levels.flatMap(l => l[kind])
  const known = new Set((await sql.query<{ id: string }>(
    `select id::text from notification_endpoints where tenant_id = $1 and id = any($2::uuid[])
     union all select id::text from users where tenant_id = $1 and id = any($3::uuid[])`,
    [tenantId, pgArray(ids('endpoints')), pgArray(ids('users'))])).map(r => r.id))
  for (const [i, level] of input.levels.entries()) {
    for (const kind of ['endpoints', 'users'] as const) {
      const j = level[kind].findIndex(id => !known.has(id))
      if (j >= 0) return `levels.${i}.${kind}.${j}`
    }
  }
  return undefined
}

/** Sets a tenant's escalation policy (replacing it whole), recorded on its audit chain. */
export function setEscalationPolicy(sql: SqlClient, actor: string, tenantId: string, tenant: string, input: EscalationPolicyInput): Promise<EscalationPolicyJson> {
  const levels: EscalationLevel[] = input.levels.map(l => ({ afterMinutes: l.afterMinutes, endpointIds: l.endpoints, userIds: l.users }))
  return sql.transaction(async (tx) => {
    const before = await getEscalationPolicy(tx, tenantId, tenant)
    await tx.query(
      `insert into escalation_policies (tenant_id, enabled, severities, levels) values ($1, $2, $3::text[], $4::text::jsonb)
       on conflict (tenant_id) do update set enabled = excluded.enabled, severities = excluded.severities, levels = excluded.levels, updated_at = now()`,
      [tenantId, input.enabled, pgArray(input.severities), JSON.stringify(levels)])
    const after = await getEscalationPolicy(tx, tenantId, tenant)
    await appendAudit(tx, { tenantId, actor, action: 'escalation_policy.set', entity: 'escalation_policy', entityId: tenantId, before: before.updatedAt === null ? undefined : before, after })
    return after
  })
}
