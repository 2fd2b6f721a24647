import type { H3Event } from 'h3'
import type { AuthContext } from '../auth/types'
import type { Database } from '../db/client'
import { resolveRuleScope, type RuleScope } from '../admin/persist-rules'

/**
 * The ids of the scope a persistence- or alarm-rule request names, or a 404 naming the field (`site`
 * or `plcId`) when that site or PLC is not the caller's: one beyond their scope does not exist for them.
 */
export async function requireRuleScope(event: H3Event, db: Database, ctx: AuthContext, s: { tenant?: string, site?: string, plcId?: string, metric?: string }): Promise<RuleScope> {
  const { tenantId } = await targetTenant(event, db, ctx, s.tenant)
  const scope = await resolveRuleScope(db.sql, tenantId, s)
  if (!scope) {
    throw createError({ statusCode: 404, statusMessage: 'Not found', message: s.plcId ? `PLC "${s.plcId}" not found in site "${s.site}"` : `Site "${s.site}" not found`, data: { code: s.plcId ? 'PLC_NOT_FOUND' : 'SITE_NOT_FOUND', field: s.plcId ? 'plcId' : 'site' } })
  }
  return scope
}

export function ruleNotFound() {
  return createError({ statusCode: 404, statusMessage: 'Not found', message: 'Persistence rule not found', data: { code: 'RULE_NOT_FOUND' } })
}
