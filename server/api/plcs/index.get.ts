import { listPlcs } from '../../queries/plcs'
import { TenantQuery } from '../../queries/schemas'

/** Every PLC the caller may see. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const { tenant } = await validQuery(event, TenantQuery)
  const { db } = await usePlatform()
  return listPlcs(db, readScope(ctx, tenant))
})
