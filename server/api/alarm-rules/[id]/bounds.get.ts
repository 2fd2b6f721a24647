import { learntBoundsOf } from '../../../alarms/learning'
import { AlarmRuleIdParams, AlarmRuleTenantQuery } from '../../../alarms/rule-schemas'

/** What a learnt rule learnt, per PLC: percentiles, padded limits, and the window and point count behind them. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const { id } = await validParams(event, AlarmRuleIdParams)
  const { tenant } = await validQuery(event, AlarmRuleTenantQuery)
  const { db } = await usePlatform()
  const target = await targetTenant(event, db, ctx, tenant)
  await requireAlarmRule(db, ctx, target.tenantId, id)
  return { items: await learntBoundsOf(db.sql, id, readScope(ctx).plantIds) }
})
