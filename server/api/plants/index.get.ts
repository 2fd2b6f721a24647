import { pageRequest } from '../../admin/page'
import { listPlants } from '../../admin/plants'
import { PlantListQuery } from '../../admin/plant-schemas'

/** The plants the caller may see, with how many gateways and machines (pending ones too) each has. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'telemetry:read')
  const query = await validQuery(event, PlantListQuery)
  const { db } = await usePlatform()
  return listPlants(db.sql, readScope(ctx, query.tenant), pageRequest(query))
})
