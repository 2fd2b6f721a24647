import { createError } from 'h3'
import type { Platform } from '../platform'
import { AuthUnavailableError } from './firebase'
import type { AuthContext } from './types'

/**
 * The access context of an ID token, or an HTTP error: 401 when the token is missing, invalid or
 * expired, 403 when it is valid but the platform does not know the user, 503 when Google's keys
 * cannot be fetched. Messages say nothing about why a token failed beyond that.
 */
export async function authenticateToken(platform: Platform, token: string | undefined): Promise<AuthContext> {
  if (!token) throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Sign in: an ID token is required', data: { code: 'AUTH_REQUIRED' } })
  let verified
  try {
    verified = await platform.auth.firebase.verify(token)
  } catch (err) {
    if (err instanceof AuthUnavailableError) {
      platform.logger.warn({ err: err.message }, 'token verification unavailable')
      throw createError({ statusCode: 503, statusMessage: 'Service Unavailable', message: 'Sign-in cannot be checked right now; retry shortly', data: { code: 'AUTH_UNAVAILABLE' } })
    }
    throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'Invalid or expired ID token', data: { code: 'INVALID_TOKEN' } })
  }
  const ctx = await platform.auth.users.lookup(verified)
  if (!ctx) throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'This account has no access to the platform; ask an admin to invite you', data: { code: 'NO_ACCESS' } })
  return ctx
}

/** The bearer token of an `Authorization` header. */
export function bearerToken(header: string | undefined | null): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return m?.[1]
}
