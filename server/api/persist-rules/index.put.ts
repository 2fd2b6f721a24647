import { actorOf } from '../../audit/actor'
import { getPersistRule, upsertPersistRule } from '../../admin/persist-rules'
import { PersistRuleBody } from '../../admin/persist-rule-schemas'

/** Sets the mode of a scope, creating its rule if there is none (idempotent). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'persist_rule:write')
  const body = await validBody(event, PersistRuleBody)
  const platform = await usePlatform()
  const scope = await requireRuleScope(event, platform.db, ctx, body)
  const id = await upsertPersistRule(platform.db.sql, actorOf(ctx), scope, body.mode)
  platform.persistRulesChanged(scope.tenantId)
  return getPersistRule(platform.db.sql, scope.tenantId, id)
})
