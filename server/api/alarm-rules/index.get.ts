import { pageRequest } from '../../admin/page'
import { listAlarmRules } from '../../alarms/rule-admin'
import { AlarmRuleListQuery } from '../../alarms/rule-schemas'

/** The alarm rules of the caller's tenant (on their plants, and tenant-wide ones), by name. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm:read')
  const q = await validQuery(event, AlarmRuleListQuery)
  const { db } = await usePlatform()
  const target = await targetTenant(event, db, ctx, q.tenant)
  return listAlarmRules(db.sql, target.tenantId, readScope(ctx).plantIds, pageRequest(q))
})
