import { getAlarmRule, toRuleJson, updateAlarmRule } from '../../alarms/rule-admin'
import { AlarmRuleBody, AlarmRuleIdParams } from '../../alarms/rule-schemas'

/**
 * Replaces a rule's scope and settings. Its open alarms stay open under the new limits (the next value
 * decides), but are cleared when the rule is disabled or now watches something else.
 */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm_rule:write')
  const { id } = await validParams(event, AlarmRuleIdParams)
  const body = await validBody(event, AlarmRuleBody)
  const platform = await usePlatform()
  const scope = await requireAlarmRuleScope(event, platform.db, ctx, body)
  const before = await requireAlarmRule(platform.db, ctx, scope.tenantId, id, true)
  await updateAlarmRule(platform.db.sql, id, scope, body)
  const after = (await getAlarmRule(platform.db.sql, scope.tenantId, id))!
  const rescoped = before.plantId !== after.plantId || before.plcId !== after.plcId || before.metric !== after.metric
  if (!after.enabled || rescoped) await closeRuleAlarms(platform, id, ctx, after.enabled ? 'rule changed scope' : 'rule disabled')
  platform.alarmRulesChanged(scope.tenantId)
  return toRuleJson(after)
})
