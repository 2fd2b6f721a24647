import { actorOf } from '../../audit/actor'
import { setEscalationPolicy, unknownTarget } from '../../notifications/policy'
import { EscalationPolicyBody } from '../../notifications/policy-schemas'

/** Replaces the tenant's escalation policy; every endpoint and user it names must be the tenant's. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'notification:manage')
  const body = await validBody(event, EscalationPolicyBody)
  const { db } = await usePlatform()
  const target = await targetTenant(event, db, ctx, body.tenant)
  const unknown = await unknownTarget(db.sql, target.tenantId, body)
  if (unknown) throw invalidField(unknown, 'no such endpoint or user in this tenant')
  return setEscalationPolicy(db.sql, actorOf(ctx), target.tenantId, target.tenant, body)
})
