import type { SqlClient } from '../db/client'

/**
 * Takes the transaction-scoped advisory lock of one chain (a tenant's, or the platform chain for
 * null): appends and seals of that chain, from any app instance, then run one after the other and
 * each sees what the previous one committed. Released at commit or rollback. PGlite has advisory
 * locks too (and a single connection, so there they never wait).
 */
export async function lockChain(tx: SqlClient, tenantId: string | null): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended('audit_chain:' || coalesce($1::text, 'platform'), 0))`, [tenantId])
}

/** `tenant_id` of one chain in SQL, null meaning the platform chain; `p` adds the parameter. */
export function chainCondition(column: string, tenantId: string | null, p: (value: unknown) => string): string {
  return tenantId === null ? `${column} is null` : `${column} = ${p(tenantId)}`
}
