import { createAlarmRule, toRuleJson } from '../../alarms/rule-admin'
import { AlarmRuleBody } from '../../alarms/rule-schemas'

/** Creates a rule; it applies to the next values that arrive (a learnt rule learns its bounds first). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm_rule:write')
  const body = await validBody(event, AlarmRuleBody)
  const platform = await usePlatform()
  const scope = await requireAlarmRuleScope(event, platform.db, ctx, body)
  const rule = await createAlarmRule(platform.db.sql, ctx, scope, body)
  await learnNow(platform, rule)
  platform.alarmRulesChanged(scope.tenantId)
  setResponseStatus(event, 201)
  return toRuleJson(rule)
})
