import { actorOf } from '../../audit/actor'
import { deleteEndpoint } from '../../notifications/endpoints'
import { EndpointParams, EndpointTenantQuery } from '../../notifications/endpoint-schemas'

/** Removes an endpoint, its pending deliveries and its delivery log. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'notification:manage')
  const { id } = await validParams(event, EndpointParams)
  const { tenant } = await validQuery(event, EndpointTenantQuery)
  const { db } = await usePlatform()
  const { tenantId } = await targetTenant(event, db, ctx, tenant)
  if (!(await deleteEndpoint(db.sql, actorOf(ctx), tenantId, id))) throw notFoundError('ENDPOINT_NOT_FOUND', 'Notification endpoint not found')
  return noContent(event)
})
