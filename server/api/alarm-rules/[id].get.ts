import { toRuleJson } from '../../alarms/rule-admin'
import { AlarmRuleIdParams, AlarmRuleTenantQuery } from '../../alarms/rule-schemas'

/** One alarm rule. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const { id } = await validParams(event, AlarmRuleIdParams)
  const { tenant } = await validQuery(event, AlarmRuleTenantQuery)
  const { db } = await usePlatform()
  const target = await targetTenant(event, db, ctx, tenant)
  return toRuleJson(await requireAlarmRule(db, ctx, target.tenantId, id))
})
