import { listPersistRules } from '../../admin/persist-rules'
import { PersistRuleListQuery } from '../../admin/persist-rule-schemas'

/** The persistence rules of the caller's tenant (seed 000), broadest first. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'persist_rule:read')
  const { tenant } = await validQuery(event, PersistRuleListQuery)
  const { db } = await usePlatform()
  const target = await targetTenant(event, db, ctx, tenant)
  return listPersistRules(db.sql, target.tenantId, readScope(ctx).plantIds)
})
