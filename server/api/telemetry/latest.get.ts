import { latestValues } from '../../queries/latest'
import { LatestQuery } from '../../queries/schemas'

/** The most recently updated values across the PLCs the caller may see, newest first. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const { tenant, limit } = await validQuery(event, LatestQuery)
  const { db } = await usePlatform()
  return latestValues(db, readScope(ctx, tenant), { limit })
})
