import { actorOf } from '../../audit/actor'
import { findPlants, updatePlant } from '../../admin/plants'
import { PlantParams, PlantPatchBody } from '../../admin/plant-schemas'
import { TenantQuery } from '../../queries/schemas'

/** Renames a plant or corrects its province (the ingest then matches topics on the new one). */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'plant:write')
  const { site } = await validParams(event, PlantParams)
  const { tenant } = await validQuery(event, TenantQuery)
  const change = await validBody(event, PlantPatchBody)
  const platform = await usePlatform()
  const plant = requireOne(await findPlants(platform.db.sql, readScope(ctx, tenant), site), 'SITE', `Site "${site}"`)
  const updated = await updatePlant(platform.db.sql, actorOf(ctx), plant.id, change)
  platform.refsChanged()
  return updated
})
