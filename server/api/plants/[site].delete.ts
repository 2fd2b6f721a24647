import { actorOf } from '../../audit/actor'
import { deletePlant, findPlants } from '../../admin/plants'
import { PlantDeleteQuery, PlantParams } from '../../admin/plant-schemas'

/** Deletes a plant and all it owns; one with gateways or machines needs `?force=true`. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'plant:write')
  const { site } = await validParams(event, PlantParams)
  const { tenant, force } = await validQuery(event, PlantDeleteQuery)
  const platform = await usePlatform()
  const plant = requireOne(await findPlants(platform.db.sql, readScope(ctx, tenant), site), 'SITE', `Site "${site}"`)
  if (!(await deletePlant(platform.db.sql, actorOf(ctx), plant, force))) {
    throw conflictError('SITE_NOT_EMPTY', `Site "${site}" has gateways or machines; pass ?force=true to delete them with it`)
  }
  platform.refsChanged()
  platform.persistRulesChanged(plant.tenantId)
  // Users who had access to it were narrowed in the same transaction.
  platform.usersChanged()
  return noContent(event)
})
