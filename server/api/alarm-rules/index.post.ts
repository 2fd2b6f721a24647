import { createAlarmRule } from '../../alarms/rule-admin'
import { AlarmRuleBody } from '../../alarms/rule-schemas'

/** Creates a threshold rule; it applies to the next values that arrive. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm_rule:write')
  const body = await validBody(event, AlarmRuleBody)
  const platform = await usePlatform()
  const scope = await requireAlarmRuleScope(event, platform.db, ctx, body)
  const rule = await createAlarmRule(platform.db.sql, ctx, scope, body)
  platform.alarmRulesChanged(scope.tenantId)
  setResponseStatus(event, 201)
  return rule
})
