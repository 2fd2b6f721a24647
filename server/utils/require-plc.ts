import type { Database } from '../db/client'
import { findPlcs, type PlcRecord } from '../queries/plcs'
import type { ReadScope } from '../queries/scope'

/**
 * The PLC a route names within the caller's scope, or a 404 — the same 404 whether it does not exist
 * or belongs to someone else. Platform admins without `?tenant=` may hit a site slug that exists in
 * several tenants: then the route is ambiguous (409) rather than answered with whichever comes first.
 */
export async function requirePlc(db: Database, scope: ReadScope, where: { site: string, plcId: string }): Promise<PlcRecord> {
  const found = await findPlcs(db, scope, where)
  if (found.length > 1) {
    throw createError({
      statusCode: 409,
      statusMessage: 'Ambiguous site',
      message: `Site "${where.site}" exists in several tenants; pass ?tenant=`,
      data: { code: 'SITE_AMBIGUOUS' }
    })
  }
  if (!found[0]) {
    throw createError({
      statusCode: 404,
      statusMessage: 'PLC not found',
      message: `PLC "${where.plcId}" not found in site "${where.site}"`,
      data: { code: 'PLC_NOT_FOUND' }
    })
  }
  return found[0]
}
