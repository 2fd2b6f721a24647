import { TenantQuery } from '../../queries/schemas'
import { listSites } from '../../queries/sites'

/** The plants (the API's sites) the caller may see, with their tenant. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  return listSites(db, readScope(ctx, tenant))
})
