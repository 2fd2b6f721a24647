import { learntBoundsOf } from '../../../alarms/learning'
import { AlarmRuleIdParams, AlarmRuleTenantQuery } from '../../../alarms/rule-schemas'

/** Learns a learnt rule's bounds now (they are re-learnt every ALARM_LEARN_INTERVAL_S anyway). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm_rule:write')
  const { id } = await validParams(event, AlarmRuleIdParams)
  const { tenant } = await validQuery(event, AlarmRuleTenantQuery)
  const platform = await usePlatform()
  const target = await targetTenant(event, platform.db, ctx, tenant)
  const rule = await requireAlarmRule(platform.db, ctx, target.tenantId, id, true)
  if (rule.kind !== 'learnt') throw createError({ statusCode: 409, statusMessage: 'Conflict', message: 'Only learnt rules learn bounds', data: { code: 'NOT_LEARNT' } })
  await learnNow(platform, rule)
  return { items: await learntBoundsOf(platform.db.sql, id, readScope(ctx).plantIds) }
})
