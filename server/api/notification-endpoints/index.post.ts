import { actorOf } from '../../audit/actor'
import { createEndpoint } from '../../notifications/endpoints'
import { EndpointCreateBody } from '../../notifications/endpoint-schemas'
import { checkDestination } from '../../notifications/destination'
import { resolveSites } from '../../notifications/sites'

/** Adds a webhook endpoint; the response carries its secret, shown this once. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'notification:manage')
  const { tenant, ...input } = await validBody(event, EndpointCreateBody)
  const { db, config } = await usePlatform()
  const refused = await checkDestination(config.notifications.destination, input.url)
  if (refused) throw invalidField('url', refused)
  const { tenantId } = await targetTenant(event, db, ctx, tenant)
  const sites = await resolveSites(db.sql, tenantId, input.sites)
  if ('unknown' in sites) throw invalidField('sites', `no such site in this tenant: ${sites.unknown.join(', ')}`)
  setResponseStatus(event, 201)
  return createEndpoint(db.sql, actorOf(ctx), tenantId, { tenant, ...input }, sites.ids)
})
