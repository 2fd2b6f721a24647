import { TenantQuery } from '../../queries/schemas'
import { listSites } from '../../queries/sites'

/** Plants (the API's sites) with their tenant. */
export default defineEventHandler(async (event) => {
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  return listSites(db, { tenant })
})
