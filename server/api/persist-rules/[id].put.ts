import { actorOf } from '../../audit/actor'
import { getPersistRule, updatePersistRule } from '../../admin/persist-rules'
import { PersistRuleIdParams, PersistRuleListQuery, PersistRuleModeBody } from '../../admin/persist-rule-schemas'

/** Changes one rule's mode. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'persist_rule:write')
  const { id } = await validParams(event, PersistRuleIdParams)
  const { tenant } = await validQuery(event, PersistRuleListQuery)
  const { mode } = await validBody(event, PersistRuleModeBody)
  const platform = await usePlatform()
  const target = await targetTenant(event, platform.db, ctx, tenant)
  if (!(await updatePersistRule(platform.db.sql, actorOf(ctx), target.tenantId, id, mode))) throw ruleNotFound()
  platform.persistRulesChanged(target.tenantId)
  return getPersistRule(platform.db.sql, target.tenantId, id)
})
