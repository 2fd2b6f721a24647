import { misconfigurationHints } from '../../alarms/hints'
import { AlarmRuleTenantQuery } from '../../alarms/rule-schemas'

/** Likely misconfigurations of the tenant (seed 003 rule 2), each with the change that would fix it. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'alarm_rule:write')
  const { tenant } = await validQuery(event, AlarmRuleTenantQuery)
  const platform = await usePlatform()
  const target = await targetTenant(event, platform.db, ctx, tenant)
  return { items: await misconfigurationHints(platform.db.sql, target.tenantId, platform.config.ingest.defaultMode) }
})
