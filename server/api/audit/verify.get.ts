import { verifyChain } from '../../audit/verify'
import { TenantQuery } from '../../queries/schemas'

/** Recomputes one chain's hashes and sealed roots; names the first entry that breaks it. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'audit:read')
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  return verifyChain(db.sql, await auditChain(event, db, ctx, tenant))
})
