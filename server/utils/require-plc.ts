import type { Database } from '../db/client'
import { findPlcs, type PlcRecord } from '../queries/plcs'

/**
 * The PLC a route names, or a 404. Without `?tenant=` a site slug can exist in several tenants: then
 * the route is ambiguous (409) rather than answered with whichever tenant comes first.
 */
export async function requirePlc(db: Database, where: { tenant?: string, site: string, plcId: string }): Promise<PlcRecord> {
  const found = await findPlcs(db, where)
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
