import { actorOf } from '../../audit/actor'
import { updateEndpoint } from '../../notifications/endpoints'
import { EndpointParams, EndpointPatchBody, EndpointTenantQuery } from '../../notifications/endpoint-schemas'
import { checkDestination } from '../../notifications/destination'
import { resolveSites } from '../../notifications/sites'

/** Changes an endpoint's URL, filters, secret (rotation) or enabled flag. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'notification:manage')
  const { id } = await validParams(event, EndpointParams)
  const { tenant } = await validQuery(event, EndpointTenantQuery)
  const { sites, ...patch } = await validBody(event, EndpointPatchBody)
  const { db, config } = await usePlatform()
  const refused = patch.url && await checkDestination(config.notifications.destination, patch.url)
  if (refused) throw invalidField('url', refused)
  const { tenantId } = await targetTenant(event, db, ctx, tenant)
  const plants = sites && await resolveSites(db.sql, tenantId, sites)
  if (plants && 'unknown' in plants) throw invalidField('sites', `no such site in this tenant: ${plants.unknown.join(', ')}`)
  const endpoint = await updateEndpoint(db.sql, actorOf(ctx), tenantId, id, patch, plants?.ids)
  if (!endpoint) throw notFoundError('ENDPOINT_NOT_FOUND', 'Notification endpoint not found')
  return endpoint
})
