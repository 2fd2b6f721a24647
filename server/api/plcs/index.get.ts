import { listPlcs } from '../../queries/plcs'
import { TenantQuery } from '../../queries/schemas'

/** Every PLC, optionally of one tenant. */
export default defineEventHandler(async (event) => {
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  return listPlcs(db, { tenant })
})
