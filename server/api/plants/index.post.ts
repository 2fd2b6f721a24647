import { actorOf } from '../../audit/actor'
import { createPlant } from '../../admin/plants'
import { PlantCreateBody } from '../../admin/plant-schemas'

/** Creates a plant; from now on the ingest accepts its messages instead of dead-lettering them. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'plant:write')
  const body = await validBody(event, PlantCreateBody)
  const platform = await usePlatform()
  const { tenantId } = await targetTenant(event, platform.db, ctx, body.tenant)
  const plant = await createPlant(platform.db.sql, actorOf(ctx), tenantId, body)
  if (!plant) throw conflictError('SITE_EXISTS', `Site "${body.slug}" exists already in this tenant`)
  // The ingest remembers unknown plants for a few seconds; forget that now.
  platform.refsChanged()
  setResponseStatus(event, 201)
  return plant
})
