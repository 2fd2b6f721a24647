import { deleteAlarmRule } from '../../alarms/rule-admin'
import { AlarmRuleIdParams, AlarmRuleTenantQuery } from '../../alarms/rule-schemas'

/** Deletes a rule, clearing its open alarms first (nothing would evaluate them again). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm_rule:write')
  const { id } = await validParams(event, AlarmRuleIdParams)
  const { tenant } = await validQuery(event, AlarmRuleTenantQuery)
  const platform = await usePlatform()
  const target = await targetTenant(event, platform.db, ctx, tenant)
  await requireAlarmRule(platform.db, ctx, target.tenantId, id, true)
  await closeRuleAlarms(platform, id, ctx, 'rule deleted')
  await deleteAlarmRule(platform.db.sql, target.tenantId, id)
  platform.alarmRulesChanged(target.tenantId)
  return noContent(event)
})
