import { actorOf } from '../../audit/actor'
import { deletePersistRuleByScope } from '../../admin/persist-rules'
import { PersistRuleScope } from '../../admin/persist-rule-schemas'

/** Removes the rule of a scope (given in the query); the broader rules apply again. 204, or 404. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'persist_rule:write')
  const query = await validQuery(event, PersistRuleScope)
  const platform = await usePlatform()
  const scope = await requireRuleScope(event, platform.db, ctx, query)
  if (!(await deletePersistRuleByScope(platform.db.sql, actorOf(ctx), scope))) throw ruleNotFound()
  platform.persistRulesChanged(scope.tenantId)
  setResponseStatus(event, 204)
  return null
})
