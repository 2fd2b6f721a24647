import { listPlcs } from '../../../queries/plcs'
import { SiteParams, TenantQuery } from '../../../queries/schemas'
import { listSites } from '../../../queries/sites'

/** The PLCs of one site; 404 if the caller cannot see the site (a site without PLCs gives []). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const { site } = await validParams(event, SiteParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  const scope = readScope(ctx, tenant)
  const plcs = await listPlcs(db, scope, { site })
  if (!plcs.length && !(await listSites(db, scope, { site })).length) {
    throw createError({ statusCode: 404, statusMessage: 'Site not found', message: `Site "${site}" not found`, data: { code: 'SITE_NOT_FOUND' } })
  }
  return plcs
})
