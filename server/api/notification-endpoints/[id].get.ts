import { getEndpoint } from '../../notifications/endpoints'
import { EndpointParams, EndpointTenantQuery } from '../../notifications/endpoint-schemas'

/** One webhook endpoint of the tenant. */
export default defineEventHandler(async (event) => {
  const ctx = requirePermission(event, 'notification:manage')
  const { id } = await validParams(event, EndpointParams)
  const { tenant } = await validQuery(event, EndpointTenantQuery)
  const { db } = await usePlatform()
  const { tenantId } = await targetTenant(event, db, ctx, tenant)
  const endpoint = await getEndpoint(db.sql, tenantId, id)
  if (!endpoint) throw notFoundError('ENDPOINT_NOT_FOUND', 'Notification endpoint not found')
  return endpoint
})
