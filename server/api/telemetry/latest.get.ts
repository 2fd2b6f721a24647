import { latestValues } from '../../queries/latest'
import { LatestQuery } from '../../queries/schemas'

/** The most recently updated values across all PLCs, newest first. */
export default defineEventHandler(async (event) => {
  const query = await validQuery(event, LatestQuery)
  const { db } = await usePlatform()
  return latestValues(db, query)
})
