import type { H3Event } from 'h3'

/**
 * A 404 with a stable code. Objects of another tenant get the same 404 as ones that do not exist
 * (SPEC §9: nobody learns that another tenant's object exists).
 */
export function notFoundError(code: string, message: string) {
  return createError({ statusCode: 404, statusMessage: 'Not found', message, data: { code } })
}

/** A 409: the request is valid but clashes with what exists (a duplicate slug, a non-pending machine). */
export function conflictError(code: string, message: string) {
  return createError({ statusCode: 409, statusMessage: 'Conflict', message, data: { code } })
}

/** A 422 naming a field, for checks zod cannot make alone (say, a site that must exist in the tenant). */
export function invalidField(field: string, message: string, code = 'INVALID_BODY') {
  return createError({ statusCode: 422, statusMessage: 'Invalid request', message: `${field}: ${message}`, data: { code, field } })
}

/**
 * The one object a route names in the caller's scope: 404 (`{CODE}_NOT_FOUND`) when there is none,
 * 409 (`{CODE}_AMBIGUOUS`) when a platform admin's slug matches in several tenants and no `?tenant=` says which.
 */
export function requireOne<T>(found: T[], code: string, subject: string): T {
  if (found.length > 1) throw conflictError(`${code}_AMBIGUOUS`, `${subject} exists in several tenants; pass ?tenant=`)
  if (!found[0]) throw notFoundError(`${code}_NOT_FOUND`, `${subject} not found`)
  return found[0]
}

/** An empty 204 response. */
export function noContent(event: H3Event): null {
  setResponseStatus(event, 204)
  return null
}
