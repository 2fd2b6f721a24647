import type { SqlClient } from '../db/client'

/** Every chain that has entries or roots: tenant id and slug (both null for the platform chain). */
export function listChains(sql: SqlClient): Promise<{ tenantId: string | null, tenant: string | null }[]> {
  return sql.query(
    `select c.tenant_id::text as "tenantId", t.slug as tenant
     from (select distinct tenant_id from audit_log union select distinct tenant_id from audit_roots) c
     left join tenants t on t.id = c.tenant_id order by t.slug nulls first`)
}
