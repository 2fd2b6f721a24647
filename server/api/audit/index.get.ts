import { pageRequest } from '../../admin/page'
import { listAudit } from '../../audit/list'
import { AuditListQuery } from '../../audit/schemas'

/** Audit entries of the caller's tenant, newest first (platform admins: every chain, `?tenant=` narrows). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'audit:read')
  const query = await validQuery(event, AuditListQuery)
  const { db } = await usePlatform()
  return listAudit(db.sql, readScope(ctx, query.tenant), query, pageRequest(query))
})
