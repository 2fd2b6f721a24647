import { toRuleJson, updateAlarmRule } from '../../alarms/rule-admin'
import { AlarmRuleBody, AlarmRuleIdParams } from '../../alarms/rule-schemas'

/** Replaces a rule's scope and settings (disabling or re-scoping it clears its open alarms). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm_rule:write')
  const { id } = await validParams(event, AlarmRuleIdParams)
  const body = await validBody(event, AlarmRuleBody)
  const platform = await usePlatform()
  const scope = await requireAlarmRuleScope(event, platform.db, ctx, body)
  const before = await requireAlarmRule(platform.db, ctx, scope.tenantId, id, true)
  const change = await updateAlarmRule(platform.db.sql, ctx, before, scope, body)
  for (const alarm of change.cleared) platform.alarms.changed(alarm, 'cleared')
  await learnNow(platform, change.rule)
  platform.alarmRulesChanged(scope.tenantId)
  return toRuleJson(change.rule)
})
