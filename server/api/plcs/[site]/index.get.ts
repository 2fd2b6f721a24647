import { listPlcs } from '../../../queries/plcs'
import { SiteParams, TenantQuery } from '../../../queries/schemas'
import { listSites } from '../../../queries/sites'

/** The PLCs of one site; 404 if the site does not exist (a site without PLCs gives []). */
export default defineEventHandler(async (event) => {
  const { site } = await validParams(event, SiteParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  const plcs = await listPlcs(db, { tenant, site })
  if (!plcs.length && !(await listSites(db, { tenant, site })).length) {
    throw createError({ statusCode: 404, statusMessage: 'Site not found', message: `Site "${site}" not found`, data: { code: 'SITE_NOT_FOUND' } })
  }
  return plcs
})
