import { getEscalationPolicy } from '../../notifications/policy'
import { EscalationPolicyQuery } from '../../notifications/policy-schemas'

/** The tenant's escalation policy (the default escalates nothing). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'notification:manage')
  const { tenant } = await validQuery(event, EscalationPolicyQuery)
  const { db } = await usePlatform()
  const target = await targetTenant(event, db, ctx, tenant)
  return getEscalationPolicy(db.sql, target.tenantId, target.tenant)
})
