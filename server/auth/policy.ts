import type { AuthContext, Role, Scope } from './types'

/**
 * Every permission the API checks, and the roles that hold it inside their tenant (SPEC §9).
 * Platform admins hold all of them everywhere; `tenant:manage` belongs to them alone.
 */
const GRANTS = {
  'telemetry:read': ['admin', 'manager', 'plant_operator', 'viewer'],
  'export:run': ['admin', 'manager', 'plant_operator', 'viewer'],
  'dashboard:read': ['admin', 'manager', 'plant_operator', 'viewer'],
  'alarm:read': ['admin', 'manager', 'plant_operator', 'viewer'],
  'gateway:read': ['admin', 'manager', 'plant_operator', 'viewer'],
  'alarm:acknowledge': ['admin', 'manager', 'plant_operator'],
  'dashboard:write': ['admin', 'manager'],
  'alarm_rule:write': ['admin', 'manager'],
  'alarm:shelve': ['admin', 'manager'],
  'machine:manage': ['admin', 'manager'],
  'audit:read': ['admin', 'manager'],
  'audit:seal': ['admin'],
  'persist_rule:read': ['admin', 'manager'],
  'persist_rule:write': ['admin'],
  'plant:write': ['admin'],
  'gateway:write': ['admin'],
  'user:manage': ['admin'],
  'dead_letter:read': ['admin'],
  'dead_letter:replay': ['admin'],
  'notification:manage': ['admin'],
  'cold_export:read': ['admin'],
  'tenant:manage': []
} as const satisfies Record<string, readonly Role[]>

export type Action = keyof typeof GRANTS
export const ACTIONS = Object.keys(GRANTS) as Action[]

/** True when the user may perform `action` on `scope` (a tenant, optionally one plant of it). */
export function can(ctx: AuthContext, action: Action, scope?: Scope): boolean {
  if (ctx.platformAdmin) return true
  if (!(GRANTS[action] as readonly Role[]).includes(ctx.role)) return false
  if (!scope) return true
  if (scope.tenantId !== ctx.tenantId) return false
  return scope.plantId === undefined || canSeePlant(ctx, scope.plantId)
}

/** Plant-level visibility inside the user's own tenant; admins always see every plant. */
export function canSeePlant(ctx: AuthContext, plantId: string): boolean {
  return seesEveryPlant(ctx) || (ctx.plantAccess as string[]).includes(plantId)
}

/** True when the user's plant access is not limited to some plants. */
export function seesEveryPlant(ctx: AuthContext): boolean {
  return ctx.platformAdmin || ctx.role === 'admin' || ctx.plantAccess === 'all'
}

/** Every action the user holds in their own tenant, for `GET /api/admin/access` and the UI. */
export function grantedActions(ctx: AuthContext): Action[] {
  return ACTIONS.filter(a => can(ctx, a))
}
