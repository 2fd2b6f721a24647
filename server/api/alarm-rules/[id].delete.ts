import { deleteAlarmRule } from '../../alarms/rule-admin'
import { AlarmRuleIdParams, AlarmRuleTenantQuery } from '../../alarms/rule-schemas'

/** Deletes a rule, clearing its open alarms (nothing would evaluate them again). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm_rule:write')
  const { id } = await validParams(event, AlarmRuleIdParams)
  const { tenant } = await validQuery(event, AlarmRuleTenantQuery)
  const platform = await usePlatform()
  const target = await targetTenant(event, platform.db, ctx, tenant)
  const before = await requireAlarmRule(platform.db, ctx, target.tenantId, id, true)
  const change = await deleteAlarmRule(platform.db.sql, ctx, before, target.tenantId)
  for (const alarm of change.cleared) platform.alarms.changed(alarm, 'cleared')
  platform.alarmRulesChanged(target.tenantId)
  return noContent(event)
})
