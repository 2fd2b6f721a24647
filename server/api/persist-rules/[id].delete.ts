import { actorOf } from '../../audit/actor'
import { deletePersistRule } from '../../admin/persist-rules'
import { PersistRuleIdParams, PersistRuleListQuery } from '../../admin/persist-rule-schemas'

/** Deletes one rule; the broader rules apply again. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'persist_rule:write')
  const { id } = await validParams(event, PersistRuleIdParams)
  const { tenant } = await validQuery(event, PersistRuleListQuery)
  const platform = await usePlatform()
  const target = await targetTenant(event, platform.db, ctx, tenant)
  if (!(await deletePersistRule(platform.db.sql, actorOf(ctx), target.tenantId, id))) throw ruleNotFound()
  platform.persistRulesChanged(target.tenantId)
  setResponseStatus(event, 204)
  return null
})
