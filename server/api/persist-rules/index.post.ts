import { actorOf } from '../../audit/actor'
import { createPersistRule, getPersistRule } from '../../admin/persist-rules'
import { PersistRuleBody } from '../../admin/persist-rule-schemas'

/** Creates the rule of a scope; 409 if that scope has one already (PUT sets it either way). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'persist_rule:write')
  const body = await validBody(event, PersistRuleBody)
  const platform = await usePlatform()
  const scope = await requireRuleScope(event, platform.db, ctx, body)
  const id = await createPersistRule(platform.db.sql, actorOf(ctx), scope, body.mode)
  if (!id) throw createError({ statusCode: 409, statusMessage: 'Conflict', message: 'This scope already has a persistence rule; PUT changes it', data: { code: 'RULE_EXISTS' } })
  platform.persistRulesChanged(scope.tenantId)
  setResponseStatus(event, 201)
  return getPersistRule(platform.db.sql, scope.tenantId, id)
})
