import type { H3Event } from 'h3'
import type { AuthContext } from '../auth/types'
import type { Database } from '../db/client'
import { can, canSeePlant, seesEveryPlant } from '../auth/policy'
import { getAlarmRule, type AlarmRuleRecord, type AlarmRuleScope } from '../alarms/rule-admin'
import { learnRule } from '../alarms/learning'
import type { Platform } from '../platform'

/** Whether the caller may write a rule on this scope: limited plant access means rules of those plants only. */
function mayWrite(ctx: AuthContext, tenantId: string, plantId: string | null): boolean {
  return plantId ? can(ctx, 'alarm_rule:write', { tenantId, plantId }) : seesEveryPlant(ctx)
}

/** The ids of the scope an alarm-rule write names: 404 when its site or PLC is not the caller's, 403 beyond their plants. */
export async function requireAlarmRuleScope(event: H3Event, db: Database, ctx: AuthContext, s: { tenant?: string, site?: string, plcId?: string }): Promise<AlarmRuleScope> {
  const scope = await requireRuleScope(event, db, ctx, s)
  if (!mayWrite(ctx, scope.tenantId, scope.plantId)) {
    throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'You may write alarm rules of your plants only; name one with site', data: { code: 'FORBIDDEN', action: 'alarm_rule:write' } })
  }
  return { tenantId: scope.tenantId, plantId: scope.plantId, plcId: scope.plcId }
}

/** A rule the caller may see (`write`: and change), else 404 — a rule beyond their plants does not exist for them. */
export async function requireAlarmRule(db: Database, ctx: AuthContext, tenantId: string, id: string, write = false): Promise<AlarmRuleRecord> {
  const rule = await getAlarmRule(db.sql, tenantId, id)
  const visible = rule && (!rule.plantId || canSeePlant(ctx, rule.plantId))
  if (!rule || !visible || (write && !mayWrite(ctx, tenantId, rule.plantId))) {
    throw createError({ statusCode: 404, statusMessage: 'Not found', message: 'Alarm rule not found', data: { code: 'RULE_NOT_FOUND' } })
  }
  return rule
}

/** Learns a learnt rule's bounds at once (created, changed or asked for); the caller reloads the rules everywhere. */
export async function learnNow(platform: Platform, rule: AlarmRuleRecord): Promise<void> {
  if (rule.kind !== 'learnt' || !rule.learnt || !rule.enabled) return
  await learnRule(platform.db.sql, { id: rule.id, tenantId: rule.tenantId, plantId: rule.plantId, plcId: rule.plcRowId, metric: rule.metric, learnt: rule.learnt })
}
