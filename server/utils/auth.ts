import type { H3Event } from 'h3'
import type { AuthContext } from '../auth/types'
import { can, type Action } from '../auth/policy'
import type { ReadScope } from '../queries/scope'

declare module 'h3' {
  interface H3EventContext {
    /** Set by server/middleware/auth.ts on every /api route that is not public. */
    auth?: AuthContext
  }
}

/** The caller's access context; the auth middleware has already rejected requests without one. */
export function useAuth(event: H3Event): AuthContext {
  const ctx = event.context.auth
  if (!ctx) throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Sign in: an ID token is required', data: { code: 'AUTH_REQUIRED' } })
  return ctx
}

/**
 * The caller, if their role holds `action` — else 403. Says nothing about any object: checks on a
 * particular tenant's or plant's object go through `canAccess`, whose failure is a 404.
 */
export function requirePermission(event: H3Event, action: Action): AuthContext {
  const ctx = useAuth(event)
  if (!can(ctx, action)) {
    throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: `Your role may not do this (${action})`, data: { code: 'FORBIDDEN', action } })
  }
  return ctx
}

/**
 * The rows the caller may read. Platform admins see every tenant (`?tenant=` narrows); everyone else
 * sees their own tenant — a `?tenant=` naming another one matches nothing — and their plants.
 */
export function readScope(ctx: AuthContext, tenant?: string): ReadScope {
  if (ctx.platformAdmin) return { tenant }
  const plantIds = ctx.role === 'admin' || ctx.plantAccess === 'all' ? undefined : ctx.plantAccess
  return { tenantId: ctx.tenantId ?? undefined, plantIds, tenant }
}
