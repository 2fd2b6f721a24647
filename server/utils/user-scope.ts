import type { AuthContext } from '../auth/types'
import type { UserScope } from '../admin/users'

/** The users a caller manages: their tenant's, without platform admins — or, for a platform admin, everyone (`tenant` narrows). */
export function userScope(ctx: AuthContext, tenant?: string): UserScope {
  return { ...readScope(ctx, tenant), platformAdmins: ctx.platformAdmin }
}

/** 502 when Firebase Authentication refuses to manage accounts (say, no service account in production). */
export function authProviderError(message: string) {
  return createError({ statusCode: 502, statusMessage: 'Bad Gateway', message: `Firebase Authentication failed: ${message}`, data: { code: 'AUTH_PROVIDER_ERROR' } })
}
